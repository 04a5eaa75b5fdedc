/**
 * TypeScript side of billing.circom: the public layout (what a verifier rebuilds from the tariff and value
 * vector it knows) and the witness input a prover feeds the circuit.
 */
import { toField } from '../../core/field.js';
import { SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { input, output, type PublicLayout } from '../../circuits/layout.js';
import { assertPeriodFits, CERTIFIED_LAYOUT, certifiedSignalValues, certifiedWitnessInput, type CertifiedPeriod } from '../../circuits/lib/certified_inputs.js';
import type { CircuitConfig } from '../../circuits/config.js';
import { MAX_ABS_PRICE } from '../../core/units.js';

const LANE = 50n;

/** Everything public about a bill proof except its outputs. */
export interface BillingStatement extends CertifiedPeriod {
  /** µp for the whole period */
  standingCharge: bigint;
  /** mp/kWh per slot of the period */
  prices: readonly bigint[];
  /** mp/kWh per slot of the period (the grid's value of energy; zeros when none is given) */
  values: readonly bigint[];
}

export interface BillingOutputs {
  bill: bigint;
  settlement: bigint;
  consumption: bigint;
}

function assertLaneValue(x: bigint, what: string, slot: number): void {
  const max = BigInt(MAX_ABS_PRICE);
  if (x > max || x < -max) throw new Error(`${what} of slot ${slot} is beyond ±${MAX_ABS_PRICE} mp/kWh`);
}

/** Two slots per public input: w = p_a + 2^50 p_b + 2^100 v_a + 2^150 v_b (mod r), zero-padded to the circuit size. */
export function packWeights(prices: readonly bigint[], values: readonly bigint[], maxDays: number): bigint[] {
  const pairs = (maxDays * SLOTS_PER_DAY) / 2;
  if (prices.length !== values.length || prices.length > 2 * pairs) throw new Error('price and value vectors do not fit the circuit');
  return Array.from({ length: pairs }, (_, i) => {
    const [a, b] = [2 * i, 2 * i + 1];
    const pa = prices[a] ?? 0n, pb = prices[b] ?? 0n, va = values[a] ?? 0n, vb = values[b] ?? 0n;
    assertLaneValue(pa, 'price', a);
    assertLaneValue(pb, 'price', b);
    assertLaneValue(va, 'value', a);
    assertLaneValue(vb, 'value', b);
    return toField(pa + (pb << LANE) + (va << (2n * LANE)) + (vb << (3n * LANE)));
  });
}

function assertStatementFits(s: BillingStatement, c: CircuitConfig): void {
  assertPeriodFits(s, c);
  if (s.prices.length !== s.days * SLOTS_PER_DAY || s.values.length !== s.days * SLOTS_PER_DAY) {
    throw new Error(`prices and values must cover the ${s.days * SLOTS_PER_DAY} slots of the period`);
  }
}

/** Public inputs holding the tariff and value vectors: two slots each. */
const weightCount = (c: CircuitConfig) => (c.params.maxDays * SLOTS_PER_DAY) / 2;

/** The public signals: bill, settlement, consumption, the certified period, the standing charge and the packed weights. */
export const BILLING_LAYOUT: PublicLayout = [output('bill'), output('settlement'), output('consumption'), ...CERTIFIED_LAYOUT, input('standingCharge'), input('weights', weightCount, (j) => `slots ${2 * j} and ${2 * j + 1}`)];

/** Every public signal's value by name. */
export function billingSignalValues(s: BillingStatement, out: BillingOutputs, c: CircuitConfig) {
  assertStatementFits(s, c);
  return {
    bill: toField(out.bill),
    settlement: toField(out.settlement),
    consumption: toField(out.consumption),
    ...certifiedSignalValues(s),
    standingCharge: toField(s.standingCharge),
    weights: packWeights(s.prices, s.values, c.params.maxDays),
  };
}

/** The witness input: the statement's public part plus the bundle's private readings, chain state and signature. */
export function billingWitnessInput(bundle: Bundle, s: BillingStatement, c: CircuitConfig): Record<string, string | string[]> {
  assertStatementFits(s, c);
  return {
    ...certifiedWitnessInput(bundle, s, c),
    standingCharge: toField(s.standingCharge).toString(),
    weights: packWeights(s.prices, s.values, c.params.maxDays).map(String),
  };
}
