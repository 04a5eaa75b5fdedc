/**
 * Time-of-use bands: a price for each local half-hour of each day type.
 *
 * Bands are written in local clock time and slots are UTC, so each slot is priced by the band containing the
 * local time at which it starts. On clock-change days this follows the local clock: in Europe/London the
 * 23-hour spring day never reaches 01:00–02:00, and the 25-hour autumn day prices 01:00–02:00 twice.
 */
import { SLOT_SECONDS, dayOf, slotStart } from '../core/time.js';
import { wallClock } from './zone.js';

export const DAY_TYPES = ['weekday', 'weekend', 'holiday'] as const;
export type DayType = (typeof DAY_TYPES)[number];

export interface Band {
  days: DayType[];
  /** "HH:MM", half-hour aligned */
  from: string;
  /** "HH:MM", half-hour aligned, after `from`; "24:00" for the end of the day */
  to: string;
  price: number;
}

export interface TouPricing {
  timeZone: string;
  /** local dates "YYYY-MM-DD" priced with the holiday bands */
  holidays: string[];
  bands: Band[];
}

const DAY_MS = 86_400_000;
/** Half-hours on the local clock face: 48 even on days that last 46 or 50 real half-hours. */
const CLOCK_HALF_HOURS = 48;

/** "07:30" → 15: the index of the local half-hour starting at that time. */
function halfHourIndex(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h * 2 + m / 30;
}

function hhmm(index: number): string {
  return `${String(Math.floor(index / 2)).padStart(2, '0')}:${index % 2 ? '30' : '00'}`;
}

type BandTable = Record<DayType, (number | undefined)[]>;

/**
 * For each day type, the index of the band pricing each local half-hour (undefined where none does), and
 * the half-hours two bands both price (the first band keeps them).
 */
function bandTable(bands: readonly Band[]): { table: BandTable; overlaps: string[] } {
  const table = Object.fromEntries(DAY_TYPES.map((t) => [t, new Array(CLOCK_HALF_HOURS).fill(undefined)])) as BandTable;
  const overlaps: string[] = [];
  bands.forEach((band, b) => {
    for (const day of new Set(band.days)) {
      let reported = false;
      for (let i = halfHourIndex(band.from); i < halfHourIndex(band.to); i++) {
        const owner = table[day][i];
        if (owner === undefined) table[day][i] = b;
        else if (!reported) {
          overlaps.push(`${day} ${hhmm(i)}–${hhmm(i + 1)} is in both band ${owner} and band ${b}`);
          reported = true;
        }
      }
    }
  });
  return { table, overlaps };
}

/**
 * Problems that make the bands unusable: each day type in use must have exactly one band for every local
 * half-hour. Weekdays and weekends are always in use; holidays when holidays are listed or priced.
 */
export function bandProblems(pricing: TouPricing): string[] {
  const used = new Set<DayType>(['weekday', 'weekend']);
  if (pricing.holidays.length > 0 || pricing.bands.some((b) => b.days.includes('holiday'))) used.add('holiday');
  const { table, overlaps } = bandTable(pricing.bands);
  const problems = pricing.bands.flatMap((band, b) =>
    halfHourIndex(band.from) < halfHourIndex(band.to) ? [] : [`band ${b}: "from" ${band.from} must be before "to" ${band.to}`],
  );
  problems.push(...overlaps);
  for (const day of used) {
    const gap = table[day].indexOf(undefined);
    if (gap >= 0) problems.push(`${day} ${hhmm(gap)}–${hhmm(gap + 1)} has no band`);
  }
  return problems;
}

/** A function giving the price of a UTC slot; the bands must already be free of problems. */
export function touPricer(pricing: TouPricing): (slot: number) => number {
  const { table } = bandTable(pricing.bands);
  const holidays = new Set(pricing.holidays.map(dayOf));
  return (slot) => {
    const wall = wallClock(slotStart(slot).getTime(), pricing.timeZone);
    const localDay = Math.floor(wall / DAY_MS);
    // Flooring to the half-hour keeps zones with :15/:45 offsets working: bands are half-hour aligned.
    const index = Math.floor((wall - localDay * DAY_MS) / (SLOT_SECONDS * 1000));
    const band = table[dayType(localDay, holidays)][index] as number;
    return pricing.bands[band].price;
  };
}

function dayType(localDay: number, holidays: ReadonlySet<number>): DayType {
  if (holidays.has(localDay)) return 'holiday';
  const weekday = (localDay + 4) % 7; // day 0, 1970-01-01, was a Thursday; 0 = Sunday
  return weekday === 0 || weekday === 6 ? 'weekend' : 'weekday';
}
