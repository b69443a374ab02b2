import { timeOrderedId } from '../../store/recordBuilders';

describe('timeOrderedId (message ids)', () => {
  const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  test('is a version 7 UUID whose first 48 bits are the given Unix milliseconds', () => {
    const at = Date.parse('2026-11-30T14:00:00.123Z');
    const id = timeOrderedId(at);
    expect(id).toMatch(V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  test('ids of later milliseconds sort after earlier ones, also across a change in the number of hex digits', () => {
    const instants = [0, 1, 15, 16, 255, 256, Date.parse('2001-09-09T01:46:40Z'), Date.now(), 2 ** 48 - 1];
    const ids = instants.map((t) => timeOrderedId(t));
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(V7);
  });

  test('ids of one millisecond differ (74 random bits)', () => {
    const at = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => timeOrderedId(at)));
    expect(ids.size).toBe(10_000);
  });
});
