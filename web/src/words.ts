/**
 * The page's words for dates and certified outputs: en-GB dates that cannot be misread ("8 Jan 2025",
 * never "01-08"), times in the household's own time zone, and each output in plain words with its unit
 * (pounds, kWh, yes/no), never in micro-pence or circuit names.
 */
import { dayOf, isoSlot } from '../../core/time.js';
import { DAY_NUMBER_UNIT, formatScaled, microPenceToPounds } from '../../core/units.js';
import type { ResultKind } from '../../kinds/kind.js';

const DAY_MS = 86_400_000;
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const shortDayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** "8 Jan 2025" for a day number (days since 1970-01-01 UTC). */
export const dayText = (day: number) => dayFormat.format(new Date(day * DAY_MS));
/** "8 Jan", for chart labels. */
export const shortDayText = (day: number) => shortDayFormat.format(new Date(day * DAY_MS));

/** "1 day", "7 days". */
export const daysText = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** "8 Jan 2025", or "8 Jan 2025 to 14 Jan 2025 (7 days)". */
export function periodText(p: { start: string; days: number }): string {
  const first = dayOf(p.start);
  return p.days === 1 ? dayText(first) : `${dayText(first)} to ${dayText(first + p.days - 1)} (${daysText(p.days)})`;
}

/** An ISO timestamp in the household's local time: "8 Jan 2025, 14:03 GMT". */
export const localTime = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });

/** A half-hour slot's unit (slots since 1970-01-01 UTC), shown as the half-hour's start in local time. */
const SLOT_UNIT = 'UTC half-hour slot number';

const kwh = (wh: string) => `${formatScaled(BigInt(wh), 3)} kWh`;

function valueText(unit: string, v: string): string {
  if (unit === 'micro-pence') return microPenceToPounds(BigInt(v));
  if (unit === 'Wh' || unit === 'Wh per half-hour') return kwh(v);
  if (unit === 'bit') return v === '1' || v === 'true' ? 'yes' : 'no';
  if (unit === DAY_NUMBER_UNIT) return dayText(Number(v));
  if (unit === SLOT_UNIT) return localTime(isoSlot(Number(v)));
  // a position in a published set of documents, counted from 0
  if (/\bindex\b/.test(unit)) return `number ${Number(v) + 1} of the published set`;
  return v;
}

/** Each output as [label, value, note?] in plain words: the kind's declared labels (kinds/<kind>/kind.ts) and units. */
export function outputLines(outputs: Record<string, string | string[]>, units: Record<string, string>, labels: ResultKind['labels'] = {}): [string, string, string?][] {
  return Object.entries(outputs).map(([name, v]) => {
    const unit = units[name] ?? '';
    const text = Array.isArray(v) ? v.map((x) => valueText(unit, x)).join(', ') : valueText(unit, v);
    const label = labels[name] ?? name;
    return typeof label === 'string' ? [label, text] : [label.text, text, label.note];
  });
}
