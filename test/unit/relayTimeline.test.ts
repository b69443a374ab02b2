import { timelines } from '../../bench/relayTimeline';

/**
 * The relay bench's timelines (relayBench --timeline): each relay's server stamps split into its steps, on the one
 * clock the bench's processes share. The bench sends one relay at a time; a stamp belongs to the relay whose send
 * it follows.
 */
/** Steps to the microsecond: the clock's sums are floating point. */
const rounded = (steps: Record<string, number>) => Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));

test("each relay's steps come from its own stamps, from the client's send to the agent's receipt", () => {
  const stamps = [
    { name: 'http.request', at: 100.5 },
    { name: 'gc.begin', at: 101, ms: 0.1 },
    { name: 'gc.sync.call', at: 101.5 },
    { name: 'fdatasync.start', at: 101.6 },
    // A slice of the store's upkeep while the relay waits: counted; one after the frame is not.
    { name: 'upkeep.slice', at: 101.7, ms: 0.25 },
    { name: 'fdatasync.done', at: 102.1, ms: 0.5 },
    { name: 'gc.sync.done', at: 102.2, ms: 0.7 },
    { name: 'event.message.created', at: 102.3 },
    { name: 'engine.send', at: 102.5, ms: 0.1 },
    { name: 'upkeep.slice', at: 102.6, ms: 1 },
    // The second relay's, with the turn's later sync (after the push) ignored.
    { name: 'gc.sync.call', at: 102.9 },
    { name: 'http.request', at: 110.25 },
    { name: 'gc.sync.call', at: 111 },
    { name: 'gc.sync.done', at: 115, ms: 4 },
    { name: 'event.message.created', at: 115.5 },
    { name: 'engine.send', at: 116 },
  ];
  const [first, second] = timelines(
    [
      { sent: 100, seen: 103 },
      { sent: 110, seen: 117 },
    ],
    stamps,
  );
  expect(first.ms).toBe(3);
  expect(rounded(first.steps)).toEqual({ toServer: 0.5, toSync: 1, sync: 0.7, toEvent: 0.1, toFrame: 0.2, toAgent: 0.5 });
  expect(first.stamps.map((s) => s.name)).toEqual([
    'http.request',
    'gc.begin',
    'gc.sync.call',
    'fdatasync.start',
    'upkeep.slice',
    'fdatasync.done',
    'gc.sync.done',
    'event.message.created',
    'engine.send',
    'upkeep.slice',
    'gc.sync.call',
  ]);
  expect(first.upkeepMs).toBe(0.25);
  expect(first.stamps[0].rel).toBe(0.5);
  expect(rounded(second.steps)).toEqual({ toServer: 0.25, toSync: 0.75, sync: 4, toEvent: 0.5, toFrame: 0.5, toAgent: 1 });
  expect(second.upkeepMs).toBe(0);
});

test('a relay without server stamps (a server not traced) counts its whole time as the last step', () => {
  const [t] = timelines([{ sent: 10, seen: 14 }], []);
  expect(t.steps).toEqual({ toServer: 0, toSync: 0, sync: 0, toEvent: 0, toFrame: 0, toAgent: 4 });
  expect(t.stamps).toEqual([]);
});
