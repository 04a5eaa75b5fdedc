/**
 * Imports half-hourly meter readings from CSV into the project's form: integer Wh for each UTC slot of a
 * whole number of days, in slot order.
 *
 * Layouts:
 *   lcl      `LCLid,tstp,energy(kWh/hh)`: Low Carbon London export, GMT timestamps "2013-01-01 00:30:00",
 *            values padded with spaces, "Null" for a missing value; one household per file.
 *   generic  `timestamp,kwh`: ISO-8601 timestamp with a zone, the start of the half-hour.
 */
import { SLOTS_PER_DAY, firstSlotOfDay, isoDay, isoSlot, parseIsoInstant, slotStartingAt, wallClockMs } from '../../core/time.js';
import { formatScaled, kwhToWh, parseDecimal } from '../../core/units.js';
import { assertMeterId } from '../meter-id.js';
import { type Csv, type CsvRow, atLine, expectHeader, hasHeader, parseCsv } from '../../core/csv.js';
import { MAX_READING_WH } from '../chain.js';

/** The meter's register is 14 bits wide per half-hour (also what the circuit range-checks). */

export type ReadingsLayout = 'lcl' | 'generic';

export interface ImportReadingsOptions {
  /** default 'auto': chosen from the header */
  layout?: ReadingsLayout | 'auto';
  /** what to do with half-hours that have no reading: 'refuse' (default) or fill them with 0 Wh */
  fill?: 'refuse' | 'zero';
  /** first day (days since 1970-01-01 UTC) and number of days to import; rows outside are ignored */
  fromDay: number;
  days: number;
  /** the meter's id; for LCL files it must match the file's LCLid */
  meterId?: string;
}

export interface ImportedReadings {
  meterId?: string;
  firstSlot: number;
  /** days × 48 integer Wh, one per slot from firstSlot */
  readingsWh: number[];
  /** how many missing half-hours were filled with 0 Wh (always 0 unless fill: 'zero') */
  filled: number;
}

const LCL_HEADER = ['LCLid', 'tstp', 'energy(kWh/hh)'];
const GENERIC_HEADER = ['timestamp', 'kwh'];
const MISSING_SHOWN = 5;

/** One data row, before range filtering: its slot and the kWh text, or null when the row marks a gap. */
interface RawReading {
  line: number;
  slot: number;
  kwh: string | null;
  meterId?: string;
}

export function importReadingsCsv(text: string, opts: ImportReadingsOptions): ImportedReadings {
  const { fromDay, days } = opts;
  if (!Number.isInteger(fromDay) || !Number.isInteger(days) || days < 1) {
    throw new Error(`invalid period: fromDay must be an integer and days a positive integer (got ${fromDay}, ${days})`);
  }
  if (opts.meterId !== undefined) assertMeterId(opts.meterId);
  const csv = parseCsv(text);
  const layout = chooseLayout(csv, opts.layout ?? 'auto');
  const raw = csv.rows.map(layout === 'lcl' ? lclRow : genericRow);
  const meterId = layout === 'lcl' ? singleLclId(raw, opts.meterId) : opts.meterId;

  const firstSlot = firstSlotOfDay(fromDay);
  const values = readingsInRange(raw, layout, firstSlot, days * SLOTS_PER_DAY);
  const missing = values.flatMap((wh, i) => (wh === undefined ? [firstSlot + i] : []));
  if (missing.length > 0 && opts.fill !== 'zero') {
    const shown = missing.slice(0, MISSING_SHOWN).map(isoSlot).join(', ');
    const more = missing.length > MISSING_SHOWN ? ', …' : '';
    throw new Error(
      `${missing.length} of ${values.length} half-hours have no reading between ${isoDay(fromDay)} and ${isoDay(fromDay + days - 1)} ` +
        `(${shown}${more}); use the zero fill policy (--fill zero) to count them as 0 Wh`,
    );
  }
  return { meterId, firstSlot, readingsWh: values.map((wh) => wh ?? 0), filled: missing.length };
}

