import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { billingWitnessInput, type BillingStatement } from './circuit.js';
import { computeBill } from './reference.js';
import { compileCircuit } from '../../circuits/compile.js';
import { getCircuit } from '../registry.js';
import { fromFieldSigned, SNARK_FIELD } from '../../core/field.js';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import { assembleBundle, type Bundle } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { importReadingsCsv } from '../../meter/import/readings.js';
import { importTariff } from '../../tariff/import.js';
import { pricesForPeriod } from '../../tariff/prices.js';
import { certifyPeriod, hasSharedData, sharedFile, syntheticPrices, syntheticReadings } from '../../test/support/fixtures.js';
import { computeWitness, editWitness, witnessFile, witnessSatisfies } from '../../test/support/witness.js';
import { inspectionTests } from '../../test/support/circuit-checks.js';

const CIRCUITS = ['billing_1d', 'billing_7d', 'billing_31d'];

before(async () => {
  for (const id of CIRCUITS) await compileCircuit(getCircuit(id));
});
after(releaseCurve);

function statementFor(bundle: Bundle, seed = 3, standingCharge = 53_100_000n): BillingStatement {
  const slots = bundle.days * SLOTS_PER_DAY;
  return {
    meterId: bundle.meterId,
    publicKey: bundle.publicKey,
    startDay: bundle.startDay,
    days: bundle.days,
    standingCharge,
    prices: syntheticPrices(slots, seed).map(BigInt),
    values: syntheticPrices(slots, seed + 100).map(BigInt),
  };
}

async function circuitOutputs(circuitId: string, bundle: Bundle, s: BillingStatement) {
  const w = await computeWitness(circuitId, billingWitnessInput(bundle, s, getCircuit(circuitId)));
  return { bill: fromFieldSigned(w[1]), settlement: fromFieldSigned(w[2]), consumption: fromFieldSigned(w[3]) };
}

const rejects = (circuitId: string, bundle: Bundle, s: BillingStatement) =>
  assert.rejects(computeWitness(circuitId, billingWitnessInput(bundle, s, getCircuit(circuitId))), /Assert Failed/);

describe('billing circuit agrees with the TypeScript reference', () => {
  // 2023-01-02 is day 19359; day mod 5 runs through every alignment of a period inside its 5-day group.
  for (let k = 0; k < 5; k++) {
    test(`1-day period with alignment ${k} in its 5-day group`, async () => {
      const startDay = 19355 + k;
      const { bundle } = await certifyPeriod({ startDay, readings: syntheticReadings(1, k + 1), before: k + 1 });
      const s = statementFor(bundle, k);
      assert.ok(s.prices.some((p) => p < 0n), 'fixture includes negative prices');
      assert.deepEqual(await circuitOutputs('billing_1d', bundle, s), computeBill(bundle.readingsWh, s.prices, s.values, s.standingCharge));
    });
  }

  test('7-day period', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19362, readings: syntheticReadings(7, 11) });
    const s = statementFor(bundle);
    assert.deepEqual(await circuitOutputs('billing_7d', bundle, s), computeBill(bundle.readingsWh, s.prices, s.values, s.standingCharge));
  });

  for (const [days, start] of [[28, '2023-02-01'], [29, '2024-02-01'], [30, '2023-04-01'], [31, '2023-03-01']] as const) {
    test(`${days}-day month on the 31-day circuit`, async () => {
      const { bundle } = await certifyPeriod({ startDay: dayOf(start), readings: syntheticReadings(days, days) });
      const s = statementFor(bundle, days);
      assert.deepEqual(await circuitOutputs('billing_31d', bundle, s), computeBill(bundle.readingsWh, s.prices, s.values, s.standingCharge));
    });
  }

  test('extreme values: 16383 Wh readings at ±(2^24 - 1) mp/kWh', async () => {
    const readings = Array(7 * SLOTS_PER_DAY).fill(16383);
    const { bundle } = await certifyPeriod({ startDay: 19362, readings });
    const max = (1n << 24n) - 1n;
    const s = { ...statementFor(bundle), prices: readings.map((_, i) => (i % 2 ? max : -max)), values: readings.map(() => max) };
    assert.deepEqual(await circuitOutputs('billing_7d', bundle, s), computeBill(bundle.readingsWh, s.prices, s.values, s.standingCharge));
  });
});

