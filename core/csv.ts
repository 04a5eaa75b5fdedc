/**
 * Small helpers shared by the CSV importers (meter readings in meter/import/, tariffs in tariff/import.ts).
 *
 * The files we import are simple exports (no quoted fields), so a line split on commas is enough; anything
 * else is rejected with its line number rather than guessed at.
 */
export interface CsvRow {
  /** 1-based line number in the file, for error messages */
  line: number;
  cells: string[];
}

export interface Csv {
  header: string[];
  rows: CsvRow[];
}

/** Splits a CSV export into trimmed cells. Tolerates a UTF-8 BOM, CRLF and blank lines (e.g. a final newline). */
export function parseCsv(text: string): Csv {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0].split(',').map((cell) => cell.trim());
  const rows: CsvRow[] = [];
  lines.slice(1).forEach((content, i) => {
    const line = i + 2;
    if (content.trim() === '') return;
    if (content.includes('"')) throw new Error(`line ${line}: quoted fields are not supported`);
    const cells = content.split(',').map((cell) => cell.trim());
    if (cells.length !== header.length) {
      throw new Error(`line ${line}: expected ${header.length} fields, found ${cells.length}`);
    }
    rows.push({ line, cells });
  });
  return { header, rows };
}

/** True when the header names exactly these columns (case-insensitive). */
export function hasHeader(csv: Csv, columns: readonly string[]): boolean {
  return csv.header.length === columns.length && csv.header.every((cell, i) => cell.toLowerCase() === columns[i].toLowerCase());
}

export function expectHeader(csv: Csv, columns: readonly string[], layout: string): void {
  if (!hasHeader(csv, columns)) {
    throw new Error(`line 1: expected the ${layout} header "${columns.join(',')}", found "${csv.header.join(',')}"`);
  }
}

/** Runs `parse`, prefixing any error with the line it came from. */
export function atLine<T>(line: number, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new Error(`line ${line}: ${(e as Error).message}`);
  }
}
