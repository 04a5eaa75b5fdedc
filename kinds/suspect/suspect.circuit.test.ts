import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compileCircuit } from '../../circuits/compile.js';
import { quantisedScore, signedSquaredCorrelation, sumDay } from '../../core/correlation.js';
import { getCircuit } from '../registry.js';
import { suspectMatch } from './reference.js';
import { suspectWitnessInput, type SuspectStatement } from './circuit.js';
import { suspectKind } from './kind.js';
import { SNARK_FIELD } from '../../core/field.js';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { importReadingsCsv } from '../../meter/import/readings.js';
import { releaseCurve } from '../../prover/backend.js';
import { certifyPeriod, hasSharedData, sharedFile, syntheticReadings } from '../../test/support/fixtures.js';
import { syntheticProfileShapes } from '../../test/support/profiles.js';
import { editWitness, witnessFile, witnessSatisfies, kindOutputs } from '../../test/support/witness.js';

const CIRCUITS = ['suspect_1d', 'suspect_7d'];

before(async () => {
  for (const id of CIRCUITS) await compileCircuit(getCircuit(id));
});
after(releaseCurve);

/** A suspect day shape: twelve hours of heavy load, twelve hours of base load (indoor growing lights). */
const LIGHTS = syntheticProfileShapes()[7];

function statementFor(bundle: Bundle, minPermille: number, pattern: readonly bigint[] = LIGHTS): SuspectStatement {
  return { meterId: bundle.meterId, publicKey: bundle.publicKey, startDay: bundle.startDay, days: bundle.days, pattern, minPermille };
}

/** The circuit's match bit (its public signals checked against the verifier's rebuild by kindOutputs). */
const circuitMatch = async (circuitId: string, bundle: Bundle, s: SuspectStatement) => (await kindOutputs(suspectKind, circuitId, bundle, s)).match;

/** floor(1000 ρ) of the readings' average day with the pattern: the highest threshold that still matches. */
const permille = (readings: readonly number[], pattern: readonly bigint[]) => quantisedScore(signedSquaredCorrelation(sumDay(readings), pattern), 1000);

describe('suspect circuit agrees with the TypeScript reference', () => {
  test('1-day period, thresholds on both sides of the correlation', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19356, readings: syntheticReadings(1, 23), before: 1 });
    const q = permille(bundle.readingsWh, LIGHTS);
    for (const t of [-1000, q - 1, q, q + 1, 1000]) {
      const expected = suspectMatch(bundle.readingsWh, LIGHTS, t);
      assert.equal(expected, t <= q);
      assert.equal(await circuitMatch('suspect_1d', bundle, statementFor(bundle, t)), expected, `threshold ${t}`);
    }
  });

  test('7-day period of a grow-light household matches at 0.9', async () => {
    const readings = Array.from({ length: 7 * SLOTS_PER_DAY }, (_, i) => Number(LIGHTS[i % SLOTS_PER_DAY]) + ((i * 7919) % 301));
    const { bundle } = await certifyPeriod({ startDay: 19362, readings });
    assert.equal(suspectMatch(readings, LIGHTS, 900), true);
    assert.equal(await circuitMatch('suspect_7d', bundle, statementFor(bundle, 900)), true);
    const ordinary = await certifyPeriod({ startDay: 19362, readings: syntheticReadings(7, 3) });
    assert.equal(await circuitMatch('suspect_7d', ordinary.bundle, statementFor(ordinary.bundle, 900)), suspectMatch(ordinary.bundle.readingsWh, LIGHTS, 900));
  });

  test('the exact shape matches even at 1000 per mille; its opposite only at -1000', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19357, readings: LIGHTS.map((w) => Number(w) * 5 + 3) });
    assert.equal(await circuitMatch('suspect_1d', bundle, statementFor(bundle, 1000)), true);
    const opposite = await certifyPeriod({ startDay: 19357, readings: LIGHTS.map((w) => 3000 - Number(w)) });
    assert.equal(await circuitMatch('suspect_1d', opposite.bundle, statementFor(opposite.bundle, -999)), false);
    assert.equal(await circuitMatch('suspect_1d', opposite.bundle, statementFor(opposite.bundle, -1000)), true);
  });

  test('a flat day (correlation 0) matches exactly the thresholds at or below 0', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19357, readings: Array(SLOTS_PER_DAY).fill(0) });
    for (const t of [-1, 0, 1]) assert.equal(await circuitMatch('suspect_1d', bundle, statementFor(bundle, t)), t <= 0, `threshold ${t}`);
  });

  test('extreme values: 16383 Wh readings against a pattern at 2^20 - 1', async () => {
    const readings = Array.from({ length: 7 * SLOTS_PER_DAY }, (_, i) => (i % SLOTS_PER_DAY >= 12 && i % SLOTS_PER_DAY < 36 ? 16383 : (i * 13) % 97));
    const { bundle } = await certifyPeriod({ startDay: 19362, readings });
    const pattern = LIGHTS.map((_, s) => (s >= 13 && s < 36 ? 2n ** 20n - 1n : 0n));
    const q = permille(readings, pattern);
    for (const t of [q, q + 1]) assert.equal(await circuitMatch('suspect_7d', bundle, statementFor(bundle, t, pattern)), suspectMatch(readings, pattern, t));
  });
});

