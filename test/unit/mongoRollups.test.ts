import { emptyRows, summarize, type FigureRows } from '../../store/mongo/mongoRollups';

/** The merge of a range's parts (a partial day read from the records, whole days from rollups) into the dashboard. */
describe('MongoDB rollups: parts merged into the dashboard figures', () => {
  const part = (rows: Partial<FigureRows>): FigureRows => ({ ...emptyRows(), ...rows });
  const day = (d: string, channelId: string, count: number, extra: Partial<FigureRows['days'][number]> = {}) => ({
    day: d,
    channelId,
    count,
    botOnly: 0,
    waitN: 0,
    firstResponseN: 0,
    handleN: 0,
    ...extra,
  });

  test('counts add up across parts, per day and channel, ordered as one query over the range would order them', () => {
    const partial = part({
      days: [day('2025-03-10', 'slack', 2, { botOnly: 1, waitN: 1 })],
      reasons: [{ day: '2025-03-10', channelId: 'slack', key: 'customer_asked', count: 2 }],
      intents: [{ day: '2025-03-10', channelId: 'slack', key: 'refund.request', count: 1 }],
    });
    const whole = part({
      days: [day('2025-03-11', 'webchat', 3, { botOnly: 3, handleN: 2 }), day('2025-03-11', 'slack', 1, { firstResponseN: 1 })],
      reasons: [
        { day: '2025-03-11', channelId: 'webchat', key: 'not_understood', count: 2 },
        { day: '2025-03-11', channelId: 'slack', key: 'customer_asked', count: 1 },
      ],
      satisfaction: [
        { day: '2025-03-11', channelId: 'webchat', key: 5, count: 1 },
        { day: '2025-03-11', channelId: 'slack', key: 2, count: 1 },
      ],
      intents: [
        { day: '2025-03-11', channelId: 'webchat', key: 'order.track', count: 2 },
        { day: '2025-03-11', channelId: '', key: 'refund.request', count: 1 },
      ],
    });
    const s = summarize([partial, whole]);
    expect(s.perDay).toEqual([
      { day: '2025-03-10', channelId: 'slack', count: 2 },
      { day: '2025-03-11', channelId: 'slack', count: 1 },
      { day: '2025-03-11', channelId: 'webchat', count: 3 },
    ]);
    expect([s.total, s.botOnly]).toEqual([6, 4]);
    expect(s.n).toEqual({ waiting: 1, firstResponse: 1, handling: 2 });
    expect(s.handoffReasons).toEqual([
      { reason: 'customer_asked', count: 3 },
      { reason: 'not_understood', count: 2 },
    ]);
    expect(s.satisfaction).toEqual([
      { score: 2, count: 1 },
      { score: 5, count: 1 },
    ]);
    expect(s.intents).toEqual([
      { intent: 'order.track', count: 2 },
      { intent: 'refund.request', count: 2 },
    ]);
  });

  test('not-understood requests merge by their key: the smallest text, the largest conversation, the top by count', () => {
    const u = (d: string, key: string, text: string, count: number, conversationId: string) => ({ day: d, channelId: 'x', key, text, count, conversationId });
    const s = summarize([
      part({ unrecognized: [u('2025-03-10', 'blorp', 'blorp ', 1, 'c2'), u('2025-03-10', 'zorb', 'zorb', 1, 'c1')] }),
      part({ unrecognized: [u('2025-03-11', 'blorp', 'Blorp', 2, 'c1')] }),
    ]);
    expect(s.unrecognized).toEqual([
      { text: 'Blorp', count: 3, conversationId: 'c2' },
      { text: 'zorb', count: 1, conversationId: 'c1' },
    ]);
  });

  test('sentiment is summed per day and segment across channels before it is averaged', () => {
    const s = summarize([
      part({
        sentiment: [
          { day: '2025-03-11', channelId: 'slack', segment: '*', sum: -1, n: 1 },
          { day: '2025-03-11', channelId: 'webchat', segment: '*', sum: 2, n: 3 },
          { day: '2025-03-11', channelId: 'webchat', segment: 'vip', sum: 0.5, n: 1 },
          { day: '2025-03-10', channelId: 'webchat', segment: '*', sum: 0, n: 0 },
        ],
      }),
    ]);
    expect(s.sentiment).toEqual([
      { day: '2025-03-11', segment: '*', average: 0.25, n: 4 },
      { day: '2025-03-11', segment: 'vip', average: 0.5, n: 1 },
    ]);
  });
});
