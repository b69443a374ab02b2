import { ContactVerification, type CodeNotifier } from '../../commerce/contactVerification';
import { readExplicitYes } from '../../dialogs/explicitYes';

/** The one-time code's rules, on the real class with a recording notifier (the port's boundary) and a moved clock. */
describe('one-time codes', () => {
  let now = 1_000_000;
  const sent: { to: string; code: string }[] = [];
  const notifier: CodeNotifier = {
    sendCode: (m) => {
      sent.push({ to: m.to.value, code: m.code });
      return Promise.resolve();
    },
  };
  const v = new ContactVerification(notifier, { codeLength: 6, codeSeconds: 600, maxAttempts: 3, codesPerHour: 2 }, 'k'.repeat(32), () => now);

  test('a code is sent to the address, kept only hashed, right once', async () => {
    const r = await v.send('Ana@Example.com', 'en');
    if (!r.ok) throw new Error('not sent');
    const { code, to } = sent.at(-1)!;
    expect(to).toBe('ana@example.com');
    expect(code).toMatch(/^\d{6}$/);
    expect(JSON.stringify(r.challenge)).not.toContain(code);
    expect(v.check(r.challenge, code).result).toBe('ok');
    expect(v.codeIn(`it is ${code.slice(0, 3)} ${code.slice(3)}`)).toBe(code);
    expect(v.codeIn('order 12345')).toBeUndefined();
  });

  test('wrong codes count down to too_many; a late code is expired', async () => {
    const r = await v.send('ben@example.com', 'en');
    if (!r.ok) throw new Error('not sent');
    const right = sent.at(-1)!.code;
    const wrong = right === '000000' ? '111111' : '000000';
    let c = r.challenge;
    const results: string[] = [];
    for (let i = 0; i < 4; i++) {
      const x = v.check(c, wrong);
      results.push(x.result);
      c = x.challenge;
    }
    expect(results).toEqual(['wrong', 'wrong', 'too_many', 'too_many']);
    expect(v.check(c, right).result).toBe('too_many');
    const fresh = await v.send('ben@example.com', 'en');
    if (!fresh.ok) throw new Error('not sent');
    now += 601_000;
    expect(v.check(fresh.challenge, sent.at(-1)!.code).result).toBe('expired');
  });

  test('per address per hour: the third code is refused and not sent; an hour later it is', async () => {
    const before = sent.length;
    expect(await v.send('ben@example.com', 'en')).toEqual({ ok: false, reason: 'rate_limited' });
    expect(sent).toHaveLength(before);
    now += 3_600_000;
    expect((await v.send('ben@example.com', 'en')).ok).toBe(true);
  });
});

describe('an explicit yes (the strict reader consent and order changes share)', () => {
  test.each(['yes', 'yes please', 'sí', 'confirm', 'yes, cancel it'])('%j is a yes', (text) =>
    expect(readExplicitYes(text, { naming: ['cancel', 'it'] })).toBe('yes'),
  );
  test.each(['ok', 'k', 'sure whatever', 'I guess', 'maybe', 'supongo que sí', 'vale'])('%j is no yes', (text) =>
    expect(readExplicitYes(text)).not.toBe('yes'),
  );
});