describe('suspect circuit rejects what the meter did not certify, and cheats', () => {
  let period: Awaited<ReturnType<typeof certifyPeriod>>;
  let honest: SuspectStatement;
  before(async () => {
    period = await certifyPeriod({ startDay: 19357, readings: syntheticReadings(1, 5), before: 3, after: 2 });
    honest = statementFor(period.bundle, 200);
  });

  test('the honest bundle passes (control)', async () => {
    await circuitMatch('suspect_1d', period.bundle, honest);
  });

  test('a flipped match bit (the household claiming "no match") does not satisfy the constraints', async () => {
    const q = permille(period.bundle.readingsWh, LIGHTS);
    const s = statementFor(period.bundle, q); // matches, just
    assert.equal(await circuitMatch('suspect_1d', period.bundle, s), true);
    const path = await witnessFile('suspect_1d', suspectWitnessInput(period.bundle, s, getCircuit('suspect_1d')));
    assert.equal(await witnessSatisfies('suspect_1d', path), true, 'control: the honest witness satisfies the r1cs');
    editWitness(path, 1, -1n, SNARK_FIELD);
    assert.equal(await witnessSatisfies('suspect_1d', path), false);
  });

  test('the verifier rebuilds other public signals for another pattern or threshold', async () => {
    const c = getCircuit('suspect_1d');
    const out = { match: await circuitMatch('suspect_1d', period.bundle, honest) };
    const proven = suspectKind.publicSignals(honest, out, c);
    assert.notDeepEqual(suspectKind.publicSignals({ ...honest, minPermille: 201 }, out, c), proven);
    assert.notDeepEqual(suspectKind.publicSignals({ ...honest, pattern: LIGHTS.map((w, s) => (s ? w : w + 1n)) }, out, c), proven);
  });

  test('the companion refuses a flat pattern and thresholds outside -1000..1000', () => {
    const c = getCircuit('suspect_1d');
    assert.throws(() => suspectWitnessInput(period.bundle, { ...honest, pattern: Array(48).fill(7n) }, c), /flat/);
    assert.throws(() => suspectWitnessInput(period.bundle, { ...honest, minPermille: 1001 }, c), /cut-off/);
    assert.throws(() => suspectWitnessInput(period.bundle, { ...honest, minPermille: 0.5 }, c), /cut-off/);
  });
});

describe('real data: London households against a grow-light pattern', { skip: !hasSharedData && 'no ../shared/data' }, () => {
  const weeks = [['MAC000002', '2013-02-04'], ['MAC000005', '2013-03-11'], ['MAC000010', '2013-05-13'], ['MAC000019', '2013-09-16'], ['MAC000044', '2013-12-02']] as const;
  for (const [household, start] of weeks) {
    test(`${household}, the week from ${start}: the bit flips exactly at the reference correlation`, async () => {
      const startDay = dayOf(start);
      const readings = importReadingsCsv(sharedFile(`lcl-2013/${household}.csv`), { fromDay: startDay, days: 7, meterId: household, fill: 'zero' }).readingsWh;
      const { bundle } = await certifyPeriod({ startDay, readings, meterId: household });
      const q = permille(readings, LIGHTS);
      for (const t of [q, q + 1]) assert.equal(await circuitMatch('suspect_7d', bundle, statementFor(bundle, t)), t === q);
    });
  }
});
