import { AppError } from '../../core/errors';
import { parsePostedActivity, PostedActivity } from '../../bot/webChatActivities';

/**
 * What the web chat page posts is read by a written-out check first and by the schema for anything it does not pass
 * (bot/webChatActivities.ts): both must accept and refuse the same bodies, and give the same activity.
 */
describe('parsePostedActivity: the same answer as the PostedActivity schema', () => {
  const long = (n: number) => 'x'.repeat(n);
  const VALID: unknown[] = [
    { type: 'message', text: 'hello' },
    { type: 'typing' },
    { type: 'event', name: 'webchat/join', value: { any: ['thing'] } },
    { type: 'message', text: '', locale: long(32), from: { id: long(200), name: long(200), role: 'user' }, extra: 1 },
    { type: 'message', channelData: { clientActivityID: long(200), other: true } },
    { type: 'message', attachments: [{ contentType: long(256), name: long(255), contentUrl: long(2048), more: 1 }] },
    { type: 'message', attachments: Array.from({ length: 20 }, () => ({ contentType: 'image/png' })) },
    { type: 'message', from: {}, channelData: {} },
  ];
  const INVALID: unknown[] = [
    undefined,
    null,
    'message',
    [],
    [{ type: 'message' }],
    {},
    { type: 'conversationUpdate' },
    { type: 'message', text: null },
    { type: 'message', text: 5 },
    { type: 'message', locale: long(33) },
    { type: 'message', name: long(201) },
    { type: 'message', from: { id: long(201) } },
    { type: 'message', from: { name: 3 } },
    { type: 'message', from: [] },
    { type: 'message', from: null },
    { type: 'message', channelData: { clientActivityID: long(201) } },
    { type: 'message', channelData: { clientActivityID: 7 } },
    { type: 'message', channelData: 'x' },
    { type: 'message', attachments: {} },
    { type: 'message', attachments: [{}] },
    { type: 'message', attachments: [{ contentType: long(257) }] },
    { type: 'message', attachments: [{ contentType: 'a', name: long(256) }] },
    { type: 'message', attachments: [{ contentType: 'a', contentUrl: long(2049) }] },
    { type: 'message', attachments: [null] },
    { type: 'message', attachments: Array.from({ length: 21 }, () => ({ contentType: 'image/png' })) },
  ];

  test.each(VALID.map((body) => [JSON.stringify(body).slice(0, 80), body]))('accepts %s as the schema reads it', (_name, body) => {
    const schema = PostedActivity.safeParse(body);
    expect(schema.success).toBe(true);
    expect(parsePostedActivity(body)).toEqual(schema.data);
  });

  test.each(INVALID.map((body) => [String(JSON.stringify(body)).slice(0, 80), body]))('refuses %s as the schema does', (_name, body) => {
    expect(PostedActivity.safeParse(body).success).toBe(false);
    let thrown: unknown;
    try {
      parsePostedActivity(body);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('VALIDATION_FAILED');
  });

  test('random bodies built from those parts get the schema answer', () => {
    const parts: Record<string, unknown[]> = {
      type: ['message', 'typing', 'event', 'invoke', 1, undefined],
      text: ['hi', '', null, 3, undefined],
      locale: ['en-US', long(33), 1, undefined],
      name: ['n', long(201), undefined],
      from: [{ id: 'u' }, { id: 1 }, { name: long(201) }, [], null, undefined],
      channelData: [{ clientActivityID: 'c' }, { clientActivityID: null }, 'x', undefined],
      attachments: [[{ contentType: 'a' }], [{ contentType: 1 }], [{ contentType: 'a', name: null }], {}, undefined],
    };
    let seed = 7;
    const pick = <T>(xs: T[]): T => xs[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % xs.length];
    for (let i = 0; i < 2000; i++) {
      const body = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, pick(v)])))) as unknown;
      const schema = PostedActivity.safeParse(body);
      let ours: unknown;
      try {
        ours = parsePostedActivity(body);
      } catch {
        ours = 'refused';
      }
      expect({ body, ours }).toEqual({ body, ours: schema.success ? schema.data : 'refused' });
    }
  });
});
