import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compareTariffs, tariffBill, type ComparedTariff } from './reference.js';
import { COMPARE_LAYOUT, compareWitnessInput, type CompareStatement } from './circuit.js';
import { compareKind } from './kind.js';
import { placeSignals } from '../../circuits/layout.js';
import { compileCircuit } from '../../circuits/compile.js';
import { getCircuit } from '../registry.js';
import { SNARK_FIELD } from '../../core/field.js';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { importReadingsCsv } from '../../meter/import/readings.js';
import { releaseCurve } from '../../prover/backend.js';
import { importTariff } from '../../tariff/import.js';
import { parseTariff } from '../../tariff/model.js';
import { pricesForPeriod, standingChargeForPeriod } from '../../tariff/prices.js';
import { certifyPeriod, hasSharedData, sharedFile, syntheticPrices, syntheticReadings, withReadings } from '../../test/support/fixtures.js';
import { editWitness, witnessFile, witnessRefused, witnessSatisfies, kindOutputs } from '../../test/support/witness.js';

const CIRCUITS = ['compare_1d', 'compare_7d'];

before(async () => {
  for (const id of CIRCUITS) await compileCircuit(getCircuit(id));
});
after(releaseCurve);

/** Four generated tariffs for `slots` slots: flat, night/day, dynamic (negative half-hours), evening peak. */
function syntheticTariffs(slots: number, seed = 1): ComparedTariff[] {
  const per = (f: (s: number) => number) => Array.from({ length: slots }, (_, i) => BigInt(f(i % SLOTS_PER_DAY)));
  const days = BigInt(slots / SLOTS_PER_DAY);
  return [
    { prices: per(() => 24_500), standingCharge: 53_100_000n * days },
    { prices: per((s) => (s >= 1 && s < 15 ? 9_000 : 31_000)), standingCharge: 48_000_000n * days },
    { prices: syntheticPrices(slots, seed).map(BigInt), standingCharge: 45_000_000n * days },
    { prices: per((s) => (s >= 32 && s < 38 ? 42_000 : 19_000)), standingCharge: 61_000_000n * days },
  ];
}

function statementFor(bundle: Bundle, tariffs = syntheticTariffs(bundle.days * SLOTS_PER_DAY), current = 0): CompareStatement {
  return { meterId: bundle.meterId, publicKey: bundle.publicKey, startDay: bundle.startDay, days: bundle.days, tariffs, current };
}

/** The circuit's outputs (its public signals checked against the verifier's rebuild by kindOutputs). */
const circuitOutputs = (circuitId: string, bundle: Bundle, s: CompareStatement) => kindOutputs(compareKind, circuitId, bundle, s);

const rejects = witnessRefused;