describe('billing circuit rejects what the meter did not certify', () => {
  let period: Awaited<ReturnType<typeof certifyPeriod>>;
  let honest: BillingStatement;
  before(async () => {
    period = await certifyPeriod({ startDay: 19357, readings: syntheticReadings(1, 5), before: 3, after: 2 });
    honest = statementFor(period.bundle);
  });
  const edited = (change: (readings: number[]) => void): Bundle => {
    const readingsWh = [...period.bundle.readingsWh];
    change(readingsWh);
    return { ...period.bundle, readingsWh };
  };

  test('the honest bundle passes (control)', async () => {
    await computeWitness('billing_1d', billingWitnessInput(period.bundle, honest, getCircuit('billing_1d')));
  });
  test('a tampered reading', () => rejects('billing_1d', edited((r) => (r[17] += 1)), honest));
  test('a dropped slot (later readings shifted down)', () => rejects('billing_1d', edited((r) => (r.splice(9, 1), r.push(0))), honest));
  test('a duplicated slot', () => rejects('billing_1d', edited((r) => (r[21] = r[20])), honest));
  test('two slots reordered', () => rejects('billing_1d', edited((r) => ([r[3], r[40]] = [r[40], r[3]])), honest));
  test('a reading over 14 bits that packs to the same element (range check)', async () => {
    const bundle = edited((r) => {
      r[0] += 16384; // carries into the next 14-bit digit…
      r[1] -= 1; // …which is lowered to keep the packed element, and so the signature, unchanged
    });
    assert.ok(period.bundle.readingsWh[1] >= 1);
    await rejects('billing_1d', bundle, honest);
  });
  test('readings of another day (period relabelled)', async () => {
    const nextDay = assembleBundle(period.key.meterId, period.key.publicKey, period.records, 19358, 1);
    const relabelled = { ...nextDay, readingsWh: period.bundle.readingsWh };
    await rejects('billing_1d', relabelled, { ...honest, startDay: 19358 });
  });
  test('a period shifted by a whole 5-day group', async () => {
    await rejects('billing_1d', { ...period.bundle, startDay: 19362, chainStart: { ...period.bundle.chainStart, group: period.bundle.chainStart.group + 1 } }, { ...honest, startDay: 19362 });
  });
  test("another meter's key", async () => {
    const other = await certifyPeriod({ startDay: 19357, readings: period.bundle.readingsWh, before: 3, meterId: period.key.meterId });
    await rejects('billing_1d', { ...period.bundle, publicKey: other.key.publicKey }, { ...honest, publicKey: other.key.publicKey });
  });
  test('another meter id under the same key', () => rejects('billing_1d', { ...period.bundle, meterId: 'MTR-OTHER' }, { ...honest, meterId: 'MTR-OTHER' }));
  test('a forged signature scalar', () => rejects('billing_1d', { ...period.bundle, signature: { ...period.bundle.signature, S: period.bundle.signature.S + 1n } }, honest));
  test('a forged chain start', () => rejects('billing_1d', { ...period.bundle, chainStart: { ...period.bundle.chainStart, value: period.bundle.chainStart.value + 1n } }, honest));

  test('non-zero readings after a short month on the 31-day circuit', async () => {
    const { bundle } = await certifyPeriod({ startDay: dayOf('2023-02-01'), readings: syntheticReadings(28, 4) });
    const s = statementFor(bundle);
    const input = billingWitnessInput(bundle, s, getCircuit('billing_31d'));
    (input.readings as string[])[28 * SLOTS_PER_DAY + 5] = '7';
    await assert.rejects(computeWitness('billing_31d', input), /Assert Failed/);
  });

  test('an edited witness does not satisfy the constraints', async () => {
    const path = await witnessFile('billing_1d', billingWitnessInput(period.bundle, honest, getCircuit('billing_1d')));
    assert.equal(await witnessSatisfies('billing_1d', path), true, 'control: the honest witness satisfies the r1cs');
    editWitness(path, 1, 1_000_000n, SNARK_FIELD); // the bill output, one penny lower for the household
    assert.equal(await witnessSatisfies('billing_1d', path), false);
  });
});

inspectionTests(CIRCUITS);

describe('real data: London households, real Agile prices (negative half-hours included)', { skip: !hasSharedData && 'no ../shared/data' }, () => {
  // Agile's December 2023 import and export prices (70 negative half-hours), re-based onto the
  // households' January 2013 slots.
  const agileDay = dayOf('2023-12-01');
  for (const household of ['MAC000002', 'MAC000013', 'MAC000064']) {
    test(`${household}, January 2013 on the 31-day circuit`, async () => {
      const startDay = dayOf('2013-01-01');
      const readings = importReadingsCsv(sharedFile(`lcl-2013/${household}.csv`), { fromDay: startDay, days: 31, meterId: household, fill: 'zero' }).readingsWh;
      const { bundle } = await certifyPeriod({ startDay, readings, meterId: household });
      const csv = sharedFile('tariffs/agile-2023.csv');
      const importPrices = pricesForPeriod(importTariff('agile', csv), agileDay, 31);
      const exportPrices = pricesForPeriod(importTariff('agile', csv, { column: 'export' }), agileDay, 31);
      const s = { ...statementFor(bundle), prices: importPrices, values: exportPrices };
      assert.deepEqual(await circuitOutputs('billing_31d', bundle, s), computeBill(readings, s.prices, s.values, s.standingCharge));
    });
  }
  test('the Agile month used has negative import prices', () => {
    const t = importTariff('agile', sharedFile('tariffs/agile-2023.csv'));
    assert.equal(pricesForPeriod(t, agileDay, 31).filter((p) => p < 0n).length, 70);
  });
});
