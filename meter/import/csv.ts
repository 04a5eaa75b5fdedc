/**
 * Small helpers shared by the CSV importers (meter readings here, tariffs in tariff/import.ts).
 *
 * The files we import are simple exports (no quoted fields), so a line split on commas is enough; anything
 * else is rejected with its line number rather than guessed at.
 */
import { SLOT_SECONDS, slotStart } from '../../core/time.js';

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

/**
 * A calendar date and clock time as milliseconds on the UTC axis (the "wall clock" reading, whatever zone it
 * belongs to). Rejects impossible fields instead of letting Date.UTC roll 31/02 over into March.
 */
export function wallClockMs(year: number, month: number, day: number, hour: number, minute: number, second = 0): number {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  const ok =
    d.getUTCFullYear() === year &&
    d.getUTCMonth() === month - 1 &&
    d.getUTCDate() === day &&
    d.getUTCHours() === hour &&
    d.getUTCMinutes() === minute &&
    d.getUTCSeconds() === second;
  if (!ok) throw new Error('no such date or time');
  return ms;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;

/**
 * An ISO-8601 timestamp that names its zone ("Z" or an offset such as +01:00) → epoch ms.
 * Timestamps without a zone are rejected: a local time without a zone is ambiguous around clock changes.
 */
export function parseIsoInstant(text: string): number {
  const m = ISO_INSTANT.exec(text);
  if (!m) throw new Error(`invalid timestamp "${text}": expected ISO-8601 with a zone, e.g. 2023-01-01T00:30:00Z or 2023-06-01T00:30+01:00`);
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om] = m;
  const wall = wallClockMs(+y, +mo, +d, +h, +mi, s === undefined ? 0 : +s) + (frac === undefined ? 0 : +frac.padEnd(3, '0'));
  const offsetMinutes = zulu ? 0 : (sign === '-' ? -1 : 1) * (+oh * 60 + +om);
  return wall - offsetMinutes * 60_000;
}

/** The slot that starts exactly at `ms`; an instant inside a half-hour is an error, not silently floored. */
export function slotStartingAt(ms: number): number {
  const slotMs = SLOT_SECONDS * 1000;
  if (ms % slotMs !== 0) throw new Error(`${new Date(ms).toISOString()} is not the start of a half-hour`);
  return ms / slotMs;
}

/** "2023-10-29T01:00Z": a slot's start, for messages. */
export function isoSlot(slot: number): string {
  return slotStart(slot).toISOString().replace(':00.000Z', 'Z');
}
