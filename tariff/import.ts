/**
 * Imports half-hourly price lists into dynamic tariffs. The choices made here (rounding, clock changes,
 * gaps) are documented in docs/tariffs.md.
 *
 *   agile     Octopus Agile export: `Period from,Period to,Agile Import price (p/kWh),Agile Export price (p/kWh)`,
 *             "DD/MM/YYYY HH:MM" in UK local time.
 *   lcl-dtou  Low Carbon London 2013 dynamic time-of-use signal: `TariffDateTime,Tariff`, "M/D/YY H:MM" GMT,
 *             High / Normal / Low.
 *   csv       generic `timestamp,price`: ISO-8601 with a zone, price in p/kWh.
 */
import { SLOT_SECONDS, isoSlot, parseIsoInstant, slotStartingAt, wallClockMs } from '../core/time.js';
import { formatScaled, parseDecimal } from '../core/units.js';
import { type Csv, atLine, expectHeader, parseCsv } from '../core/csv.js';
import { MAX_ABS_PRICE, type Pricing, type Tariff, TARIFF_FORMAT, type TariffKind, parseTariff } from './model.js';
import { instantsAt } from './zone.js';

export type TariffSource = 'agile' | 'lcl-dtou' | 'csv';

export interface ImportTariffOptions {
  id?: string;
  name?: string;
  /** default 'tariff' */
  kind?: TariffKind;
  /** mp/day; default 0, since none of these files carries one */
  standingChargePerDay?: number;
  /** agile only: which price column to take; default 'import' */
  column?: 'import' | 'export';
  /**
   * Half-hours with no row between the first and the last: 'refuse' (default) leaves them out of the tariff,
   * so pricing a period that covers them fails; 'previous' gives them the price of the half-hour before.
   */
  fill?: 'refuse' | 'previous';
}

interface PricedSlot {
  line: number;
  slot: number;
  /** mp/kWh */
  price: number;
}

interface Source {
  rows(csv: Csv, opts: ImportTariffOptions): PricedSlot[];
  id(opts: ImportTariffOptions): string;
  name(opts: ImportTariffOptions): string;
}

const SOURCES: Record<TariffSource, Source> = {
  agile: {
    rows: agileRows,
    id: (opts) => `agile-${opts.column ?? 'import'}`,
    name: (opts) => `Octopus Agile ${opts.column ?? 'import'} prices`,
  },
  'lcl-dtou': {
    rows: lclDtouRows,
    id: () => 'lcl-dtou',
    name: () => 'Low Carbon London dynamic time-of-use',
  },
  csv: {
    rows: genericRows,
    id: () => 'imported-prices',
    name: () => 'Imported half-hourly prices',
  },
};

const SLOT_MS = SLOT_SECONDS * 1000;
const GAPS_SHOWN = 3;

export function importTariff(format: TariffSource, text: string, opts: ImportTariffOptions = {}): Tariff {
  const source = SOURCES[format];
  if (source === undefined) throw new Error(`unknown tariff format "${format}": expected ${Object.keys(SOURCES).join(', ')}`);
  if (opts.column !== undefined && format !== 'agile') throw new Error(`the "column" option applies to agile files only`);
  const rows = source.rows(parseCsv(text), opts);
  const { pricing, note } = dynamicPricing(rows, opts.fill ?? 'refuse');
  return parseTariff({
    format: TARIFF_FORMAT,
    kind: opts.kind ?? 'tariff',
    id: opts.id ?? source.id(opts),
    name: opts.name ?? source.name(opts),
    description: `Imported from ${format} CSV (${rows.length} half-hours).${note}`,
    currency: 'GBP',
    standingChargePerDay: opts.standingChargePerDay ?? 0,
    pricing,
  });
}

/** p/kWh decimal → mp/kWh, rounding half away from zero beyond 3 decimals. */
function penceToMp(text: string): number {
  const mp = parseDecimal(text, 3, { round: true, what: 'price (p/kWh)' });
  if (mp > BigInt(MAX_ABS_PRICE) || mp < -BigInt(MAX_ABS_PRICE)) {
    throw new Error(`price ${text} p/kWh is out of range: |price| must be below 2^24 mp/kWh (${formatScaled(BigInt(MAX_ABS_PRICE), 3)} p/kWh)`);
  }
  return Number(mp);
}

const AGILE_HEADER = ['Period from', 'Period to', 'Agile Import price (p/kWh)', 'Agile Export price (p/kWh)'];
const AGILE_TIME = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})$/;

function agileRows(csv: Csv, opts: ImportTariffOptions): PricedSlot[] {
  expectHeader(csv, AGILE_HEADER, 'Agile');
  const column = opts.column === 'export' ? 3 : 2;
  return csv.rows.map(({ line, cells }) =>
    atLine(line, () => ({ line, slot: agileSlot(cells[0], cells[1]), price: penceToMp(cells[column]) })),
  );
}

