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
import { importReadingsCsv } from '../../meter/import/readings.js';
import { importTariff } from '../../tariff/import.js';
import { pricesForPeriod } from '../../tariff/prices.js';
import { certifyPeriod, hasSharedData, sharedFile, syntheticPrices, syntheticReadings } from '../../test/support/fixtures.js';
import { readSymbols } from '../../test/support/sym.js';
import { computeWitness, editWitness, witnessFile, witnessSatisfies } from '../../test/support/witness.js';

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
  const c = getCircuit(circuitId);
  const w = await computeWitness(circuitId, billingWitnessInput(bundle, s, c));
  return billKind.decode(w.slice(1), s, c);
}

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

describe('billing circuit refuses an edited bill', () => {
  test('an edited witness does not satisfy the constraints', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19357, readings: syntheticReadings(1, 5), before: 3, after: 2 });
    const path = await witnessFile('billing_1d', billingWitnessInput(bundle, statementFor(bundle), getCircuit('billing_1d')));
    assert.equal(await witnessSatisfies('billing_1d', path), true, 'control: the honest witness satisfies the r1cs');
    editWitness(path, readSymbols(artifactsOf('billing_1d').sym).wire('main.bill')!, -1_000_000n, SNARK_FIELD); // one penny lower for the household
    assert.equal(await witnessSatisfies('billing_1d', path), false);
  });
});

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
