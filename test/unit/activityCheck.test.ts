import { ActivitySchema, checkActivity } from '../../bot/activityCheck';

const valid = {
  type: 'message',
  id: 'a1',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  conversation: { id: '19:abc@thread.v2', tenantId: 't1', conversationType: 'personal' },
  from: { id: '29:user', name: 'Ana', role: 'user', aadObjectId: 'aad-1' },
  recipient: { id: '28:bot', name: 'Support' },
  text: 'where is my order 12345',
  locale: 'es-ES',
  attachments: [{ contentType: 'image/png', contentUrl: 'https://x/y.png' }],
  deliveryMode: 'expectReplies',
  membersAdded: [{ id: 'm1' }],
  membersRemoved: [],
  entities: [{ type: 'clientInfo', locale: 'es-ES' }, {}],
  channelData: { tenant: { id: 't1' } },
  replyToId: 'r1',
  name: 'x',
  timestamp: '2026-11-30T10:00:00.1234567+01:00',
  extra: { anything: [1, 2] },
};

/** Each a change to the valid activity: field → value (undefined deletes it). */
const variants: [string, Record<string, unknown>][] = [
  [
    'minimal',
    {
      id: undefined,
      recipient: undefined,
      text: undefined,
      locale: undefined,
      attachments: undefined,
      deliveryMode: undefined,
      membersAdded: undefined,
      membersRemoved: undefined,
      entities: undefined,
      channelData: undefined,
      replyToId: undefined,
      name: undefined,
      timestamp: undefined,
    },
  ],
  ['empty type', { type: '' }],
  ['long type', { type: 'x'.repeat(65) }],
  ['numeric id', { id: 5 }],
  ['id with a line break', { id: 'a\nb' }],
  ['id with a lone surrogate', { id: 'a\ud800b' }],
  ['id with a pair', { id: 'a\ud83d\ude00b' }],
  ['missing channelId', { channelId: undefined }],
  ['long channelId', { channelId: 'c'.repeat(129) }],
  ['IPv6 serviceUrl', { serviceUrl: 'http://[::1]:3978/' }],
  ['IPv6 serviceUrl with user', { serviceUrl: 'https://u@[::1]/' }],
  ['empty serviceUrl', { serviceUrl: '' }],
  ['serviceUrl with a leading blank', { serviceUrl: ' http://127.0.0.1:4199' }],
  ['serviceUrl with a trailing line break', { serviceUrl: 'https://smba.trafficmanager.net/emea/\n' }],
  ['serviceUrl with a blank inside', { serviceUrl: 'https://smba.trafficmanager.net/em ea/' }],
  ['serviceUrl with a no-break space', { serviceUrl: '\u00a0https://smba.trafficmanager.net/emea/' }],
  ['conversation an array', { conversation: [] }],
  ['conversation id non-ASCII', { conversation: { id: 'café' } }],
  ['conversation id empty', { conversation: { id: '' } }],
  ['tenantId a number', { conversation: { id: 'c', tenantId: 1 } }],
  ['from missing', { from: undefined }],
  ['from null', { from: null }],
  ['from aadObjectId a number', { from: { id: 'u', aadObjectId: 7 } }],
  ['recipient name too long', { recipient: { id: 'b', name: 'n'.repeat(1025) } }],
  ['text a number', { text: 12 }],
  ['text null', { text: null }],
  ['locale too long', { locale: 'l'.repeat(33) }],
  ['attachment without contentType', { attachments: [{ contentUrl: 'x' }] }],
  ['51 attachments', { attachments: Array.from({ length: 51 }, () => ({ contentType: 'a' })) }],
  ['attachments an object', { attachments: {} }],
  ['unknown deliveryMode', { deliveryMode: 'later' }],
  ['member without id', { membersAdded: [{ name: 'x' }] }],
  ['entity type a number', { entities: [{ type: 3 }] }],
  ['channelData an array', { channelData: [] }],
  ['channelData a string', { channelData: 'x' }],
  ['replyToId empty', { replyToId: '' }],
  ['name too long', { name: 'n'.repeat(257) }],
  ['timestamp not ISO', { timestamp: '30/11/2026' }],
  ['timestamp February 30', { timestamp: '2020-02-30T10:00:00Z' }],
  ['timestamp hour 24', { timestamp: '2020-02-03T24:00Z' }],
  ['timestamp too long', { timestamp: `2020-02-03T10:00:00.${'1'.repeat(60)}Z` }],
];

function variant(change: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...valid };
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

describe('checkActivity', () => {
  it('accepts a full activity as it came, every field passing through', () => {
    const r = checkActivity(valid);
    expect(r.success).toBe(true);
    // The hand-written checks took it: the activity itself, not zod's copy.
    if (r.success) expect(r.data).toBe(valid);
  });

  it.each(variants)('answers as ActivitySchema does: %s', (_name, change) => {
    const body = variant(change);
    const fast = checkActivity(body);
    const zod = ActivitySchema.safeParse(body);
    expect(fast.success).toBe(zod.success);
    if (fast.success && zod.success) expect(fast.data).toEqual(zod.data);
    if (!fast.success && !zod.success) expect(fast.error.issues).toEqual(zod.error.issues);
  });

  it('refuses what is not an object with zod’s words', () => {
    for (const body of [null, 'x', 3, [], undefined]) {
      const r = checkActivity(body);
      expect(r.success).toBe(false);
      if (!r.success) expect(r.error.issues[0].path).toEqual([]);
    }
  });

  it('names every refusal as ActivitySchema does (the endpoint joins them into BOT_ACTIVITY_INVALID)', () => {
    const r = checkActivity(variant({ channelId: '', serviceUrl: 'http://[::1]/', timestamp: '2020-02-30T10:00:00Z' }));
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.issues.map((i) => i.path.join('.'))).toEqual(['channelId', 'serviceUrl', 'timestamp']);
      expect(r.error.issues.map((i) => i.message)).toContain('is not a real date');
    }
  });
});
