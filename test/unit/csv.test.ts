import { csvCell, csvLine, parseCsv, parseCsvWithLines } from '../../core/csv';

test('CSV: quotes, doubled quotes, commas and line breaks inside fields, CRLF, blank lines; rows keep their line', () => {
  const text = 'name,note\r\n"Lopez, Maria","said ""hi"""\r\n\r\nBen,"two\nlines"\nZoe,\n';
  expect(parseCsv(text)).toEqual([
    ['name', 'note'],
    ['Lopez, Maria', 'said "hi"'],
    ['Ben', 'two\nlines'],
    ['Zoe', ''],
  ]);
  expect(parseCsvWithLines(text).map((r) => r.line)).toEqual([1, 2, 4, 6]);
});

test('CSV cells: a formula start is neutralized even behind blanks spreadsheets skip, and in full-width or small form', () => {
  const formulas = [
    '=1+1',
    '+1',
    '-1',
    '@SUM(A1)',
    ' =1+1',
    '\u00a0=1+1',
    '\u3000+1',
    '\t=1',
    '\r=1',
    '\uff1d1+1',
    '\uff0b1',
    '\uff0d1',
    '\uff20x',
    '\ufe661',
    '  \u00a0\uff1dHYPERLINK("http://evil.example")',
  ];
  for (const f of formulas) expect(csvCell(f).replace(/^"/, '')).toMatch(/^'/);
  for (const plain of ['hello', 'a=b', '1-2', 'mail@example.com', ' plain', '']) expect(csvCell(plain)).not.toMatch(/^"?'/);
  expect(csvLine(['=1', 'ok'])).toBe("'=1,ok\r\n");
});

test('numbers stay numbers, negative ones included; text that looks like one is still neutralized (review 21)', () => {
  expect(csvLine([-0.65, 3, 0, -12.5, Number.NaN])).toBe('-0.65,3,0,-12.5,\r\n');
  expect(csvCell('-0.65')).toBe("'-0.65");
  expect(csvCell('-2+3')).toBe("'-2+3");
});
