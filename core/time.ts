/**
 * Absolute half-hour slots.
 *
 * Every reading, price and value is indexed by its UTC half-hour slot number counted from the Unix epoch,
 * so clock changes never create 46- or 50-slot days: a "day" is always 48 consecutive UTC slots.
 */

export const SLOTS_PER_DAY = 48;
export const SLOT_SECONDS = 1800;

/** Slot number of the half-hour that contains `date`. */
export function slotOf(date: Date): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new Error('invalid date');
  return Math.floor(ms / 1000 / SLOT_SECONDS);
}

/** Start instant of a slot. */
export function slotStart(slot: number): Date {
  return new Date(slot * SLOT_SECONDS * 1000);
}

/** Day number (days since 1970-01-01 UTC) of a "YYYY-MM-DD" date. */
export function dayOf(isoDate: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new Error(`invalid date "${isoDate}": expected YYYY-MM-DD`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(ms).toISOString().slice(0, 10);
  if (back !== isoDate) throw new Error(`invalid date "${isoDate}": no such day`);
  return ms / 86_400_000;
}

/** "YYYY-MM-DD" of a day number. */
export function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** "2025-01-01..2025-01-31": a period of days in messages. */
export const periodRange = (p: { startDay: number; days: number }) => `${isoDay(p.startDay)}..${isoDay(p.startDay + p.days - 1)}`;

export function firstSlotOfDay(day: number): number {
  return day * SLOTS_PER_DAY;
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
