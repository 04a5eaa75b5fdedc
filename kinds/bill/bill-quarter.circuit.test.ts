/**
 * The quarter: billing_92d (periods of 32-92 days) against the TypeScript reference on quarters, two-month
 * periods and the shortest period it serves, at the extremes of the packed products' digit bound (blocks of
 * 2,048 slots, circuits/lib/paired_inner_products.circom), and its soundness at 92 days: an edited bill does
 * not satisfy the r1cs; a tampered or dropped reading, a relabelled period, another meter's key and readings
 * after a shorter period have no witness. The shared tamper cases of CertifiedReadings run on a small
 * instance in test/circuits/certified-readings.test.ts. Costs: one compile (~2.5 min on 2 cores), no keys.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { billingWitnessInput, type BillingStatement } from './circuit.js';
import { billKind } from './kind.js';
import { computeBill } from './reference.js';
import { compileCircuit } from '../../circuits/compile.js';
import { getCircuit } from '../registry.js';
import { SNARK_FIELD } from '../../core/field.js';
import { artifactsOf } from '../../core/paths.js';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { certifyPeriod, syntheticPrices, syntheticReadings } from '../../test/support/fixtures.js';
import { readSymbols } from '../../test/support/sym.js';
import { computeWitness, editWitness, witnessFile, witnessSatisfies } from '../../test/support/witness.js';

const QUARTER = 'billing_92d';

before(async () => {
  await compileCircuit(getCircuit(QUARTER));
});
after(releaseCurve);

function statementFor(bundle: Bundle, seed = 3): BillingStatement {
  const slots = bundle.days * SLOTS_PER_DAY;
  return {
    meterId: bundle.meterId,
    publicKey: bundle.publicKey,
    startDay: bundle.startDay,
    days: bundle.days,
    standingCharge: 53_100_000n,
    prices: syntheticPrices(slots, seed).map(BigInt),
    values: syntheticPrices(slots, seed + 100).map(BigInt),
  };
}

const input = (bundle: Bundle, s = statementFor(bundle)) => billingWitnessInput(bundle, s, getCircuit(QUARTER));
const rejects = (bundle: Bundle, s = statementFor(bundle)) => assert.rejects(computeWitness(QUARTER, input(bundle, s)), /Assert Failed/);

describe('the quarter circuit agrees with the TypeScript reference', () => {
  // start days at alignments k = startDay mod 5 of 3 (2023-05-01, 2023-01-01) and 4 (2023-07-01)
  for (const [days, start] of [[32, '2023-05-01'], [59, '2023-01-01'], [92, '2023-07-01']] as const) {
    test(`${days} days from ${start}`, async () => {
      const { bundle } = await certifyPeriod({ startDay: dayOf(start), readings: syntheticReadings(days, days) });
      const s = statementFor(bundle, days);
      assert.ok(s.prices.some((p) => p < 0n), 'fixture includes negative prices');
      const w = await computeWitness(QUARTER, input(bundle, s));
      assert.deepEqual(billKind.decode(w.slice(1), s, getCircuit(QUARTER)), computeBill(bundle.readingsWh, s.prices, s.values, s.standingCharge));
    });
  }

  test('extreme values over 92 days: 16383 Wh readings at ±(2^24 - 1) mp/kWh', async () => {
    const readings = Array(92 * SLOTS_PER_DAY).fill(16383);
    const { bundle } = await certifyPeriod({ startDay: dayOf('2023-10-01'), readings });
    const max = (1n << 24n) - 1n;
    const s = { ...statementFor(bundle), prices: readings.map((_, i) => (i % 2 ? max : -max)), values: readings.map(() => max) };
    const w = await computeWitness(QUARTER, input(bundle, s));
    assert.deepEqual(billKind.decode(w.slice(1), s, getCircuit(QUARTER)), computeBill(bundle.readingsWh, s.prices, s.values, s.standingCharge));
  });
});

describe('the quarter circuit refuses what the meter did not certify', async () => {
  const quarter = await certifyPeriod({ startDay: dayOf('2023-07-01'), readings: syntheticReadings(92, 7), after: 1 });
  const edited = (f: (r: number[]) => void) => {
    const readingsWh = [...quarter.bundle.readingsWh];
    f(readingsWh);
    return { ...quarter.bundle, readingsWh };
  };

  test('an edited bill does not satisfy the r1cs (one penny lower)', async () => {
    const path = await witnessFile(QUARTER, input(quarter.bundle));
    assert.equal(await witnessSatisfies(QUARTER, path), true, 'control: the honest witness satisfies the r1cs');
    editWitness(path, readSymbols(artifactsOf(QUARTER).sym).wire('main.bill')!, -1_000_000n, SNARK_FIELD);
    assert.equal(await witnessSatisfies(QUARTER, path), false);
  });
  test('a tampered reading in the last block', () => rejects(edited((r) => (r[4400] += 1))));
  test('a dropped slot (later readings shifted down)', () => rejects(edited((r) => (r.splice(3000, 1), r.push(0)))));
  test('the period relabelled one day later', () => rejects({ ...quarter.bundle, startDay: quarter.bundle.startDay + 1 }));
  test("another meter's key", async () => {
    const other = await certifyPeriod({ startDay: dayOf('2023-07-01'), readings: syntheticReadings(1, 8), meterId: 'MTR-OTHER' });
    await rejects({ ...quarter.bundle, publicKey: other.key.publicKey });
  });
  test('a 91-day period with readings on a 92nd day', async () => {
    const short = await certifyPeriod({ startDay: dayOf('2023-07-01'), readings: syntheticReadings(91, 9), after: 2 });
    const bundle = { ...short.bundle, readingsWh: [...short.bundle.readingsWh] };
    const s = statementFor(bundle);
    const i = input(bundle, s) as { readings: string[] };
    i.readings[91 * SLOTS_PER_DAY + 5] = '100';
    await assert.rejects(computeWitness(QUARTER, i), /Assert Failed/);
  });
});