describe('tariff comparison circuit agrees with the TypeScript reference', () => {
  for (let k = 0; k < 4; k++) {
    test(`1-day period, alignment ${k}, current tariff ${k}`, async () => {
      const { bundle } = await certifyPeriod({ startDay: 19355 + k, readings: syntheticReadings(1, 60 + k), before: k + 1 });
      const s = statementFor(bundle, syntheticTariffs(SLOTS_PER_DAY, k + 2), k);
      assert.ok(s.tariffs[2].prices.some((p) => p < 0n), 'fixture includes negative prices');
      assert.deepEqual(await circuitOutputs('compare_1d', bundle, s), compareTariffs(bundle.readingsWh, s.tariffs, k));
    });
  }

  test('7-day period', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19362, readings: syntheticReadings(7, 12) });
    const s = statementFor(bundle, syntheticTariffs(7 * SLOTS_PER_DAY, 9), 3);
    assert.deepEqual(await circuitOutputs('compare_7d', bundle, s), compareTariffs(bundle.readingsWh, s.tariffs, 3));
  });

  test('equal bills: the lowest index is the cheapest, and a current tariff tied with it saves nothing', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19357, readings: syntheticReadings(1, 8) });
    const tariffs = syntheticTariffs(SLOTS_PER_DAY);
    tariffs[0] = { prices: tariffs[0].prices.map(() => 99_000n), standingCharge: 0n }; // the dearest
    const best = compareTariffs(bundle.readingsWh, tariffs, 0).cheapest; // one of 1..3
    const twin = best === 3 ? 1 : 3;
    tariffs[twin] = { ...tariffs[best] };
    const current = Math.max(best, twin);
    const s = statementFor(bundle, tariffs, current);
    const expected = { cheapest: Math.min(best, twin), saving: 0n };
    assert.deepEqual(compareTariffs(bundle.readingsWh, tariffs, current), expected);
    assert.deepEqual(await circuitOutputs('compare_1d', bundle, s), expected);
  });

  test('negative bills (export-like negative prices): the most negative bill is the cheapest', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19357, readings: syntheticReadings(1, 4) });
    const tariffs = syntheticTariffs(SLOTS_PER_DAY);
    tariffs[1] = { prices: tariffs[1].prices.map((p) => -p), standingCharge: 0n };
    tariffs[2] = { prices: tariffs[2].prices.map(() => -20_000n), standingCharge: 0n };
    const expected = compareTariffs(bundle.readingsWh, tariffs, 0);
    assert.ok(tariffBill(bundle.readingsWh, tariffs[expected.cheapest]) < 0n);
    assert.deepEqual(await circuitOutputs('compare_1d', bundle, statementFor(bundle, tariffs, 0)), expected);
  });

  test('extreme values: 16383 Wh readings at ±(2^24 - 1) mp/kWh and a 2^40 - 1 µp standing charge', async () => {
    const readings = Array(7 * SLOTS_PER_DAY).fill(16383);
    const { bundle } = await certifyPeriod({ startDay: 19362, readings });
    const max = 2n ** 24n - 1n;
    const tariffs: ComparedTariff[] = [
      { prices: readings.map(() => max), standingCharge: 2n ** 40n - 1n },
      { prices: readings.map(() => -max), standingCharge: 0n },
      { prices: readings.map((_, i) => (i % 2 ? max : -max)), standingCharge: 2n ** 40n - 1n },
      { prices: readings.map(() => -max), standingCharge: 1n },
    ];
    const expected = compareTariffs(readings, tariffs, 0);
    assert.deepEqual(expected.cheapest, 1);
    assert.deepEqual(await circuitOutputs('compare_7d', bundle, statementFor(bundle, tariffs, 0)), expected);
  });
});

describe('tariff comparison circuit rejects what the meter did not certify, and cheats', () => {
  let period: Awaited<ReturnType<typeof certifyPeriod>>;
  let honest: CompareStatement;
  const input = (bundle: Bundle, s: CompareStatement) => compareWitnessInput(bundle, s, getCircuit('compare_1d'));
  before(async () => {
    period = await certifyPeriod({ startDay: 19357, readings: syntheticReadings(1, 5), before: 3, after: 2 });
    honest = statementFor(period.bundle, syntheticTariffs(SLOTS_PER_DAY), 2);
  });
  const edited = (change: (readings: number[]) => void) => withReadings(period.bundle, change);

  test('the honest bundle passes (control)', async () => {
    await circuitOutputs('compare_1d', period.bundle, honest);
  });
  test('a reading moved to a cheaper half-hour', () => rejects('compare_1d', input(edited((r) => ((r[2] += r[40]), (r[40] = 0))), honest)));

  test('a current-tariff index outside the K tariffs has no witness', async () => {
    await rejects('compare_1d', { ...input(period.bundle, honest), current: '4' });
    assert.throws(() => input(period.bundle, { ...honest, current: 4 }), /not one of the 4/);
  });

  for (const [name, what] of [['cheapest', 'the cheapest index'], ['saving', 'the saving']] as const) {
    test(`an edited witness (${what} moved by one) does not satisfy the constraints`, async () => {
      const path = await witnessFile('compare_1d', input(period.bundle, honest));
      assert.equal(await witnessSatisfies('compare_1d', path), true, 'control: the honest witness satisfies the r1cs');
      const wire = 1 + placeSignals(COMPARE_LAYOUT, getCircuit('compare_1d')).find((p) => p.name === name)!.offset; // wire 0 is the constant 1
      editWitness(path, wire, 1n, SNARK_FIELD);
      assert.equal(await witnessSatisfies('compare_1d', path), false);
    });
  }
  // A prover naming a dearer tariff as the cheapest is refused by ArgMaxOf (test/circuits/lib.test.ts).

  test('the verifier rebuilds other public signals for other tariffs, another order or another current tariff', async () => {
    const c = getCircuit('compare_1d');
    const out = await circuitOutputs('compare_1d', period.bundle, honest);
    const proven = compareKind.publicSignals(honest, out, c);
    const [a, b, ...rest] = honest.tariffs;
    assert.notDeepEqual(compareKind.publicSignals({ ...honest, tariffs: [b, a, ...rest] }, out, c), proven);
    assert.notDeepEqual(compareKind.publicSignals({ ...honest, current: 1 }, out, c), proven);
    assert.notDeepEqual(compareKind.publicSignals({ ...honest, tariffs: [{ ...a, standingCharge: a.standingCharge + 1n }, b, ...rest] }, out, c), proven);
  });

  test('the companion refuses statements outside the circuit widths', () => {
    const t = honest.tariffs;
    assert.throws(() => input(period.bundle, { ...honest, tariffs: t.slice(1) }), /compares 4 tariffs/);
    assert.throws(() => input(period.bundle, { ...honest, tariffs: [{ ...t[0], standingCharge: 2n ** 40n }, ...t.slice(1)] }), /standing charge/);
    assert.throws(() => input(period.bundle, { ...honest, tariffs: [{ ...t[0], prices: t[0].prices.map(() => 2n ** 24n) }, ...t.slice(1)] }), /beyond/);
  });
});

