/**
 * Local clock time in an IANA time zone, using only Intl.DateTimeFormat (no tz database of our own).
 *
 * A "wall clock" value is the local date and time expressed as milliseconds on the UTC axis: the wall clock
 * of 2023-07-01T00:00Z in Europe/London is Date.UTC(2023, 6, 1, 1, 0). It makes local dates plain day numbers.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall clock at instant `ms`. */
export function wallClock(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const { type, value } of formatter(timeZone).formatToParts(ms)) parts[type] = Number(value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

const DAY_MS = 86_400_000;

/**
 * The instants whose local wall clock reads `wall`, ascending: one normally, none in a spring-forward gap,
 * two in the repeated hour of an autumn change. Assumes at most one offset change within a day either side,
 * which holds for every real zone.
 */
export function instantsAt(wall: number, timeZone: string): number[] {
  const offsets = new Set([wall - DAY_MS, wall + DAY_MS].map((probe) => wallClock(probe, timeZone) - probe));
  const candidates = [...offsets].map((offset) => wall - offset).filter((ms) => wallClock(ms, timeZone) === wall);
  return candidates.sort((a, b) => a - b);
}
