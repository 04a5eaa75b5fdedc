/**
 * The page's words for dates and certified outputs: en-GB dates that cannot be misread ("8 Jan 2025",
 * never "01-08"), times in the household's own time zone, and each output in plain words with its unit
 * (pounds, kWh, yes/no), never in micro-pence or circuit names.
 */
import { dayOf } from '../../core/time.js';
import { DAY_NUMBER_UNIT, formatScaled, microPenceToPounds } from '../../core/units.js';

const DAY_MS = 86_400_000;
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const shortDayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** "8 Jan 2025" for a day number (days since 1970-01-01 UTC). */
export const dayText = (day: number) => dayFormat.format(new Date(day * DAY_MS));
/** "8 Jan", for chart labels. */
export const shortDayText = (day: number) => shortDayFormat.format(new Date(day * DAY_MS));

/** "8 Jan 2025", or "8 Jan 2025 to 14 Jan 2025 (7 days)". */
export function periodText(p: { start: string; days: number }): string {
  const first = dayOf(p.start);
  return p.days === 1 ? dayText(first) : `${dayText(first)} to ${dayText(first + p.days - 1)} (${p.days} days)`;
}

/** An ISO timestamp in the household's local time: "8 Jan 2025, 14:03 GMT". */
export const localTime = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });

const kwh = (wh: string) => `${formatScaled(BigInt(wh), 3)} kWh`;

/** Plain names of the outputs whose name alone would puzzle a household. */
const LABELS: Record<string, string> = {
  bill: 'Bill',
  consumption: 'Electricity used',
  settlement: 'Value to the grid (settlement)',
  rebate: 'Rebate',
  saving: 'Saving',
  cheapest: 'Cheapest tariff',
  match: 'Matches the pattern',
  totals: 'Used per sub-period',
  peak: 'Highest half-hour',
  peakDay: 'Day of the highest half-hour',
  index: 'Closest profile',
  score: 'Likeness score',
  slots: 'Half-hours sampled',
  readings: 'Sampled readings',
};

/** Explanations shown under an output (the settlement value is not owed by the household). */
export const NOTES: Record<string, string> = {
  settlement:
    'What your electricity was worth on the wholesale market at the times you used it. Suppliers settle this amount between themselves through the grid; it is not part of your bill and you do not pay it.',
};

function valueText(unit: string, v: string): string {
  if (unit === 'micro-pence') return microPenceToPounds(BigInt(v));
  if (unit === 'Wh' || unit === 'Wh per half-hour') return kwh(v);
  if (unit === 'bit') return v === '1' || v === 'true' ? 'yes' : 'no';
  if (unit === DAY_NUMBER_UNIT) return dayText(Number(v));
  if (unit === 'index' || unit.startsWith('profile index')) return `number ${Number(v) + 1} of the published set`;
  return v;
}

/** Each output as [label, value] in plain words, by the kind's declared units. */
export function outputLines(outputs: Record<string, string | string[]>, units: Record<string, string>): [string, string][] {
  return Object.entries(outputs).map(([name, v]) => {
    const unit = units[name] ?? '';
    const text = Array.isArray(v) ? v.map((x) => valueText(unit, x)).join(', ') : valueText(unit, v);
    return [LABELS[name] ?? name, text];
  });
}
