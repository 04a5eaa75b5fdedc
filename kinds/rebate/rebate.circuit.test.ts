import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compileCircuit, inspectCircuit } from '../../circuits/compile.js';
import { parseRebateScheme, rebateWitnessInput, type RebateScheme, type RebateStatement } from './circuit.js';
import { rebateKind } from './kind.js';
import { computeRebate } from './reference.js';
import { exampleDocument } from '../examples.js';
import { getCircuit } from '../registry.js';
import type { CircuitConfig } from '../../circuits/config.js';
import { SNARK_FIELD } from '../../core/field.js';
import { SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { certifyPeriod, hasSharedData, syntheticReadings, certifiedRealPeriod, REAL_HOUSEHOLDS } from '../../test/support/fixtures.js';
import { computeWitness, editedInput, editWitness, witnessFile, witnessRefused, witnessSatisfies } from '../../test/support/witness.js';
import { readSymbols } from '../../test/support/sym.js';
import { artifactsOf } from '../../core/paths.js';

// A 1-3-day instance (not declared in kind.ts) to exercise periods shorter than the circuit, as on the
// 28-31-day monthly circuit, without compiling that one in CI.
const SHORT: CircuitConfig = { ...getCircuit('rebate_7d'), id: 'test/kinds-rebate_3d', params: { maxDays: 3, minDays: 1, brackets: 4 } };
const circuitOf = (id: string) => (id === SHORT.id ? SHORT : getCircuit(id));

before(async () => {
  for (const c of [getCircuit('rebate_1d'), getCircuit('rebate_7d'), SHORT]) await compileCircuit(c);
});
after(releaseCurve);

// the shipped example: threshold 10 kWh/day; 4, 6, 9, then 15 p/kWh for savings from 0, 2, 5 and 8 kWh
const SCHEME: RebateScheme = parseRebateScheme(exampleDocument('rebate-scheme'));

const statementFor = (bundle: Bundle, scheme = SCHEME): RebateStatement => ({ meterId: bundle.meterId, publicKey: bundle.publicKey, startDay: bundle.startDay, days: bundle.days, scheme });
const reference = (readings: readonly number[], scheme = SCHEME) => computeRebate(readings, scheme.baselineWh, scheme.brackets.map((b) => ({ fromWh: b.fromWh, rate: b.rate })));

async function circuitRebate(id: string, bundle: Bundle, s: RebateStatement): Promise<bigint> {
  const w = await computeWitness(id, rebateWitnessInput(bundle, s, circuitOf(id)));
  return rebateKind.decode(w.slice(1, 1 + rebateKind.signalCount(circuitOf(id))), s, circuitOf(id)).rebate;
}
const rejects = witnessRefused;

/** One day of 48 readings summing to exactly `total` Wh (total <= 48 × 16383). */
function dayWithTotal(total: number, seed: number): number[] {
  const shape = syntheticReadings(1, seed).map((x) => x + 1);
  const sum = shape.reduce((a, b) => a + b, 0);
  const day = shape.map((x) => Math.min(16383, Math.floor((x * total) / sum)));
  let rest = total - day.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % 48) {
    const add = Math.min(rest, 16383 - day[i]);
    day[i] += add;
    rest -= add;
  }
  return day;
}

