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

export function firstSlotOfDay(day: number): number {
  return day * SLOTS_PER_DAY;
}
