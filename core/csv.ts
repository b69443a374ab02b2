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
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      push();
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (cell !== '' || row.length) push();
  return out;
}