describe('rebate circuit agrees with the TypeScript reference', () => {
  // Savings 0 (above, at the threshold), inside every bracket and on every bracket boundary.
  const dailyTotals = [10_000, 10_001, 25_000, 9_999, 8_000, 7_999, 5_000, 3_000, 2_001, 2_000, 1_999, 0, 400];
  for (const total of dailyTotals) {
    test(`1 day consuming ${total} Wh (saving ${Math.max(0, 10_000 - total)} Wh)`, async () => {
      const readings = dayWithTotal(total, total + 1);
      const { bundle } = await certifyPeriod({ startDay: 19357 + (total % 5), readings, before: 1 + (total % 5) });
      assert.equal(await circuitRebate('rebate_1d', bundle, statementFor(bundle)), reference(readings));
    });
  }

  test('7 days mixing saving and non-saving days', async () => {
    const readings = [3_000, 12_000, 9_500, 0, 10_000, 6_543, 15_000].flatMap((t, d) => dayWithTotal(t, d + 3));
    const { bundle } = await certifyPeriod({ startDay: 19362, readings });
    const expected = reference(readings);
    assert.ok(expected > 0n);
    assert.equal(await circuitRebate('rebate_7d', bundle, statementFor(bundle)), expected);
  });

  test('a scheme with fewer brackets than the circuit (padded) and a dead zone', async () => {
    const scheme = parseRebateScheme({ format: 'meterproof-rebate-scheme/1', id: 'two', name: 'two brackets', currency: 'GBP', thresholdWhPerDay: 7_000, brackets: [{ fromWh: 500, rate: 2_500 }, { fromWh: 3_000, rate: 7_000 }] });
    const readings = syntheticReadings(7, 21);
    const { bundle } = await certifyPeriod({ startDay: 19362, readings });
    assert.equal(await circuitRebate('rebate_7d', bundle, statementFor(bundle, scheme)), reference(readings, scheme));
  });

  test('brackets starting at and above the threshold (never reached: lowered to it, same rebate)', async () => {
    const scheme = parseRebateScheme({ format: 'meterproof-rebate-scheme/1', id: 'high', name: 'high', currency: 'GBP', thresholdWhPerDay: 6_000, brackets: [{ fromWh: 0, rate: 1_000 }, { fromWh: 2_000, rate: 3_000 }, { fromWh: 6_000, rate: 50_000 }, { fromWh: 9_000, rate: 90_000 }] });
    const readings = [0, 1, 3_999, 4_000, 4_001, 6_000, 7_000].flatMap((t, d) => dayWithTotal(t, d + 60));
    const { bundle } = await certifyPeriod({ startDay: 19362, readings });
    assert.equal(await circuitRebate('rebate_7d', bundle, statementFor(bundle, scheme)), reference(readings, scheme));
  });

  test('extremes: the widest threshold and rates, empty and full days', async () => {
    const top = 2 ** 20 - 1;
    const scheme = parseRebateScheme({ format: 'meterproof-rebate-scheme/1', id: 'max', name: 'max', currency: 'GBP', thresholdWhPerDay: top, brackets: [{ fromWh: 0, rate: 1 }, { fromWh: top - 1, rate: 2 ** 24 - 1 }, { fromWh: top, rate: 2 ** 24 - 1 }] });
    const readings = [0, 786_384, 1, 0, 786_384, 300_000, 0].flatMap((t, d) => dayWithTotal(t, d + 40));
    const { bundle } = await certifyPeriod({ startDay: 19362, readings });
    assert.equal(await circuitRebate('rebate_7d', bundle, statementFor(bundle, scheme)), reference(readings, scheme));
  });

  for (const days of [1, 2, 3]) {
    test(`a ${days}-day period on a 1-3-day circuit: days after the period earn nothing`, async () => {
      const readings = syntheticReadings(days, days).map((x) => Math.floor(x / 4)); // well below the threshold
      const { bundle } = await certifyPeriod({ startDay: 19360, readings });
      const expected = reference(readings);
      assert.ok(expected > 0n);
      assert.equal(await circuitRebate(SHORT.id, bundle, statementFor(bundle)), expected);
    });
  }
});