describe('real data: London households, four real and realistic tariffs', { skip: !hasSharedData && 'no ../shared/data' }, () => {
  // 0: the trial's standard flat rate (14.228 p/kWh, the households' current tariff); 1: the trial's real
  // 2013 dynamic time-of-use signal; 2: Octopus Agile prices of the same weekdays in 2023, re-based onto
  // 2013; 3: an Economy 7 tariff on UK local time. Standing charges in mp/day.
  const economy7 = parseTariff({
    format: 'meterproof-tariff/1',
    id: 'economy-7-test',
    name: 'Economy 7 (test)',
    currency: 'GBP',
    standingChargePerDay: 16_000,
    pricing: {
      type: 'tou',
      timeZone: 'Europe/London',
      bands: [
        { days: ['weekday', 'weekend', 'holiday'], from: '00:00', to: '00:30', price: 17_500 },
        { days: ['weekday', 'weekend', 'holiday'], from: '00:30', to: '07:30', price: 6_900 },
        { days: ['weekday', 'weekend', 'holiday'], from: '07:30', to: '24:00', price: 17_500 },
      ],
    },
  });
  function realTariffs(startDay: number, days: number, agileStart: number): ComparedTariff[] {
    const flat = parseTariff({ format: 'meterproof-tariff/1', id: 'lcl-standard', name: 'LCL standard', currency: 'GBP', standingChargePerDay: 15_000, pricing: { type: 'flat', price: 14_228 } });
    const dtou = importTariff('lcl-dtou', sharedFile('tariffs/lcl-dtou-2013.csv'), { standingChargePerDay: 15_000 });
    const agile = importTariff('agile', sharedFile('tariffs/agile-2023.csv'), { standingChargePerDay: 46_360 });
    return [
      { prices: pricesForPeriod(flat, startDay, days), standingCharge: standingChargeForPeriod(flat, startDay, days) },
      { prices: pricesForPeriod(dtou, startDay, days), standingCharge: standingChargeForPeriod(dtou, startDay, days) },
      { prices: pricesForPeriod(agile, agileStart, days), standingCharge: standingChargeForPeriod(agile, agileStart, days) },
      { prices: pricesForPeriod(economy7, startDay, days), standingCharge: standingChargeForPeriod(economy7, startDay, days) },
    ];
  }
  // Weeks starting on a Monday; the Agile week starts on the Monday 10 years (3,647 days = 521 weeks) later.
  const weeks = [['MAC000002', '2013-01-07'], ['MAC000006', '2013-03-04'], ['MAC000013', '2013-06-10'], ['MAC000064', '2013-08-19'], ['MAC000082', '2013-11-11']] as const;
  for (const [household, start] of weeks) {
    test(`${household}, the week from ${start} on the 7-day circuit`, async () => {
      const startDay = dayOf(start);
      const readings = importReadingsCsv(sharedFile(`lcl-2013/${household}.csv`), { fromDay: startDay, days: 7, meterId: household, fill: 'zero' }).readingsWh;
      const { bundle } = await certifyPeriod({ startDay, readings, meterId: household });
      const s = statementFor(bundle, realTariffs(startDay, 7, startDay + 3647), 0);
      assert.deepEqual(await circuitOutputs('compare_7d', bundle, s), compareTariffs(readings, s.tariffs, 0));
    });
  }
});