function agileWallClock(text: string): number {
  const m = AGILE_TIME.exec(text);
  if (!m) throw new Error(`invalid time "${text}": expected DD/MM/YYYY HH:MM`);
  return wallClockMs(+m[3], +m[2], +m[1], +m[4], +m[5]);
}

/**
 * The slot of a row, from both ends of its period in UK local time: the start is the instant reading
 * `from` that is followed 30 minutes later by an instant reading `to`. This settles most of the autumn
 * repeated hour (29/10/2023 01:30–02:00 can only be the second, GMT, 01:30). When both occurrences fit
 * (01:00–01:30) we take the later one, as the export evidently kept the second occurrence of that hour.
 */
function agileSlot(from: string, to: string): number {
  const ends = new Set(instantsAt(agileWallClock(to), 'Europe/London'));
  const starts = instantsAt(agileWallClock(from), 'Europe/London').filter((start) => ends.has(start + SLOT_MS));
  if (starts.length === 0) throw new Error(`period ${from} to ${to} is not one half-hour of UK time`);
  return slotStartingAt(starts[starts.length - 1]);
}

const DTOU_HEADER = ['TariffDateTime', 'Tariff'];
const DTOU_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{2}) (\d{1,2}):(\d{2})$/;
/** The trial's published prices, p/kWh. */
const DTOU_PRICES: Record<string, string> = { High: '67.20', Normal: '11.76', Low: '3.99' };

function lclDtouRows(csv: Csv): PricedSlot[] {
  expectHeader(csv, DTOU_HEADER, 'LCL dToU');
  return csv.rows.map(({ line, cells: [time, band] }) =>
    atLine(line, () => {
      const m = DTOU_TIME.exec(time);
      if (!m) throw new Error(`invalid time "${time}": expected M/D/YY H:MM`);
      // The trial's schedule is in GMT all year, so the wall clock is UTC; two-digit years are 20YY.
      const slot = slotStartingAt(wallClockMs(2000 + +m[3], +m[1], +m[2], +m[4], +m[5]));
      const pence = DTOU_PRICES[band];
      if (pence === undefined) throw new Error(`unknown tariff level "${band}": expected High, Normal or Low`);
      return { line, slot, price: penceToMp(pence) };
    }),
  );
}

const GENERIC_HEADER = ['timestamp', 'price'];

function genericRows(csv: Csv): PricedSlot[] {
  expectHeader(csv, GENERIC_HEADER, 'generic price');
  return csv.rows.map(({ line, cells: [timestamp, price] }) =>
    atLine(line, () => ({ line, slot: slotStartingAt(parseIsoInstant(timestamp)), price: penceToMp(price) })),
  );
}

/**
 * The dynamic pricing for the rows: dense (firstSlot + prices) when no half-hour is missing, else an explicit
 * slot list that leaves the gaps out (or dense again once gaps are filled). `note` describes the gaps.
 */
function dynamicPricing(rows: PricedSlot[], fill: 'refuse' | 'previous'): { pricing: Pricing; note: string } {
  if (rows.length === 0) throw new Error('the file has no prices');
  const sorted = [...rows].sort((a, b) => a.slot - b.slot);
  // The sort is stable, so of two rows for one slot the earlier line comes first.
  sorted.slice(1).forEach((row, i) => {
    if (row.slot === sorted[i].slot) {
      throw new Error(`line ${row.line}: a second price for ${isoSlot(row.slot)} (first on line ${sorted[i].line})`);
    }
  });
  const firstSlot = sorted[0].slot;
  const bySlot = new Map(sorted.map((r) => [r.slot, r.price]));
  const span = sorted[sorted.length - 1].slot - firstSlot + 1;
  const gaps = Array.from({ length: span }, (_, i) => firstSlot + i).filter((slot) => !bySlot.has(slot));
  if (gaps.length === 0) return { pricing: { type: 'dynamic', firstSlot, prices: sorted.map((r) => r.price) }, note: '' };

  const listed = `${gaps.slice(0, GAPS_SHOWN).map(isoSlot).join(', ')}${gaps.length > GAPS_SHOWN ? ', …' : ''}`;
  if (fill === 'refuse') {
    const slots = sorted.map(({ slot, price }) => ({ slot, price }));
    return { pricing: { type: 'dynamic', slots }, note: ` ${gaps.length} half-hour(s) have no price (${listed}).` };
  }
  const prices: number[] = [];
  for (let i = 0; i < span; i++) prices.push(bySlot.get(firstSlot + i) ?? prices[i - 1]);
  return {
    pricing: { type: 'dynamic', firstSlot, prices },
    note: ` ${gaps.length} missing half-hour(s) given the previous half-hour's price (${listed}).`,
  };
}
