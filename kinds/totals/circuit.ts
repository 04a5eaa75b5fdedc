/**
 * TypeScript side of totals.circom (consumption per sub-period, for substation balancing): the public
 * layout and the witness input. The statement is just the meter and the period; the sub-period length is
 * a parameter of the circuit instance (`daysPerTotal`, declared in kind.ts).
 */
import type { Bundle } from '../../meter/bundle.js';
import { isoDay } from '../../core/time.js';
import { output, type PublicLayout } from '../../circuits/layout.js';
import { assertPeriodFits, CERTIFIED_LAYOUT, certifiedSignalValues, certifiedWitnessInput, type CertifiedPeriod } from '../../circuits/lib/certified_inputs.js';
import type { CircuitConfig } from '../../circuits/config.js';

export type TotalsStatement = CertifiedPeriod;

export interface TotalsOutputs {
  /** Wh per sub-period, in order from the period's start: ceil(days / daysPerTotal) entries */
  totals: bigint[];
}

export interface SubPeriod {
  /** first day (days since 1970-01-01 UTC) */
  startDay: number;
  days: number;
}

function daysPerTotal(c: CircuitConfig): number {
  const n = c.params.daysPerTotal;
  if (c.kind !== 'totals' || !Number.isInteger(n) || n < 1) throw new Error(`circuit ${c.id} is not a totals circuit`);
  return n;
}

/** Number of total outputs of the circuit: ceil(maxDays / daysPerTotal). */
const totalCount = (c: CircuitConfig) => Math.ceil(c.params.maxDays / daysPerTotal(c));

/** The sub-periods a statement's totals cover (the last one may be shorter than daysPerTotal). */
export function subPeriods(s: TotalsStatement, c: CircuitConfig): SubPeriod[] {
  assertPeriodFits(s, c);
  const n = daysPerTotal(c);
  return Array.from({ length: Math.ceil(s.days / n) }, (_, i) => ({ startDay: s.startDay + i * n, days: Math.min(n, s.days - i * n) }));
}

/** The public signals: total[ceil(maxDays / daysPerTotal)], then the certified period. */
export const TOTALS_LAYOUT: PublicLayout = [output('total', totalCount), ...CERTIFIED_LAYOUT];

/** Every public signal's value by name. Totals for sub-periods wholly after a short period (the 31-day circuit on a 28-day month) are 0. */
export function totalsSignalValues(s: TotalsStatement, out: TotalsOutputs, c: CircuitConfig) {
  const expected = subPeriods(s, c).length;
  if (out.totals.length !== expected) throw new Error(`a ${s.days}-day period on ${c.id} has ${expected} totals, not ${out.totals.length}`);
  if (out.totals.some((t) => t < 0n)) throw new Error('totals are never negative');
  return { total: Array.from({ length: totalCount(c) }, (_, i) => out.totals[i] ?? 0n), ...certifiedSignalValues(s) };
}

/** The witness input: only the certified period and readings. */
export function totalsWitnessInput(bundle: Bundle, s: TotalsStatement, c: CircuitConfig): Record<string, string | string[]> {
  daysPerTotal(c);
  return certifiedWitnessInput(bundle, s, c);
}

/** "2013-01-01..2013-01-07: 61234 Wh" lines, for display. */
export function describeTotals(s: TotalsStatement, out: TotalsOutputs, c: CircuitConfig): string[] {
  return subPeriods(s, c).map((p, i) => `${isoDay(p.startDay)}..${isoDay(p.startDay + p.days - 1)}: ${out.totals[i]} Wh`);
}
