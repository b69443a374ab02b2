import { parseCsv, parseCsvWithLines } from '../../core/csv';

test('CSV: quotes, doubled quotes, commas and line breaks inside fields, CRLF, blank lines; rows keep their line', () => {
  const text = 'name,note\r\n"Lopez, Maria","said ""hi"""\r\n\r\nBen,"two\nlines"\nZoe,\n';
  expect(parseCsv(text)).toEqual([['name', 'note'], ['Lopez, Maria', 'said "hi"'], ['Ben', 'two\nlines'], ['Zoe', '']]);
  expect(parseCsvWithLines(text).map((r) => r.line)).toEqual([1, 2, 4, 6]);
});
