/**
 * T31 (names that pass for us): an anonymous visitor chooses the name their messages carry (Bot Framework
 * `from.name`, the web chat's `from.name`, "call me …"). The attack: call yourself "Support", an agent's name or the
 * company's, so a transcript, the console or an export shows the customer's words as if staff or the bot wrote them.
 * Reserved names (the roles, the company's name, staff accounts' names, with case, spacing, accents, look-alike
 * letters and digits) are never kept as a customer's name: the customer stays "Visitor 1234 · channel".
 */
import { randomUUID } from 'node:crypto';
import type { Customer } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { createStaff } from '../helpers/consoleClient';
import { startSecurityApp, type SecurityApp } from './helpers';

jest.setTimeout(120_000);

const RESERVED = [
  'Support',
  'SUPPORT',
  'support team',
  'Acme Support',
  'AcmeSupport',
  'Customer Service',
  'Agent',
  'Agent 007',
  'Bot',
  'Admin',
  'Administrator',
  'Soporte',
  'S u p p o r t',
  'Supp0rt',
  'Adm1n',
  '\u0405upport', // Cyrillic capital DZE for S
  'Sup\u0440ort', // Cyrillic er for p
  'Ｓｕｐｐｏｒｔ', // full-width
  'Sup\u200bport', // a zero-width space inside
  '\u202Enimda adA', // a right-to-left override: shown as "Ada admin"
  '\u202Etroppus', // shown as "support"
  'Sup\u2066port\u2069', // an isolate inside
  '\u202Bffats\u202C', // a right-to-left embedding
  '\u202EreffatS maS', // a staff account's name, reversed
  'Acme Corp',
  'ACME CORP.',
  'Sam Staffer', // a staff account's name
  'sam  STAFFER',
  'Sãm Stäffer',
  // Latin look-alikes (an outside tester's): t with stroke, dotless i, small capital U; and a staff name without its accent.
  'Alex Agen\u0167',
  'Ada Adm\u0131n',
  'Sam S\u1d1cpervisor',
  'Sam St\u0251ffer',
];
/** Names people have: kept exactly as typed, from a channel and from "call me …" alike. */
const REAL_NAMES = ['José', 'Zoë', 'Łukasz', 'Ørsted', 'Đorđe', 'İlkay', 'Nguyễn', "O'Brien", 'Işık', 'Strauß', '李小龙', 'محمد'];
const ORDINARY = ['Ana López', 'Ana \u2067López\u2069', 'Robert', 'Abbott', 'Sam', 'Samantha Staffordshire', 'Botha', 'Supportive Sue', ...REAL_NAMES];

