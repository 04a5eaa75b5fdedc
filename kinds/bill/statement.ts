/**
 * A bill statement from the documents a verifier knows: the meter, the period, the supplier's tariff and
 * the grid's value-of-energy vector. Prover and verifier build it the same way, so the public inputs of
 * a proof can be checked against published documents instead of being trusted.
 */
import type { BillingStatement } from './circuit.js';
import { SLOTS_PER_DAY } from '../../core/time.js';
import { pricesForPeriod, standingChargeForPeriod, type Tariff } from '../../tariff/index.js';

export interface StatementDocuments {
  meterId: string;
  publicKey: [bigint, bigint];
  startDay: number;
  days: number;
  tariff: Tariff;
  /** the grid's value of energy; without it the settlement output is 0 */
  valueOfEnergy: Tariff | null;
}

export function billingStatement(d: StatementDocuments): BillingStatement {
  if (d.tariff.kind !== 'tariff') throw new Error(`"${d.tariff.id}" is a ${d.tariff.kind} document, not a tariff`);
  if (d.valueOfEnergy && d.valueOfEnergy.kind !== 'value-of-energy') throw new Error(`"${d.valueOfEnergy.id}" is not a value-of-energy vector`);
  return {
    meterId: d.meterId,
    publicKey: d.publicKey,
    startDay: d.startDay,
    days: d.days,
    standingCharge: standingChargeForPeriod(d.tariff, d.startDay, d.days),
    prices: pricesForPeriod(d.tariff, d.startDay, d.days),
    values: d.valueOfEnergy ? pricesForPeriod(d.valueOfEnergy, d.startDay, d.days) : Array(d.days * SLOTS_PER_DAY).fill(0n),
  };
}
