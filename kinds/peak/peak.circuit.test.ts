/**
 * The peak kind's own cases: ties (the first day reaching the peak is the one certified), flat and extreme
 * days, periods shorter than the circuit, and what a cheating prover would name instead of the true peak
 * — a lower reading, a later tied day, a day of the padding after a short period, two days or no half-hour —
 * refused by the witness generator and, on edited witnesses, by the r1cs. The generic harness
 * (test/circuits/kinds.test.ts) covers the layout, reference agreement on generated and real readings,
 * edited outputs, --inspect and the budget.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CircuitConfig } from '../../circuits/config.js';
import { compileCircuit } from '../../circuits/compile.js';
import { SNARK_FIELD } from '../../core/field.js';
import { artifactsOf } from '../../core/paths.js';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { certifyPeriod, syntheticReadings } from '../../test/support/fixtures.js';
import { readSymbols } from '../../test/support/sym.js';
import { computeWitness, editWitness, witnessFile, witnessRefused, witnessSatisfies } from '../../test/support/witness.js';
import { getCircuit } from '../registry.js';
import { peakWitnessInput } from './circuit.js';
import { peakKind } from './kind.js';
import { computePeak } from './reference.js';

// A 1-3-day instance (not declared in kind.ts) for periods shorter than the circuit, as on the monthly one.
const SHORT: CircuitConfig = { ...getCircuit('peak_7d'), id: 'test/kinds-peak_1-3d', params: { maxDays: 3, minDays: 1 }, budget: undefined };
const WEEK = getCircuit('peak_7d');
const START = dayOf('2023-03-06');

before(async () => {
  for (const c of [WEEK, SHORT]) await compileCircuit(c);
});
after(releaseCurve);

async function certified(readings: number[]): Promise<Bundle> {
  return (await certifyPeriod({ startDay: START, readings })).bundle;
}

/** The circuit's outputs for a bundle (decoded by the kind, as a verifier reads them). */
async function circuitPeak(c: CircuitConfig, bundle: Bundle) {
  const w = await computeWitness(c.id, peakWitnessInput(bundle, bundle, c));
  return peakKind.decode(w.slice(1, 1 + peakKind.signalCount(c)), bundle, c);
}

/** The honest witness input with the selectors moved to (day, half-hour). */
function naming(bundle: Bundle, c: CircuitConfig, day: number, slot: number): Record<string, unknown> {
  return {
    ...peakWitnessInput(bundle, bundle, c),
    atDay: Array.from({ length: c.params.maxDays }, (_, d) => (d === day ? '1' : '0')),
    atSlot: Array.from({ length: SLOTS_PER_DAY }, (_, h) => (h === slot ? '1' : '0')),
  };
}

describe('peak circuit agrees with the reference', () => {
  test('7 days of generated readings', async () => {
    const bundle = await certified(syntheticReadings(7, 11));
    assert.deepEqual(await circuitPeak(WEEK, bundle), computePeak(bundle.readingsWh, START));
  });
  test('a tie: the first day reaching the peak is certified', async () => {
    const readings = syntheticReadings(7, 12).map((r) => Math.min(r, 900));
    readings[2 * 48 + 40] = 4000;
    readings[5 * 48 + 3] = 4000;
    const bundle = await certified(readings);
    assert.deepEqual(await circuitPeak(WEEK, bundle), { peak: 4000n, peakDay: START + 2 });
  });
  test('extremes: all zero (the first day), and 16383 Wh in the last half-hour of the period', async () => {
    assert.deepEqual(await circuitPeak(WEEK, await certified(Array(7 * 48).fill(0))), { peak: 0n, peakDay: START });
    const readings = Array(7 * 48).fill(5);
    readings[7 * 48 - 1] = 16383;
    assert.deepEqual(await circuitPeak(WEEK, await certified(readings)), { peak: 16383n, peakDay: START + 6 });
  });
  test('periods of 1, 2 and 3 days on a 1-3-day circuit', async () => {
    for (const days of [1, 2, 3]) {
      const bundle = await certified(syntheticReadings(days, 20 + days));
      assert.deepEqual(await circuitPeak(SHORT, bundle), computePeak(bundle.readingsWh, START), `${days} days`);
    }
  });
});

describe('peak circuit refuses another peak than the true one', () => {
  let bundle: Bundle;
  let truth: { day: number; slot: number };
  before(async () => {
    const readings = syntheticReadings(7, 13).map((r) => Math.min(r, 900));
    readings[1 * 48 + 30] = 3000; // the peak, first reached on day 1…
    readings[4 * 48 + 30] = 3000; // …and again on day 4
    readings[3 * 48 + 10] = 2999; // the runner-up
    bundle = await certified(readings);
    truth = { day: 1, slot: 30 };
  });
  const rejects = (input: Record<string, unknown>, c = WEEK) => witnessRefused(c.id, input);

  test('the honest selectors pass (control)', async () => void (await computeWitness(WEEK.id, naming(bundle, WEEK, truth.day, truth.slot))));
  test('a tied half-hour on the same day would also do (the outputs are the same)', async () => {
    const readings = [...bundle.readingsWh];
    readings[1 * 48 + 31] = 3000;
    const tied = await certified(readings);
    await computeWitness(WEEK.id, naming(tied, WEEK, 1, 31));
  });
  test('the later day of a tie', () => rejects(naming(bundle, WEEK, 4, 30)));
  test('the runner-up reading', () => rejects(naming(bundle, WEEK, 3, 10)));
  test('two days at once', () => {
    const input = naming(bundle, WEEK, 1, 30);
    (input.atDay as string[])[4] = '1';
    return rejects(input);
  });
  test('no half-hour at all', () => rejects({ ...naming(bundle, WEEK, 1, 30), atSlot: Array(48).fill('0') }));
  test('a zero of the padding after a short period (a 2-day period on the 1-3-day circuit)', async () => {
    const zeros = await certified(Array(2 * 48).fill(0));
    await computeWitness(SHORT.id, naming(zeros, SHORT, 0, 0)); // control: the first day of the period
    await rejects(naming(zeros, SHORT, 2, 0), SHORT);
  });
});

describe('peak circuit: edited witnesses do not satisfy the r1cs', () => {
  let bundle: Bundle;
  before(async () => {
    bundle = await certified(syntheticReadings(7, 14));
  });
  const wire = (name: string) => {
    const index = readSymbols(artifactsOf(WEEK.id).sym).wire(`main.${name}`);
    assert.ok(index !== undefined, `no wire main.${name}`);
    return index;
  };
  test('the peak lowered by 1 Wh, or the peak day moved, alone or with the day selectors moved with it', async () => {
    const { peakDay } = computePeak(bundle.readingsWh, START);
    const day = peakDay - START;
    const other = (day + 1) % 7;
    const edits: [string, [string, bigint][]][] = [
      ['peak - 1', [['peak', -1n]]],
      ['peakDay + 1', [['peakDay', 1n]]],
      ['the day selectors moved to another day', [[`atDay[${day}]`, -1n], [`atDay[${other}]`, 1n]]],
      ['peakDay and the day selectors moved together', [['peakDay', BigInt(other - day)], [`atDay[${day}]`, -1n], [`atDay[${other}]`, 1n]]],
    ];
    for (const [what, changes] of edits) {
      const path = await witnessFile(WEEK.id, peakWitnessInput(bundle, bundle, WEEK));
      assert.equal(await witnessSatisfies(WEEK.id, path), true, 'control');
      for (const [name, delta] of changes) editWitness(path, wire(name), delta, SNARK_FIELD);
      assert.equal(await witnessSatisfies(WEEK.id, path), false, what);
    }
  });
});
