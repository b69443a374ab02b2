/**
 * T27: malformed input fuzzing. 1,000 activities generated from a fixed seed (so a failure replays) are posted to
 * /api/messages: valid ones, and ones with missing fields, wrong types, junk nested values, prototype keys, huge or
 * strange strings and unknown types. The service must never crash or answer 5xx, every message it answers 2xx for
 * must be stored, and a message it refuses must be stored nowhere. (T27_SEED=n replays another sequence.)
 */
import { ChannelServer } from '../helpers/channelServer';
import { request, startSecurityApp, type SecurityApp } from './helpers';

/** mulberry32: small, fast, seeded. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRANGE = [
  '',
  ' ',
  '\u0000',
  '\u202eevil',
  '👩‍👩‍👧‍👦',
  '\ud800',
  'a'.repeat(10_001),
  'x'.repeat(5_000),
  '<script>alert(1)</script>',
  "'; DROP TABLE messages; --",
  '{"$ne":null}',
  'ñandú',
  '\r\n\t',
  '%00',
  '../../etc/passwd',
];
const JUNK: unknown[] = [null, 0, -1, 1e308, true, [], [1, 'a'], {}, { $gt: '' }, { __proto__: { admin: true } }, 'string', '', NaN];

interface Case {
  body: string;
  activity?: Record<string, unknown>;
}

function generate(n: number, channelUrl: string, seed = 27): Case[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const a: Record<string, unknown> = {
      type: 'message',
      id: `fz-${i}`,
      channelId: pick(['test', 'test', 'msteams', 'facebook', 'webchat', 'emulator']),
      serviceUrl: channelUrl,
      conversation: { id: `fz-conv-${i % 97}` },
      from: { id: `fz-user-${i % 97}`, name: 'Fuzz' },
      recipient: { id: 'bot' },
      text: pick(['hello', 'where is my order 12345', 'talk to a human', 'I want a refund', '5', ...STRANGE]),
      locale: pick(['en-US', 'es-ES', undefined]),
      deliveryMode: pick(['expectReplies', 'expectReplies', 'normal', undefined]),
    };
    const mutations = Math.floor(r() * 4);
    for (let m = 0; m < mutations; m++) {
      const field = pick([
        'type',
        'id',
        'channelId',
        'serviceUrl',
        'conversation',
        'from',
        'recipient',
        'text',
        'locale',
        'attachments',
        'entities',
        'channelData',
        'value',
        'name',
        'membersAdded',
        'timestamp',
        'replyToId',
        'deliveryMode',
        'from.aadObjectId',
        'from.name',
        'conversation.id',
        'suggestedActions',
      ]);
      const value = r() < 0.5 ? pick(JUNK) : r() < 0.5 ? pick(STRANGE) : undefined;
      if (field.includes('.')) {
        const [outer, inner] = field.split('.');
        if (a[outer] && typeof a[outer] === 'object') (a[outer] as Record<string, unknown>)[inner] = value;
      } else if (field === 'type')
        a.type = pick([
          'message',
          'typing',
          'conversationUpdate',
          'event',
          'invoke',
          'messageReaction',
          'endOfConversation',
          'installationUpdate',
          'delay',
          'trace',
          'handoff',
          ...STRANGE.slice(0, 3),
        ]);
      else if (field === 'membersAdded') a.membersAdded = pick([[{ id: 'new-user' }], [null], 'x', [{ id: 5 }], {}]);
      else if (field === 'value') a.value = pick([{ state: 'completed' }, { state: 5 }, null, 'x', [1]]);
      else if (field === 'attachments')
        a.attachments = pick([
          [{ contentType: 'image/png', contentUrl: 'https://x/y.png' }],
          [{ contentType: 5 }],
          [null],
          'x',
          Array(60).fill({ contentType: 'a' }),
        ]);
      else if (field === 'serviceUrl') a.serviceUrl = pick([channelUrl, 'http://127.0.0.2:9/', 'not a url', 5, '']);
      else a[field] = value;
    }
    let body = JSON.stringify(a);
    const raw = r();
    if (raw < 0.03)
      body = body.slice(0, Math.floor(r() * body.length)); // truncated JSON
    else if (raw < 0.05) body = body.replace('{', '{"__proto__":{"isAdmin":true},');
    else if (raw < 0.06) body = '[]';
    else if (raw < 0.07) body = 'null';
    cases.push({ body, activity: a });
  }
  return cases;
}

test('T27 1,000 generated activities: no crash, no 5xx, every 2xx message stored, every refused one stored nowhere', async () => {
  const channel = await new ChannelServer().start();
  const s: SecurityApp = await startSecurityApp({ RATE_LIMIT_CONVERSATION_MESSAGES: '100000/60' });
  const statuses = new Map<number, number>();
  const problems: string[] = [];
  try {
    const cases = generate(1000, channel.url, Number(process.env.T27_SEED ?? 27));
    for (const [i, c] of cases.entries()) {
      const r = await request(`${s.url}/api/messages`, { raw: c.body, headers: { 'content-type': 'application/json' } });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      // An invoke nothing handles is answered 501, as the Bot Framework protocol asks; anything else 5xx is a fault.
      const unhandledInvoke = r.status === 501 && c.activity?.type === 'invoke';
      if ((r.status >= 500 && !unhandledInvoke) || r.status === 0) problems.push(`#${i} ${r.status} ${JSON.stringify(r.body)} ${c.body.slice(0, 300)}`);
      const a = c.activity!;
      const conversationId = (a.conversation as { id?: unknown } | undefined)?.id;
      if (a.type !== 'message' || typeof a.channelId !== 'string' || typeof conversationId !== 'string' || typeof a.id !== 'string') continue;
      // Channel ids are stored lower-case, as Bot Framework spells them ("WebChat" is webchat: one series).
      const conv = await s.app.store.findConversationByChannel(a.channelId.toLowerCase(), conversationId);
      const stored = conv ? await s.app.store.findMessageByActivity(conv.id, a.id) : null;
      if (r.status >= 200 && r.status < 300 && typeof a.text === 'string' && !stored)
        problems.push(`#${i} answered ${r.status} but not stored: ${c.body.slice(0, 300)}`);
      if (r.status >= 400 && r.status < 500 && stored) problems.push(`#${i} refused with ${r.status} but stored: ${c.body.slice(0, 300)}`);
    }
    expect(problems).toEqual([]);
    expect((await request(`${s.url}/healthz`)).status).toBe(200);
    // The mix exercised both sides.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
    expect([...statuses.keys()].filter((k) => k >= 400).length).toBeGreaterThan(2);
  } finally {
    await s.stop();
    await channel.stop();
  }
});

test.each([
  ['a non-string from.aadObjectId', { from: { id: 'u', aadObjectId: 42 } }],
  ['an object from.name', { from: { id: 'u', name: { first: 'x' } } }],
  ['a numeric from.id', { from: { id: 7 } }],
  ['membersAdded that is not a list', { type: 'conversationUpdate', membersAdded: {} }],
  ['a conversation id with a NUL', { conversation: { id: 'a\u0000b' } }],
])('T27 %s is refused with 400 before anything is stored', async (_name, over) => {
  const s = await startSecurityApp();
  try {
    const body = {
      type: 'message',
      id: 'bad-from',
      channelId: 'test',
      serviceUrl: 'http://127.0.0.1:9/',
      deliveryMode: 'expectReplies',
      conversation: { id: 't27-bad' },
      from: { id: 'u' },
      text: 'hello',
      ...over,
    };
    const r = await request(`${s.url}/api/messages`, { body });
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('BOT_ACTIVITY_INVALID');
    expect(await s.app.store.findConversationByChannel('test', 't27-bad')).toBeNull();
    expect(await s.app.store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: 'u' })).toBeNull();
  } finally {
    await s.stop();
  }
});
