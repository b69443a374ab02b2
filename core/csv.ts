/** RFC 4180 CSV: quoted fields (with commas and line breaks inside), doubled quotes, CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  return parseCsvWithLines(text).map((r) => r.cells);
}

/** Rows with the line each one started on (for error reports); blank lines are skipped. */
export function parseCsvWithLines(text: string): { line: number; cells: string[] }[] {
  const out: { line: number; cells: string[] }[] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const push = () => {
    row.push(cell);
    if (row.some((c) => c !== '')) out.push({ line: rowLine, cells: row });
    row = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      push();
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (cell !== '' || row.length) push();
  return out;
}

/**
 * Characters that make a spreadsheet read a cell as a formula when it starts with one: = + - @ (OWASP's CSV
 * injection list), their full-width forms (＝ ＋ － ＠) and small forms (﹦ ﹢ ﹣ ﹫), which spreadsheets in CJK locales
 * normalize to the ASCII ones, and tab and carriage return.
 */
const FORMULA_START = /^[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b]|^[\t\r]/;

/**
 * One CSV cell: quoted when needed. A cell that would start a formula, even after leading spaces, no-break spaces
 * or other blanks that spreadsheets skip, is neutralized with a leading apostrophe. Numbers stay numbers.
 */
export function csvCell(value: unknown): string {
  // A number is written as a number ("-0.65" is no formula; prefixed it became text, review 21); only text is neutralized.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- any value is a cell, written as String() writes it (a Date, an array)
  let s = value === undefined || value === null ? '' : typeof value === 'string' ? value : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