describe('rebate circuit refuses cheats', () => {
  let period: Awaited<ReturnType<typeof certifyPeriod>>;
  let honest: RebateStatement;
  let input: Record<string, string | string[]>;
  before(async () => {
    period = await certifyPeriod({ startDay: 19357, readings: dayWithTotal(4_321, 9), before: 3, after: 2 });
    honest = statementFor(period.bundle);
    input = rebateWitnessInput(period.bundle, honest, getCircuit('rebate_1d'));
  });
  const withInput = (change: (i: Record<string, string | string[]>) => void) => editedInput(input, change);

  test('the honest input passes (control)', async () => void (await computeWitness('rebate_1d', input)));
  test('a lowered reading (a larger saving)', () => rejects('rebate_1d', withInput((i) => ((i.readings as string[])[30] = String(Number((i.readings as string[])[30]) - 1)))));
  test('a short period claimed on the 1-3-day circuit with the last day dropped', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19360, readings: syntheticReadings(3, 8) });
    const s = statementFor(bundle);
    const cut = rebateWitnessInput(bundle, s, SHORT);
    cut.days = '2'; // the third day's readings stay: a 2-day claim must have zero readings after day 2
    await rejects(SHORT.id, cut);
    (cut.readings as string[]).fill('0', 96); // and with them zeroed, the signature (on 3 days) fails
    await rejects(SHORT.id, cut);
  });
  test('a scheme with decreasing rates (not convex) has no witness', () => rejects('rebate_1d', withInput((i) => (i.bracketRate = ['4000', '6000', '5000', '15000']))));
  test('a scheme with decreasing bracket starts has no witness', () => rejects('rebate_1d', withInput((i) => (i.bracketStart = ['0', '5000', '2000', '8000']))));
  test('a threshold beyond 20 bits has no witness', () => rejects('rebate_1d', withInput((i) => (i.threshold = String(2 ** 20)))));

  test('an edited witness: the proof made for one threshold presented with another', async () => {
    const path = await witnessFile('rebate_1d', input);
    assert.equal(await witnessSatisfies('rebate_1d', path), true, 'control: the honest witness satisfies the r1cs');
    editWitness(path, readSymbols(artifactsOf('rebate_1d').sym).wire('main.threshold')!, 1_000n, SNARK_FIELD);
    assert.equal(await witnessSatisfies('rebate_1d', path), false);
  });
  test('an edited witness: a bracket rate raised (a scheme more generous than the published one)', async () => {
    const path = await witnessFile('rebate_1d', input);
    editWitness(path, readSymbols(artifactsOf('rebate_1d').sym).wire('main.bracketRate[0]')!, 1n, SNARK_FIELD);
    assert.equal(await witnessSatisfies('rebate_1d', path), false);
  });
  test('the verifier rebuilds other public signals for another scheme', () => {
    const c = getCircuit('rebate_1d');
    const out = { rebate: reference(period.bundle.readingsWh) };
    const other = { ...SCHEME, brackets: SCHEME.brackets.map((b, k) => (k === 3 ? { ...b, rate: b.rate + 1n } : b)) };
    assert.notDeepEqual(rebateKind.publicSignals(honest, out, c), rebateKind.publicSignals({ ...honest, scheme: other }, out, c));
  });
});

describe('companion checks', () => {
  test('the public signals the verifier rebuilds equal the witness public signals', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19362, readings: syntheticReadings(7, 5) });
    const s = statementFor(bundle);
    const c = getCircuit('rebate_7d');
    const w = await computeWitness(c.id, rebateWitnessInput(bundle, s, c));
    assert.deepEqual(w.slice(1, 1 + rebateKind.signalCount(c)), rebateKind.publicSignals(s, { rebate: reference(bundle.readingsWh) }, c));
  });
  test('schemes that are not convex or not in range are refused when parsed', () => {
    const base = { format: 'meterproof-rebate-scheme/1', id: 'x', name: 'x', currency: 'GBP', thresholdWhPerDay: 5000 };
    assert.throws(() => parseRebateScheme({ ...base, brackets: [{ fromWh: 0, rate: 5 }, { fromWh: 10, rate: 4 }] }), /must not decrease/);
    assert.throws(() => parseRebateScheme({ ...base, brackets: [{ fromWh: 10, rate: 5 }, { fromWh: 10, rate: 6 }] }), /must increase/);
    assert.throws(() => parseRebateScheme({ ...base, thresholdWhPerDay: 2 ** 20, brackets: [{ fromWh: 0, rate: 5 }] }), /2\^20/);
    assert.throws(() => parseRebateScheme({ ...base, brackets: [] }));
    assert.throws(() => rebateWitnessInput({} as Bundle, { meterId: 'M', publicKey: [0n, 0n], startDay: 1, days: 1, scheme: { ...SCHEME, brackets: [...SCHEME.brackets, { fromWh: 9_000, rate: 16_000n }] } }, getCircuit('rebate_1d')), /1 to 4/);
  });
});

// The generic harness runs --inspect on the 1-day instance; SHORT adds the variable period length.
test('circom2 --inspect reports nothing unjustified on a variable-length instance', async () => assert.deepEqual(await inspectCircuit(SHORT), []));

describe('real data: London households, one week of March 2013 on the 7-day circuit', { skip: !hasSharedData && 'no ../shared/data' }, () => {
  for (const household of REAL_HOUSEHOLDS) {
    test(household, async () => {
      const { readings, bundle } = await certifiedRealPeriod(household, '2013-03-04', 7);
      assert.equal(readings.length, 7 * SLOTS_PER_DAY);
      assert.equal(await circuitRebate('rebate_7d', bundle, statementFor(bundle)), reference(readings));
    });
  }
});
