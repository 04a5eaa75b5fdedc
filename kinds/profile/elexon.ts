/**
 * The realistic profile set for kinds/profile/profile.circom: the Elexon standard load profiles (Electricity
 * Association 1997; ../shared/data/profiles/ProfileClass1..8.csv), 48 half-hours × 5 seasons × 3 day types
 * in kW per customer, turned into one 48-value vector per class for a given period.
 *
 * The period's vector of a class, slot s of the UTC day: Σ over the period's days d of the class's profile
 * value, in W, for the local (Europe/London) half-hour that UTC slot 48d + s falls in, on that local
 * date's season and day type. So the scheme publishes exactly what an average household of the class
 * would have used in each UTC half-hour of the period (summed over its days), comparable with the
 * household's sum day; summer-time days contribute their profile shifted by one hour, as the meter counts
 * UTC slots while people live by the local clock. A period of several seasons or day types mixes them in
 * proportion to its days.
 *
 * Seasons (Elexon's definitions, on local dates):
 *   Winter      the October change to GMT .. the day before the March change to BST
 *   Spring      the March change to BST .. the Friday before Summer
 *   Summer      ten weeks from the 16th Saturday before the August bank holiday (last Monday of August)
 *   High summer six weeks and two days from the 6th Saturday before the August bank holiday .. the Sunday after it
 *   Autumn      the Monday after the August bank holiday .. the day before the October change to GMT
 * Day types: Wd (Monday–Friday), Sat, Sun. Bank holidays are not special here (the public tables have no
 * column for them).
 */
import { firstSlotOfDay, SLOT_SECONDS, SLOTS_PER_DAY } from '../../core/time.js';
import { parseDecimal } from '../../core/units.js';
import { wallClock } from '../../tariff/zone.js';

export const SEASONS = ['Wtr', 'Spr', 'Smr', 'Hsr', 'Aut'] as const;
export type Season = (typeof SEASONS)[number];
export const DAY_TYPES = ['Wd', 'Sat', 'Sun'] as const;
export type ElexonDayType = (typeof DAY_TYPES)[number];

/** One profile class: W per customer (kW × 1000, exact), 48 settlement periods per season and day type. */
export interface ElexonClass {
  name: string;
  watts: Record<`${Season} ${ElexonDayType}`, bigint[]>;
  /** the same values in kW as floating point, for the floating-point reference */
  kw: Record<`${Season} ${ElexonDayType}`, number[]>;
}

const DAY_MS = 86_400_000;
const TIME_ZONE = 'Europe/London';

/** Parses ProfileClassN.csv: `Time,Aut Wd,…,Wtr Sun`, 48 rows 00:30 … 00:00 (the end of each half-hour). */
export function parseElexonClass(text: string, name: string): ElexonClass {
  const lines = text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim());
  if (header[0] !== 'Time' || header.length !== 16) throw new Error(`${name}: expected "Time" and 15 season/day-type columns`);
  const watts = {} as ElexonClass['watts'];
  const kw = {} as ElexonClass['kw'];
  const columns = header.slice(1) as (keyof ElexonClass['watts'])[];
  for (const column of columns) {
    const [season, type] = column.split(' ');
    if (!SEASONS.includes(season as Season) || !DAY_TYPES.includes(type as ElexonDayType)) throw new Error(`${name}: unknown column "${column}"`);
    watts[column] = [];
    kw[column] = [];
  }
  const rows = lines.slice(1);
  if (rows.length !== SLOTS_PER_DAY) throw new Error(`${name}: expected ${SLOTS_PER_DAY} half-hours, found ${rows.length}`);
  rows.forEach((line, s) => {
    const cells = line.split(',').map((c) => c.trim());
    const end = (s + 1) % SLOTS_PER_DAY;
    const expected = `${String(Math.floor(end / 2)).padStart(2, '0')}:${end % 2 ? '30' : '00'}`;
    if (cells[0] !== expected) throw new Error(`${name}: row ${s + 2} is "${cells[0]}", expected ${expected}`);
    columns.forEach((column, i) => {
      const w = parseDecimal(cells[i + 1], 3, { what: `${name} ${column} ${cells[0]}` });
      if (w < 0n) throw new Error(`${name}: negative demand at ${column} ${cells[0]}`);
      watts[column].push(w);
      kw[column].push(Number(cells[i + 1]));
    });
  });
  return { name, watts, kw };
}

/** Last `weekday` (0 = Sunday) of a month, as a day number. */
function lastWeekdayOf(year: number, month: number, weekday: number): number {
  const last = Date.UTC(year, month + 1, 0) / DAY_MS; // day 0 of the next month
  return last - ((((last + 4) % 7) - weekday + 7) % 7); // 1970-01-01 was a Thursday (4)
}

/** The Elexon season of a local date (a day number on the local calendar). */
export function seasonOf(localDay: number): Season {
  const year = new Date(localDay * DAY_MS).getUTCFullYear();
  const toBst = lastWeekdayOf(year, 2, 0);
  const toGmt = lastWeekdayOf(year, 9, 0);
  const bankHoliday = lastWeekdayOf(year, 7, 1);
  const summer = bankHoliday - 2 - 15 * 7; // the 16th Saturday before the bank holiday
  const highSummer = bankHoliday - 2 - 5 * 7; // the 6th Saturday before it
  const autumn = bankHoliday + 7; // the Monday after it
  if (localDay < toBst || localDay >= toGmt) return 'Wtr';
  if (localDay < summer) return 'Spr';
  if (localDay < highSummer) return 'Smr';
  if (localDay < autumn) return 'Hsr';
  return 'Aut';
}

export function dayTypeOf(localDay: number): ElexonDayType {
  const weekday = (localDay + 4) % 7;
  return weekday === 6 ? 'Sat' : weekday === 0 ? 'Sun' : 'Wd';
}

/** For each UTC slot of the period: the local date and the local settlement period (0..47) it falls in. */
function localSlots(startDay: number, days: number): { localDay: number; period: number }[] {
  const first = firstSlotOfDay(startDay);
  return Array.from({ length: days * SLOTS_PER_DAY }, (_, i) => {
    const wall = wallClock((first + i) * SLOT_SECONDS * 1000, TIME_ZONE);
    const localDay = Math.floor(wall / DAY_MS);
    return { localDay, period: Math.floor((wall - localDay * DAY_MS) / (SLOT_SECONDS * 1000)) };
  });
}

/** The K period vectors, W summed over the period's days, indexed by UTC slot of the day. */
export function elexonPeriodProfiles(classes: readonly ElexonClass[], startDay: number, days: number): bigint[][] {
  const slots = localSlots(startDay, days);
  return classes.map((c) => {
    const sum = Array<bigint>(SLOTS_PER_DAY).fill(0n);
    slots.forEach(({ localDay, period }, i) => {
      sum[i % SLOTS_PER_DAY] += c.watts[`${seasonOf(localDay)} ${dayTypeOf(localDay)}`][period];
    });
    return sum;
  });
}

/** The same vectors as floating-point averages in kW, for the floating-point reference. */
export function elexonPeriodProfilesKw(classes: readonly ElexonClass[], startDay: number, days: number): number[][] {
  const slots = localSlots(startDay, days);
  return classes.map((c) => {
    const sum = Array<number>(SLOTS_PER_DAY).fill(0);
    slots.forEach(({ localDay, period }, i) => {
      sum[i % SLOTS_PER_DAY] += c.kw[`${seasonOf(localDay)} ${dayTypeOf(localDay)}`][period] / days;
    });
    return sum;
  });
}
