import { ContactVerification, type CodeNotifier } from '../../commerce/contactVerification';
import { readExplicitYes } from '../../dialogs/explicitYes';
import { SqliteStore } from '../../store/sqlite/sqliteStore';
import { tempStoreFile } from '../helpers/storeFiles';

/**
 * The one-time code's rules, on the real class with a recording notifier (the port's boundary), a moved clock and a
 * real store (where the codes sent per address are counted).
 */
describe('one-time codes', () => {
  const store = new SqliteStore(tempStoreFile('codes'), { synchronous: 'normal', backgroundMs: 0 });
  beforeAll(() => store.init());
  afterAll(() => store.close());
  let now = 1_000_000;
  const sent: { to: string; code: string }[] = [];
  const notifier: CodeNotifier = {
    sendCode: (m) => {
      sent.push({ to: m.to.value, code: m.code });
      return Promise.resolve();
    },
  };
  const v = new ContactVerification(notifier, { codeLength: 6, codeSeconds: 600, maxAttempts: 3, codesPerHour: 2 }, 'k'.repeat(32), store, () => now);

  test('a code is sent to the address, kept only hashed, right once', async () => {
    const r = await v.send('Ana@Example.com', 'en', 'chat-1');
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
    const r = await v.send('ben@example.com', 'en', 'chat-1');
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
    const fresh = await v.send('ben@example.com', 'en', 'chat-1');
    if (!fresh.ok) throw new Error('not sent');
    now += 601_000;
    expect(v.check(fresh.challenge, sent.at(-1)!.code).result).toBe('expired');
  });

  test('per conversation and address per hour: the third code is refused and not sent; an hour later it is', async () => {
    const before = sent.length;
    expect(await v.send('ben@example.com', 'en', 'chat-1')).toEqual({ ok: false, reason: 'rate_limited' });
    expect(sent).toHaveLength(before);
    now += 3_600_000;
    expect((await v.send('ben@example.com', 'en', 'chat-1')).ok).toBe(true);
  });

  test('in any 60 minutes, not per clock hour: 4 codes at :59 and 1 at :01 of the next hour, and the 6th is refused until the first is an hour old', async () => {
    const hour = 3_600_000;
    let at = 500 * hour + 59 * 60_000;
    const five = new ContactVerification(notifier, { codeLength: 6, codeSeconds: 600, maxAttempts: 3, codesPerHour: 5 }, 'k'.repeat(32), store, () => at);
    const to = 'cara@example.com';
    const sentTo = () => sent.filter((m) => m.to === to).length;
    for (let i = 0; i < 4; i++) expect((await five.send(to, 'en', 'chat-1')).ok).toBe(true);
    at = 501 * hour + 60_000;
    expect((await five.send(to, 'en', 'chat-1')).ok).toBe(true);
    for (let i = 0; i < 5; i++) expect(await five.send(to, 'en', 'chat-1')).toEqual({ ok: false, reason: 'rate_limited' });
    expect(sentTo()).toBe(5);
    at = 501 * hour + 58 * 60_000;
    expect((await five.send(to, 'en', 'chat-1')).ok).toBe(false);
    at = 501 * hour + 59 * 60_000;
    expect((await five.send(to, 'en', 'chat-1')).ok).toBe(true);
    expect(sentTo()).toBe(6);
  });
});

describe('codes counted per conversation and per address', () => {
  const store = new SqliteStore(tempStoreFile('codes-requesters'), { synchronous: 'normal', backgroundMs: 0 });
  beforeAll(() => store.init());
  afterAll(() => store.close());
  const sent: string[] = [];
  const notifier: CodeNotifier = {
    sendCode: (m) => {
      sent.push(m.to.value);
      return Promise.resolve();
    },
  };
  const now = 7_000_000;
  const v = new ContactVerification(notifier, { codeLength: 6, codeSeconds: 600, maxAttempts: 3, codesPerHour: 5 }, 'k'.repeat(32), store, () => now);

  test("a stranger's chat uses up its own count, never the real customer's; the address has its own cap (20 by default)", async () => {
    const to = 'dana@example.com';
    for (let i = 0; i < 5; i++) expect((await v.send(to, 'en', 'stranger')).ok).toBe(true);
    expect(await v.send(to, 'en', 'stranger')).toEqual({ ok: false, reason: 'rate_limited' });
    // The refusals past its own limit cost the address nothing: the real customer, in their own chat, gets a code.
    for (let i = 0; i < 10; i++) await v.send(to, 'en', 'stranger');
    expect((await v.send(to, 'en', 'customer')).ok).toBe(true);
    // Whichever chats ask, the mailbox gets at most 20 codes in the hour.
    for (const chat of ['b', 'c', 'd', 'e']) for (let i = 0; i < 5; i++) await v.send(to, 'en', chat);
    expect(sent.filter((x) => x === to)).toHaveLength(20);
    expect(await v.send(to, 'en', 'f')).toEqual({ ok: false, reason: 'rate_limited' });
    expect(sent.filter((x) => x === to)).toHaveLength(20);
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
