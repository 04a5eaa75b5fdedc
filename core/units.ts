/**
 * Units and exact decimal conversions. No floating point touches a certified amount.
 *
 *   energy:  integer Wh per half-hour slot
 *   price:   integer milli-pence per kWh (mp/kWh); 1 p/kWh = 1000 mp/kWh
 *   money:   integer micro-pence (µp); Wh × mp/kWh = µp exactly
 */

/**
 * Parses a decimal string into an integer count of 10^-scale units, exactly.
 * More fractional digits than `scale` are rejected unless `round` is given, in which case the value is
 * rounded half away from zero (the rule documented in docs/units.md).
 */
export function parseDecimal(text: string, scale: number, opts: { round?: boolean; what?: string } = {}): bigint {
  const what = opts.what ?? 'value';
  const s = text.trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`invalid ${what} "${text}": not a decimal number`);
  const negative = m[1] === '-';
  const whole = m[2] === '' ? '0' : m[2];
  let frac = m[3] ?? '';
  let roundUp = false;
  if (frac.length > scale) {
    const dropped = frac.slice(scale);
    if (!opts.round && /[1-9]/.test(dropped)) {
      throw new Error(`invalid ${what} "${text}": more than ${scale} decimal places`);
    }
    roundUp = dropped.charCodeAt(0) >= 53; // '5'..'9': half away from zero
    frac = frac.slice(0, scale);
  }
  let units = BigInt(whole + frac.padEnd(scale, '0'));
  if (roundUp) units += 1n;
  return negative ? -units : units;
}

/** kWh with at most 3 decimals → Wh, exactly. */
export function kwhToWh(text: string): number {
  const wh = parseDecimal(text, 3, { what: 'kWh reading' });
  if (wh < 0n) throw new Error(`invalid kWh reading "${text}": negative`);
  return Number(wh);
}

/** Formats a signed integer count of 10^-scale units as a decimal string. */
export function formatScaled(units: bigint, scale: number): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const base = 10n ** BigInt(scale);
  const whole = abs / base;
  const frac = (abs % base).toString().padStart(scale, '0');
  return `${neg ? '-' : ''}${whole}${scale > 0 ? '.' + frac : ''}`;
}

/**
 * Micro-pence → "£x.yy" for display only, rounded half away from zero to the whole penny
 * (1 £ = 100 p = 10^8 µp). The certified value itself always stays in µp.
 */
export function microPenceToPounds(microPence: bigint): string {
  const neg = microPence < 0n;
  const abs = neg ? -microPence : microPence;
  const pence = (abs + 500_000n) / 1_000_000n;
  return `${neg && pence !== 0n ? '-' : ''}£${pence / 100n}.${(pence % 100n).toString().padStart(2, '0')}`;
}

/** Prices and values in mp/kWh are within ±(2^24 − 1): they must fit the circuits' 50-bit digit lanes (circuits/lib/paired_inner_products.circom). */
export const MAX_ABS_PRICE = 2 ** 24 - 1;

/** The unit of an output that is a day: days since 1970-01-01 UTC (shown with its date). */
export const DAY_NUMBER_UNIT = 'day number (days since 1970-01-01 UTC)';