function chooseLayout(csv: Csv, requested: ReadingsLayout | 'auto'): ReadingsLayout {
  if (requested === 'lcl') expectHeader(csv, LCL_HEADER, 'LCL');
  if (requested === 'generic') expectHeader(csv, GENERIC_HEADER, 'generic');
  if (requested !== 'auto') return requested;
  if (hasHeader(csv, LCL_HEADER)) return 'lcl';
  if (hasHeader(csv, GENERIC_HEADER)) return 'generic';
  throw new Error(`line 1: unknown readings layout; expected "${LCL_HEADER.join(',')}" or "${GENERIC_HEADER.join(',')}"`);
}

const LCL_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.0+)?$/;

function lclRow({ line, cells: [meterId, tstp, energy] }: CsvRow): RawReading {
  return atLine(line, () => {
    const m = LCL_TIMESTAMP.exec(tstp);
    if (!m) throw new Error(`invalid timestamp "${tstp}": expected YYYY-MM-DD HH:MM:SS (GMT)`);
    // LCL timestamps are GMT all year round, so the wall clock is UTC.
    const slot = slotStartingAt(wallClockMs(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]));
    return { line, slot, kwh: /^null$/i.test(energy) ? null : energy, meterId };
  });
}

function genericRow({ line, cells: [timestamp, kwh] }: CsvRow): RawReading {
  return atLine(line, () => ({ line, slot: slotStartingAt(parseIsoInstant(timestamp)), kwh }));
}

/** An LCL file belongs to one household; mixing them would silently merge two people's consumption. */
function singleLclId(raw: RawReading[], expected: string | undefined): string | undefined {
  const ids = [...new Set(raw.map((r) => r.meterId as string))];
  if (ids.length === 0) return expected;
  if (ids.length > 1) throw new Error(`the file mixes several LCLids (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''})`);
  const [id] = ids;
  if (expected !== undefined && id !== expected) throw new Error(`the file is for ${id}, not ${expected}`);
  assertMeterId(id);
  return id;
}

/** Wh per slot of the period (undefined where no row gives a value), refusing duplicates and bad values. */
function readingsInRange(raw: RawReading[], layout: ReadingsLayout, firstSlot: number, count: number): (number | undefined)[] {
  const values: (number | undefined)[] = new Array(count).fill(undefined);
  const lineOf = new Map<number, number>();
  for (const { line, slot, kwh } of raw) {
    const i = slot - firstSlot;
    if (i < 0 || i >= count || kwh === null) continue;
    const wh = atLine(line, () => readingWh(kwh, layout));
    const previous = lineOf.get(slot);
    if (previous !== undefined) {
      const how = values[i] === wh ? 'an identical' : 'a different';
      throw new Error(`line ${line}: duplicate reading for ${isoSlot(slot)} (line ${previous} has ${how} value)`);
    }
    values[i] = wh;
    lineOf.set(slot, line);
  }
  return values;
}

function readingWh(kwh: string, layout: ReadingsLayout): number {
  const wh = kwhToWh(layout === 'lcl' ? withoutFloatNoise(kwh) : kwh);
  if (wh > MAX_READING_WH) throw new Error(`reading ${kwh} kWh exceeds the meter's ${MAX_READING_WH} Wh per half-hour`);
  return wh;
}

/**
 * The LCL values went through 32-bit floats, so about 1 in 200 prints as e.g. "1.0779999" for 1.078 kWh.
 * A value within 0.000001 kWh (0.001 Wh) of a whole Wh is taken as that Wh; anything else is returned
 * unchanged for kwhToWh to reject as usual (more than 3 decimals, negative, not a number).
 */
function withoutFloatNoise(kwh: string): string {
  const exact = parseDecimal(kwh, 9, { round: true, what: 'kWh reading' });
  const wh = parseDecimal(kwh, 3, { round: true, what: 'kWh reading' });
  const noise = exact - wh * 1_000_000n;
  return exact >= 0n && noise > -1000n && noise < 1000n ? formatScaled(wh, 3) : kwh;
}
