/**
 * The inputs every certified-readings circuit shares (circuits/lib/certified_readings.circom): the first
 * six public inputs (meterId, Ax, Ay, context, startDay, days) and the private readings, chain state and
 * signature taken from the household's bundle. Same encoding as kinds/bill/circuit.ts.
 */
import { toField } from '../../core/field.js';
import { SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { meterIdToField } from '../../meter/meter-id.js';
import type { CircuitConfig } from '../config.js';
import { input } from '../layout.js';

/** The meter and period every statement about certified readings names. */
export interface CertifiedPeriod {
  meterId: string;
  publicKey: [bigint, bigint];
  /** days since 1970-01-01 UTC */
  startDay: number;
  days: number;
  /**
   * What the result answers: the digest of a service's request reduced into the field (prover/request.ts),
   * 0 (the default) when it answers none.
   */
  context?: bigint;
}

/**
 * The public inputs every certified-readings circuit declares first: the meter, its key, what the result
 * answers (context: a request's digest in the field, 0 for none; per result like the meter, so it comes
 * before the period and the documents that results of many meters share) and the period.
 */
export const CERTIFIED_LAYOUT = [input('meterId'), input('Ax'), input('Ay'), input('context'), input('startDay'), input('days')] as const;

/** A positive integer template parameter of a circuit (K, brackets, …); the error names what it counts. */
export function circuitParam(c: CircuitConfig, name: string, what: string): number {
  const value = c.params[name];
  if (!Number.isInteger(value) || value < 1) throw new Error(`circuit ${c.id} has no ${what} ${name}`);
  return value;
}

/** Refuses a period the circuit does not serve. */
export function assertPeriodFits(p: CertifiedPeriod, c: CircuitConfig): void {
  const { maxDays, minDays } = c.params;
  if (!Number.isInteger(p.days) || p.days < minDays || p.days > maxDays) throw new Error(`circuit ${c.id} serves ${minDays}-${maxDays} days, not ${p.days}`);
  if (!Number.isInteger(p.startDay) || p.startDay < 0) throw new Error(`invalid start day ${p.startDay}`);
}

/** meterId, Ax, Ay, context, startDay, days: what a verifier rebuilds from its meter registry, the request and the period. */
export function certifiedSignalValues(p: CertifiedPeriod): { meterId: bigint; Ax: bigint; Ay: bigint; context: bigint; startDay: bigint; days: bigint } {
  return { meterId: meterIdToField(p.meterId), Ax: p.publicKey[0], Ay: p.publicKey[1], context: p.context ?? 0n, startDay: BigInt(p.startDay), days: BigInt(p.days) };
}

/**
 * The CertifiedReadings part of a witness input: the statement's meter and period, the bundle's readings
 * (zero-padded to the circuit's maxDays) and its chain state and signature.
 */
export function certifiedWitnessInput(bundle: Bundle, p: CertifiedPeriod, c: CircuitConfig): Record<string, string | string[]> {
  assertPeriodFits(p, c);
  if (bundle.startDay !== p.startDay || bundle.days !== p.days || bundle.meterId !== p.meterId) {
    throw new Error('the bundle does not cover the statement period and meter');
  }
  const slots = c.params.maxDays * SLOTS_PER_DAY;
  const dec = (x: bigint) => toField(x).toString();
  return {
    meterId: dec(meterIdToField(p.meterId)),
    Ax: dec(p.publicKey[0]),
    Ay: dec(p.publicKey[1]),
    context: dec(p.context ?? 0n),
    startDay: String(p.startDay),
    days: String(p.days),
    readings: Array.from({ length: slots }, (_, i) => String(bundle.readingsWh[i] ?? 0)),
    chainStart: dec(bundle.chainStart.value),
    pending: Array.from({ length: 12 }, (_, i) => dec(bundle.chainStart.pending[i] ?? 0n)),
    group: String(bundle.chainStart.group),
    R8x: dec(bundle.signature.R8x),
    R8y: dec(bundle.signature.R8y),
    S: dec(bundle.signature.S),
  };
}

/** Reads a small non-negative integer output (an index, a count) from a public signal. */
export function smallOutput(x: bigint, limit: number, what: string): number {
  if (x < 0n || x >= BigInt(limit)) throw new Error(`${what} ${x} is out of range`);
  return Number(x);
}