describe('T31 a customer cannot take a name that passes for staff, the bot or the company', () => {
  let s: SecurityApp;
  beforeAll(async () => {
    s = await startSecurityApp({ COMPANY_NAME: 'Acme Corp' });
    await createStaff(s.app, { name: 'Sam Staffer' });
  });
  afterAll(() => s.stop());

  async function customerOf(channelId: string, userId: string): Promise<Customer> {
    const found = await s.app.store.findCustomerByKey({ kind: 'channel', channelId, userId });
    expect(found).not.toBeNull();
    return found!;
  }

  test.each(RESERVED)("Bot Framework from.name %j is not kept as the customer's name", async (name) => {
    const user = `u-${randomUUID()}`;
    const r = await post(s.url, messageActivity({ conversation: { id: `c-${randomUUID()}` }, from: { id: user, name }, text: 'hello' }));
    expect(r.status).toBe(200);
    const c = await customerOf('test', user);
    expect(c.displayName).toBeUndefined();
    expect(c.identities.map((i) => i.name)).toEqual([undefined]);
  });

  test.each(ORDINARY)('an ordinary name %j is kept', async (name) => {
    const user = `u-${randomUUID()}`;
    expect((await post(s.url, messageActivity({ conversation: { id: `c-${randomUUID()}` }, from: { id: user, name }, text: 'hello' }))).status).toBe(200);
    // Kept without bidi controls: nothing a name holds can reorder the labels shown around it.
    expect((await customerOf('test', user)).displayName).toBe(name.replace(/[\u2066-\u2069]/g, ''));
  });

  test('the web chat visitor\'s from.name "Support" is not kept', async () => {
    const session = (await (await fetch(`${s.url}/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as {
      token: string;
      userId: string;
      conversationId: string;
    };
    const r = await fetch(`${s.url}/v3/directline/conversations/${session.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'hello', from: { id: session.userId, name: 'Support' } }),
    });
    expect(r.status).toBe(200);
    expect((await customerOf('webchat', session.userId)).displayName).toBeUndefined();
  });

  test.each([
    ['en-US', 'call me Support', /cannot use that name/],
    ['es-ES', 'llámame Soporte', /no puedo usar ese nombre/],
  ])('%s: "%s" is refused, saying so; an ordinary name is then taken', async (locale, ask, refused) => {
    const user = `u-${randomUUID()}`;
    const conv = `c-${randomUUID()}`;
    const r = await post(s.url, messageActivity({ conversation: { id: conv }, from: { id: user }, locale, text: ask }));
    expect(r.replies.join(' | ')).toMatch(refused);
    expect((await customerOf('test', user)).displayName).toBeUndefined();
    await post(
      s.url,
      messageActivity({ conversation: { id: conv }, from: { id: user }, locale, text: locale === 'es-ES' ? 'llámame María' : 'call me Maria' }),
    );
    expect((await customerOf('test', user)).displayName).toMatch(/^Mar[ií]a$/);
  });

  // The outside tester's look-alikes (dotless i, small capital U, t with stroke), in both languages: refused, saying so.
  test.each([
    ['en-US', 'call me Ada Adm\u0131n', /cannot use that name/],
    ['en-US', 'call me Sam S\u1d1cpervisor', /cannot use that name/],
    ['en-US', 'my name is Alex Agen\u0167', /cannot use that name/],
    ['es-ES', 'llámame Ada Adm\u0131n', /no puedo usar ese nombre/],
    ['es-ES', 'me llamo Sam S\u1d1cpervisor', /no puedo usar ese nombre/],
    ['es-ES', 'mi nombre es Alex Agen\u0167', /no puedo usar ese nombre/],
  ])('%s: "%s" is refused, saying so, and no name is kept', async (locale, text, refused) => {
    const user = `u-${randomUUID()}`;
    const r = await post(s.url, messageActivity({ conversation: { id: `c-${randomUUID()}` }, from: { id: user }, locale, text }));
    expect(r.replies.join(' | ')).toMatch(refused);
    expect(r.replies.join(' | ')).not.toMatch(/Nice to meet you|Encantado/);
    expect((await customerOf('test', user)).displayName).toBeUndefined();
  });

  // Real names are taken exactly as typed and said back, in both languages.
  test.each(REAL_NAMES.flatMap((name) => [['en-US', name] as const, ['es-ES', name] as const]))(
    '%s: %j given by "call me …" is kept as typed',
    async (locale, name) => {
      const user = `u-${randomUUID()}`;
      const text = locale === 'es-ES' ? `llámame ${name}` : `call me ${name}`;
      const r = await post(s.url, messageActivity({ conversation: { id: `c-${randomUUID()}` }, from: { id: user }, locale, text }));
      expect(r.replies.join(' | ')).toContain(locale === 'es-ES' ? `¡Encantado, ${name}!` : `Nice to meet you, ${name}!`);
      expect((await customerOf('test', user)).displayName).toBe(name);
    },
  );

  // Digits and signs for letters (0→o, 1→l, 3→e, 4→a, 5→s, 7→t, @→a, $→s): the name is read whole, never cut at the
  // digit ("Ѕupp" kept for "Ѕupp0rt"), and refused.
  test.each(['my name is \u0405upp0rt', 'call me Adm!n please', 'call me Supp0rt.', 'call me Sy5t3m', 'call me St4ff', 'call me Ag3nt', 'call me Sam St@ffer'])(
    '"%s" is refused whole, never kept cut short',
    async (text) => {
      const user = `u-${randomUUID()}`;
      const r = await post(s.url, messageActivity({ conversation: { id: `c-${randomUUID()}` }, from: { id: user }, text }));
      expect(r.replies.join(' | ')).toMatch(/cannot use that name/);
      expect(r.replies.join(' | ')).not.toMatch(/Nice to meet you/);
      expect((await customerOf('test', user)).displayName).toBeUndefined();
    },
  );

  test('a name with a digit that passes for nobody is kept whole', async () => {
    const user = `u-${randomUUID()}`;
    const r = await post(s.url, messageActivity({ conversation: { id: `c-${randomUUID()}` }, from: { id: user }, text: 'my name is R2D2' }));
    expect(r.replies.join(' | ')).toMatch(/Nice to meet you, R2D2!/);
    expect((await customerOf('test', user)).displayName).toBe('R2D2');
  });
});
