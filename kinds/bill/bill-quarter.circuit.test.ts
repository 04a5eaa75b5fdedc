/**
 * The quarter: billing_92d (periods of 32-92 days) through the shared quarter checks (test/support/quarter.ts:
 * the reference on 32, 59 and 92 days, soundness at 92 days), here with negative prices, and at the extremes
 * of the packed products' digit bound (blocks of 2,048 slots, circuits/lib/paired_inner_products.circom).
 * The shared tamper cases of CertifiedReadings run on a small instance in
 * test/circuits/certified-readings.test.ts. Costs: one compile (~1-2.5 min on 2 cores), no keys.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BillingStatement } from './circuit.js';
import { billKind } from './kind.js';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { certifyPeriod, syntheticPrices } from '../../test/support/fixtures.js';
import { quarterCircuitTests } from '../../test/support/quarter.js';

function statementFor(bundle: Bundle, seed: number): BillingStatement {
  const slots = bundle.days * SLOTS_PER_DAY;
  const prices = syntheticPrices(slots, seed).map(BigInt);
  assert.ok(prices.some((p) => p < 0n), 'fixture includes negative prices');
  return { meterId: bundle.meterId, publicKey: bundle.publicKey, startDay: bundle.startDay, days: bundle.days, standingCharge: 53_100_000n, prices, values: syntheticPrices(slots, seed + 100).map(BigInt) };
}

const quarter = quarterCircuitTests(billKind, 'billing_92d', { statement: statementFor });

test('extreme values over 92 days: 16383 Wh readings at ±(2^24 - 1) mp/kWh', async () => {
  const readings = Array(92 * SLOTS_PER_DAY).fill(16383);
  const { bundle } = await certifyPeriod({ startDay: dayOf('2023-10-01'), readings });
  const max = (1n << 24n) - 1n;
  await quarter.agrees(bundle, { ...statementFor(bundle, 1), prices: readings.map((_, i) => (i % 2 ? max : -max)), values: readings.map(() => max) });
});
