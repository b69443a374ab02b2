import { CorpusAdditions, LiveRecognizer } from '../../nlu/corpusAdditions';
import type { Recognizer } from '../../nlu/recognizer';
import { canSee, csvCell } from '../../review/reviewService';
import { canonicalUrl } from '../../api/endpoints';
import { rangeEnd, rangeStart } from '../../api/transcriptFilters';
import type { Conversation } from '../../models/records';

const fixed = (intent: string): Recognizer => ({
  languages: ['en'],
  recognize: (text) => Promise.resolve({ text, intent, score: 1, entities: [], sentiment: 0, language: 'en' }),
});

test('the live recognizer answers with the old model while retraining and swaps when the new one is ready', async () => {
  let finish!: (r: { recognizer: Recognizer; additions: number }) => void;
  const live = new LiveRecognizer(fixed('old'), () => new Promise((resolve) => (finish = resolve)), 0);
  const done = live.retrainNow(() => undefined);
  expect(live.retrainNow(() => undefined)).toBe(done);
  expect(live.status()).toEqual({ training: true, trainedWithAdditions: 0 });
  expect((await live.recognize('x')).intent).toBe('old');
  finish({ recognizer: fixed('new'), additions: 3 });
  await done;
  expect((await live.recognize('x')).intent).toBe('new');
  expect(live.status()).toEqual({ training: false, trainedWithAdditions: 3 });
});

test('a failed retrain keeps the old model and reports the error', async () => {
  const errors: unknown[] = [];
  const live = new LiveRecognizer(fixed('old'), async () => Promise.reject(new Error('boom')), 1);
  await live.retrainNow((e) => errors.push(e));
  expect([(await live.recognize('x')).intent, errors.length, live.status().training]).toEqual(['old', 1, false]);
});

test('additions join the corpus: to their intent, out-of-scope ones to outOfScope, duplicates of shipped text dropped', () => {
  const shipped = [{ language: 'en', intents: { 'order.track': ['where is my order'] }, outOfScope: ['tell me a joke'] }];
  const at = '2026-01-01T00:00:00.000Z';
  const out = CorpusAdditions.apply(shipped, [
    { text: 'wheres my stuff', intent: 'order.track', language: 'en', by: 'u', at },
    { text: 'WHERE IS MY ORDER', intent: 'order.track', language: 'en', by: 'u', at },
    { text: 'flibber', intent: 'none', language: 'en', by: 'u', at },
    { text: 'hola', intent: 'order.track', language: 'es', by: 'u', at },
  ]);
  expect(out).toEqual([{ language: 'en', intents: { 'order.track': ['where is my order', 'wheres my stuff'] }, outOfScope: ['tell me a joke', 'flibber'] }]);
  expect(shipped[0].intents['order.track']).toEqual(['where is my order']);
});

test('CSV cells: quotes, commas and line breaks quoted; formula starts neutralized', () => {
  expect([
    csvCell('plain'),
    csvCell('a,b'),
    csvCell('say "hi"'),
    csvCell('two\nlines'),
    csvCell('=1+1'),
    csvCell('-2'),
    csvCell('@x'),
    csvCell(undefined),
    csvCell(0.5),
  ]).toEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', "'=1+1", "'-2", "'@x", '', '0.5']);
});

test('visibility: supervisors and admins see all, an agent only chats they held', () => {
  const c = { agentId: null, handledBy: ['a1'] } as unknown as Conversation;
  expect([
    canSee({ id: 's', role: 'supervisor' }, c),
    canSee({ id: 'x', role: 'admin' }, c),
    canSee({ id: 'a1', role: 'agent' }, c),
    canSee({ id: 'a2', role: 'agent' }, c),
  ]).toEqual([true, true, true, false]);
});

test('date ranges: a date alone is the whole day; tickets bind to a canonical URL', () => {
  expect([rangeStart('2026-03-01'), rangeEnd('2026-03-01'), rangeEnd('2026-03-01T10:00:00Z')]).toEqual([
    '2026-03-01T00:00:00.000Z',
    '2026-03-02T00:00:00.000Z',
    '2026-03-01T10:00:00.000Z',
  ]);
  expect(canonicalUrl('/x', { q: 'a b', format: 'csv', ticket: 't' })).toBe('/x?format=csv&q=a+b');
});
