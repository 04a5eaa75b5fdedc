/**
 * TypeScript side of circuits/totals.circom (consumption per sub-period, for substation balancing): the
 * public-signal layout and the witness input. The statement is just the meter and the period; the
 * sub-period length is a parameter of the circuit instance (`daysPerTotal` in circuits/circuits.json).
 */
import type { Bundle } from '../../meter/bundle.js';
import { isoDay } from '../../core/time.js';
import { assertPeriodFits, CERTIFIED_SIGNAL_NAMES, certifiedPublicSignals, certifiedWitnessInput, type CertifiedPeriod } from '../../circuits/lib/certified_inputs.js';
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
export function totalsOutputCount(c: CircuitConfig): number {
  return Math.ceil(c.params.maxDays / daysPerTotal(c));
}

/** The sub-periods a statement's totals cover (the last one may be shorter than daysPerTotal). */
export function subPeriods(s: TotalsStatement, c: CircuitConfig): SubPeriod[] {
  assertPeriodFits(s, c);
  const n = daysPerTotal(c);
  return Array.from({ length: Math.ceil(s.days / n) }, (_, i) => ({ startDay: s.startDay + i * n, days: Math.min(n, s.days - i * n) }));
}

/**
 * The public signals in snarkjs order: total[0 … totalsOutputCount - 1], then meterId, Ax, Ay, startDay,
 * days. Outputs for sub-periods wholly after a short period (the 31-day circuit on a 28-day month) are 0.
 */
export function totalsPublicSignals(s: TotalsStatement, out: TotalsOutputs, c: CircuitConfig): bigint[] {
  const expected = subPeriods(s, c).length;
  if (out.totals.length !== expected) throw new Error(`a ${s.days}-day period on ${c.id} has ${expected} totals, not ${out.totals.length}`);
  if (out.totals.some((t) => t < 0n)) throw new Error('totals are never negative');
  const padded = Array.from({ length: totalsOutputCount(c) }, (_, i) => out.totals[i] ?? 0n);
  return [...padded, ...certifiedPublicSignals(s)];
}

export function totalsSignalCount(c: CircuitConfig): number {
  return totalsOutputCount(c) + CERTIFIED_SIGNAL_NAMES.length;
}

/** Human name of public signal `i`, for error messages. */
export function totalsSignalName(i: number, c: CircuitConfig): string {
  const n = totalsOutputCount(c);
  const per = daysPerTotal(c);
  if (i < n) return per === 1 ? `total of day ${i + 1}` : `total of days ${i * per + 1}-${Math.min((i + 1) * per, c.params.maxDays)}`;
  if (i < n + CERTIFIED_SIGNAL_NAMES.length) return CERTIFIED_SIGNAL_NAMES[i - n];
  throw new Error(`${c.id} has ${totalsSignalCount(c)} public signals, not ${i + 1}`);
}

/** Reads the totals of a proof's public signals, for a statement of `days` days. */
export function decodeTotalsOutputs(publicSignals: readonly (string | bigint)[], s: TotalsStatement, c: CircuitConfig): TotalsOutputs {
  const count = subPeriods(s, c).length;
  return { totals: publicSignals.slice(0, count).map((x) => BigInt(x)) };
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
