import { SEARCH_PERIOD_MS, searchPeriod } from '../../store/searchText';

/** The week both stores bucket messages by for full-text search (store/searchText.ts). */
describe('searchPeriod', () => {
  test('weeks run Thursday to Wednesday in UTC from 1970-01-01', () => {
    expect(searchPeriod('1970-01-01T00:00:00.000Z')).toBe(0);
    expect(searchPeriod('1970-01-07T23:59:59.999Z')).toBe(0);
    expect(searchPeriod('1970-01-08T00:00:00.000Z')).toBe(1);
    const p = searchPeriod('2026-11-26T00:00:00.000Z');
    expect(new Date(p * SEARCH_PERIOD_MS).toISOString()).toBe('2026-11-26T00:00:00.000Z');
    expect(searchPeriod('2026-11-25T23:59:59.999Z')).toBe(p - 1);
  });

  test('an offset is the instant it names; a time that does not parse, or before 1970, is week 0', () => {
    expect(searchPeriod('2026-11-26T01:00:00+02:00')).toBe(searchPeriod('2026-11-25T23:00:00.000Z'));
    expect(searchPeriod('not a time')).toBe(0);
    expect(searchPeriod('1960-01-01T00:00:00.000Z')).toBe(0);
  });
});
