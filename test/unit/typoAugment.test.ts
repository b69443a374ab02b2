import { mulberry32 } from '../../nlu/linearClassifier';
import { augmentWithTypos, withTypos } from '../../nlu/typoAugment';

describe('typo injection', () => {
  it('makes one or two small slips and leaves order numbers alone', () => {
    const rand = mulberry32(1);
    for (let i = 0; i < 200; i++) {
      const text = 'where is my order 12345 from last week';
      const noisy = withTypos(text, rand);
      expect(noisy).toContain('12345');
      // A slip changes a word by a letter or two, or runs two words together.
      expect(Math.abs(noisy.length - text.length)).toBeLessThanOrEqual(2);
      expect(noisy.split(' ').length).toBeGreaterThanOrEqual(text.split(' ').length - 2);
    }
  });

  it('leaves texts without a word of three letters as they are', () => {
    expect(withTypos('hi', mulberry32(1))).toBe('hi');
    expect(withTypos('12345', mulberry32(1))).toBe('12345');
  });

  it('adds noisy copies after the originals, with their labels, the same for a seed', () => {
    const examples = [
      { text: 'I forgot my password', label: 'password.recover' },
      { text: 'hi', label: 'greeting' },
    ];
    const a = augmentWithTypos(examples, { copies: 2, seed: 3 });
    expect(a.slice(0, 2)).toEqual(examples);
    // "hi" has no copy: a copy identical to its original is left out.
    expect(a.slice(2).map((e) => e.label)).toEqual(['password.recover', 'password.recover']);
    for (const e of a.slice(2)) expect(e.text).not.toBe('I forgot my password');
    expect(augmentWithTypos(examples, { copies: 2, seed: 3 })).toEqual(a);
  });
});
