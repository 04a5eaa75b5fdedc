import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compileCircuit } from '../../circuits/compile.js';
import { dayTypeOf, elexonPeriodProfiles, elexonPeriodProfilesKw, seasonOf } from './elexon.js';
import { classifyProfile, floatProfileClass } from './reference.js';
import { quantisedScore, signedSquaredCorrelation, sumDay } from '../../core/correlation.js';
import { profileWitnessInput, type ProfileSetStatement } from './circuit.js';
import { profileKind } from './kind.js';
import { getCircuit } from '../registry.js';
import { SNARK_FIELD } from '../../core/field.js';
import { artifactsOf } from '../../core/paths.js';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { importReadingsCsv } from '../../meter/import/readings.js';
import { releaseCurve } from '../../prover/backend.js';
import { certifyPeriod, hasSharedData, sharedFile, syntheticReadings, withReadings } from '../../test/support/fixtures.js';
import { elexonClasses, householdKwh2013, LONDON_HOUSEHOLDS, syntheticProfileShapes } from '../../test/support/profiles.js';
import { readSymbols } from '../../test/support/sym.js';
import { computeWitness, editWitness, witnessFile, witnessSatisfies, kindOutputs } from '../../test/support/witness.js';

const CIRCUITS = ['profile_1d', 'profile_7d'];

before(async () => {
  for (const id of CIRCUITS) await compileCircuit(getCircuit(id));
});
after(releaseCurve);

/** The generated profile set for a period: each shape summed over the period's days. */
const shapesFor = (days: number) => syntheticProfileShapes().map((p) => p.map((w) => w * BigInt(days)));

/** A statement of K published profiles. */
function statementFor(bundle: Bundle, profiles = shapesFor(bundle.days), scoreLevels = 100): ProfileSetStatement {
  return { meterId: bundle.meterId, publicKey: bundle.publicKey, startDay: bundle.startDay, days: bundle.days, profiles, scoreLevels, published: profiles.length };
}

/** The circuit's outputs (its public signals checked against the verifier's rebuild by kindOutputs). */
const circuitOutputs = (circuitId: string, bundle: Bundle, s: ProfileSetStatement) => kindOutputs(profileKind, circuitId, bundle, s);

/** Readings of `days` days that repeat one day shape (W per slot). */
const repeatDay = (day: readonly number[], days: number) => Array.from({ length: days * SLOTS_PER_DAY }, (_, i) => day[i % SLOTS_PER_DAY]);

describe('profile circuit agrees with the TypeScript reference', () => {
  for (const [k, levels] of [[0, 100], [2, 1000], [4, 0]] as const) {
    test(`1-day period, alignment ${k} in its 5-day group, ${levels} score levels`, async () => {
      const { bundle } = await certifyPeriod({ startDay: 19355 + k, readings: syntheticReadings(1, 40 + k), before: k + 1 });
      const s = statementFor(bundle, shapesFor(1), levels);
      const expected = classifyProfile(bundle.readingsWh, s.profiles, levels);
      assert.deepEqual(await circuitOutputs('profile_1d', bundle, s), expected);
      if (levels === 0) assert.equal(expected.score, 0);
    });
  }

  test('7-day period', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19362, readings: syntheticReadings(7, 17) });
    const s = statementFor(bundle, shapesFor(7), 1000);
    assert.deepEqual(await circuitOutputs('profile_7d', bundle, s), classifyProfile(bundle.readingsWh, s.profiles, 1000));
  });

  test('a household shaped exactly like one profile scores the full scale on it', async () => {
    const shape = syntheticProfileShapes()[5].map((w) => Number(w) * 3 + 40); // scale and offset do not change the shape
    const { bundle } = await certifyPeriod({ startDay: 19357, readings: repeatDay(shape, 1) });
    assert.deepEqual(await circuitOutputs('profile_1d', bundle, statementFor(bundle)), { index: 5, score: 100 });
  });

  test('equal correlations: the lowest index wins (a scaled, offset copy of the best profile placed later)', async () => {
    const profiles = shapesFor(1);
    profiles[6] = profiles[5].map((w) => 2n * w + 100n);
    profiles[7] = [...profiles[5]];
    const shape = syntheticProfileShapes()[5].map(Number);
    const { bundle } = await certifyPeriod({ startDay: 19357, readings: repeatDay(shape, 1) });
    const s = statementFor(bundle, profiles);
    assert.deepEqual(await circuitOutputs('profile_1d', bundle, s), { index: 5, score: 100 });
  });

  test('every profile anti-correlated: the least negative wins, the score is negative', async () => {
    const base = syntheticProfileShapes()[0];
    const profiles = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n].map((a) => base.map((w) => a * w + 7n * a));
    const inverse = base.map((w) => 2000 - Number(w));
    const { bundle } = await certifyPeriod({ startDay: 19357, readings: repeatDay(inverse, 1) });
    assert.deepEqual(await circuitOutputs('profile_1d', bundle, statementFor(bundle, profiles, 1000)), { index: 0, score: -1000 });
    profiles[3] = syntheticProfileShapes()[3]; // partly correlated: wins over the exact opposites
    const expected = classifyProfile(bundle.readingsWh, profiles, 1000);
    assert.equal(expected.index, 3);
    assert.deepEqual(await circuitOutputs('profile_1d', bundle, statementFor(bundle, profiles, 1000)), expected);
  });

  test('every profile anti-correlated, not exactly opposite: a score strictly between -L and 0', async () => {
    // a witness-hint loop once ran on to -L here (circuits/lib/similarity.circom, quantisedCorrelation)
    const base = syntheticProfileShapes()[0];
    const profiles = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n].map((a) => base.map((w) => a * w + 7n * a));
    const noisy = base.map((w, s) => 2000 - Number(w) + (s % 3) * 900);
    const { bundle } = await certifyPeriod({ startDay: 19357, readings: repeatDay(noisy, 1) });
    for (const levels of [100, 1000]) {
      const expected = classifyProfile(bundle.readingsWh, profiles, levels);
      assert.ok(expected.score < 0 && expected.score > -levels, `a negative score inside the scale: ${expected.score} of ${levels}`);
      assert.deepEqual(await circuitOutputs('profile_1d', bundle, statementFor(bundle, profiles, levels)), expected);
    }
  });

  test('a flat day (no readings, or the same reading everywhere) is profile 0 with score 0', async () => {
    for (const wh of [0, 16383]) {
      const { bundle } = await certifyPeriod({ startDay: 19357, readings: Array(SLOTS_PER_DAY).fill(wh) });
      assert.deepEqual(await circuitOutputs('profile_1d', bundle, statementFor(bundle)), { index: 0, score: 0 });
    }
  });

  test('extreme values: 16383 Wh readings against profile values at 2^20 - 1', async () => {
    const readings = Array.from({ length: 7 * SLOTS_PER_DAY }, (_, i) => (i % SLOTS_PER_DAY < 30 ? 16383 : i % 3));
    const { bundle } = await certifyPeriod({ startDay: 19362, readings });
    const top = 2n ** 20n - 1n;
    const profiles = shapesFor(7);
    profiles[2] = profiles[2].map((_, s) => (s < 29 ? top : s % 5 === 0 ? top : 0n));
    profiles[4] = profiles[4].map((_, s) => (s % 2 ? top : 1n));
    const s = statementFor(bundle, profiles, 1000);
    assert.deepEqual(await circuitOutputs('profile_7d', bundle, s), classifyProfile(readings, profiles, 1000));
  });
});

describe('profile circuit refuses cheats', () => {
  let period: Awaited<ReturnType<typeof certifyPeriod>>;
  let honest: ProfileSetStatement;
  before(async () => {
    period = await certifyPeriod({ startDay: 19357, readings: syntheticReadings(1, 5), before: 3, after: 2 });
    honest = statementFor(period.bundle);
  });
  const edited = (change: (readings: number[]) => void) => withReadings(period.bundle, change);

  test('the honest bundle passes (control)', async () => {
    await circuitOutputs('profile_1d', period.bundle, honest);
  });
  test('two slots swapped (same average-day total, another shape)', () =>
    assert.rejects(computeWitness('profile_1d', profileWitnessInput(edited((r) => ([r[3], r[40]] = [r[40], r[3]])), honest, getCircuit('profile_1d'))), /Assert Failed/));

  test('the verifier rebuilds other public signals for other profiles or another score scale', async () => {
    const c = getCircuit('profile_1d');
    const out = await circuitOutputs('profile_1d', period.bundle, honest);
    const proven = profileKind.publicSignals(honest, out, c);
    const otherProfiles = shapesFor(1);
    otherProfiles[1] = otherProfiles[1].map((w, s) => (s === 10 ? w + 1n : w));
    assert.notDeepEqual(profileKind.publicSignals({ ...honest, profiles: otherProfiles }, out, c), proven);
    assert.notDeepEqual(profileKind.publicSignals({ ...honest, scoreLevels: 10 }, out, c), proven);
  });

  test('the companion refuses statements outside the circuit widths', () => {
    const c = getCircuit('profile_1d');
    const input = (s: ProfileSetStatement) => profileWitnessInput(period.bundle, s, c);
    const flat = shapesFor(1);
    flat[3] = Array(48).fill(500n);
    assert.throws(() => input({ ...honest, profiles: flat }), /flat/);
    const big = shapesFor(1);
    big[0] = big[0].map((w, s) => (s ? w : 2n ** 20n));
    assert.throws(() => input({ ...honest, profiles: big }), /outside/);
    assert.throws(() => input({ ...honest, profiles: shapesFor(1).slice(1) }), /ranks 8 profiles/);
    assert.throws(() => input({ ...honest, scoreLevels: 1001 }), /scoreLevels/);
  });

  for (const name of ['index', 'score']) {
    test(`an edited witness (the ${name} output moved by one) does not satisfy the constraints`, async () => {
      const path = await witnessFile('profile_1d', profileWitnessInput(period.bundle, honest, getCircuit('profile_1d')));
      assert.equal(await witnessSatisfies('profile_1d', path), true, 'control: the honest witness satisfies the r1cs');
      editWitness(path, readSymbols(artifactsOf('profile_1d').sym).wire(`main.${name}`)!, 1n, SNARK_FIELD);
      assert.equal(await witnessSatisfies('profile_1d', path), false);
    });
  }
  // A prover naming another profile or another score is refused by the check templates themselves
  // (MostCorrelatedIs, QuantisedCorrelationIs): see test/circuits/lib-similarity.test.ts.
});

describe('Elexon seasons and day types', () => {
  test('2013: spring from the March change, summer from 11 May, high summer from 20 July, autumn from 2 September, winter from the October change', () => {
    const expect = [
      ['2013-03-30', 'Wtr'], ['2013-03-31', 'Spr'], ['2013-05-10', 'Spr'], ['2013-05-11', 'Smr'], ['2013-07-19', 'Smr'], ['2013-07-20', 'Hsr'],
      ['2013-09-01', 'Hsr'], ['2013-09-02', 'Aut'], ['2013-10-26', 'Aut'], ['2013-10-27', 'Wtr'], ['2013-01-01', 'Wtr'], ['2013-12-31', 'Wtr'],
    ] as const;
    for (const [date, season] of expect) assert.equal(seasonOf(dayOf(date)), season, date);
    assert.deepEqual(['2013-01-04', '2013-01-05', '2013-01-06', '2013-01-07'].map((d) => dayTypeOf(dayOf(d))), ['Wd', 'Sat', 'Sun', 'Wd']);
  });
});

describe('real data: 22 London households against the Elexon classes', { skip: !hasSharedData && 'no ../shared/data' }, () => {
  const classes = hasSharedData ? elexonClasses() : [];
  const year = dayOf('2013-01-01');

  test('a GMT winter weekday is the Wtr Wd column; a summer day is shifted one hour to UTC', () => {
    const [winter] = elexonPeriodProfiles(classes.slice(0, 1), dayOf('2013-01-08'), 1);
    assert.deepEqual(winter, classes[0].watts['Wtr Wd']);
    const [summer] = elexonPeriodProfiles(classes.slice(0, 1), dayOf('2013-06-04'), 1);
    assert.equal(summer[0], classes[0].watts['Smr Wd'][2]); // 00:00 UTC is 01:00 BST
    assert.equal(summer[47], classes[0].watts['Smr Wd'][1]); // 23:30 UTC is 00:30 BST the next day, a Wednesday
  });

  // Five households, five seasons, witness level on the 7-day instance.
  const weeks = [['MAC000002', '2013-01-07'], ['MAC000013', '2013-04-08'], ['MAC000064', '2013-06-03'], ['MAC000018', '2013-07-29'], ['MAC000075', '2013-11-04']] as const;
  for (const [household, start] of weeks) {
    test(`${household}, the week from ${start}: circuit = exact reference = floating point`, async () => {
      const startDay = dayOf(start);
      const readings = importReadingsCsv(sharedFile(`lcl-2013/${household}.csv`), { fromDay: startDay, days: 7, meterId: household, fill: 'zero' }).readingsWh;
      const { bundle } = await certifyPeriod({ startDay, readings, meterId: household });
      const s = statementFor(bundle, elexonPeriodProfiles(classes, startDay, 7), 100);
      const exact = classifyProfile(readings, s.profiles, 100);
      assert.deepEqual(await circuitOutputs('profile_7d', bundle, s), exact);
      const kwh = householdKwh2013(household).slice((startDay - year) * SLOTS_PER_DAY, (startDay - year + 7) * SLOTS_PER_DAY);
      const average = Array<number>(SLOTS_PER_DAY).fill(0);
      kwh.forEach((x, i) => (average[i % SLOTS_PER_DAY] += x / 7));
      assert.equal(floatProfileClass(average, elexonPeriodProfilesKw(classes, startDay, 7)).index, exact.index);
    });
  }

  test('agreement with the floating-point reference: every month and every week of 2013, all 22 households', () => {
    const months = Array.from({ length: 12 }, (_, m) => [Date.UTC(2013, m, 1) / 86_400_000, (Date.UTC(2013, m + 1, 1) - Date.UTC(2013, m, 1)) / 86_400_000]);
    const weeksOfYear = Array.from({ length: 52 }, (_, w) => [year + 7 * w, 7]);
    const periods = [...months, ...weeksOfYear].map(([startDay, days]) => ({
      startDay,
      days,
      exact: elexonPeriodProfiles(classes, startDay, days),
      float: elexonPeriodProfilesKw(classes, startDay, days),
    }));
    let compared = 0;
    let sameIndex = 0;
    let sameScore = 0;
    let flat = 0;
    for (const household of LONDON_HOUSEHOLDS) {
      const wh = importReadingsCsv(sharedFile(`lcl-2013/${household}.csv`), { fromDay: year, days: 365, meterId: household, fill: 'zero' }).readingsWh;
      const kwh = householdKwh2013(household);
      for (const p of periods) {
        const from = (p.startDay - year) * SLOTS_PER_DAY;
        const to = from + p.days * SLOTS_PER_DAY;
        const readings = wh.slice(from, to);
        if (readings.every((x) => x === readings[0])) {
          flat++; // no readings at all in the period (the household had left): no shape to classify
          continue;
        }
        const exact = classifyProfile(readings, p.exact, 100);
        const average = Array<number>(SLOTS_PER_DAY).fill(0);
        kwh.slice(from, to).forEach((x, i) => (average[i % SLOTS_PER_DAY] += x / p.days));
        const float = floatProfileClass(average, p.float);
        compared++;
        if (float.index === exact.index) sameIndex++;
        if (Math.floor(100 * float.correlations[float.index] + 1e-9) === exact.score) sameScore++;
      }
    }
    const rate = (n: number) => `${n}/${compared} (${((100 * n) / compared).toFixed(1)} %)`;
    console.log(`# profile class vs floating point: index ${rate(sameIndex)}, score ${rate(sameScore)}; ${flat} empty household-periods skipped`);
    assert.equal(compared, 1274);
    assert.equal(sameIndex, compared, 'the exact classification agrees with floating point on every household-period');
    assert.equal(sameScore, compared);
  });
});

describe('reference arithmetic', () => {
  test('quantised score: floor of L·ρ, also for negative and exact values', () => {
    const day = sumDay(repeatDay([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48], 1));
    const same = signedSquaredCorrelation(day, day);
    const opposite = signedSquaredCorrelation(day, day.map((x) => 100n - x));
    assert.equal(quantisedScore(same, 100), 100);
    assert.equal(quantisedScore(opposite, 100), -100);
    const partial = signedSquaredCorrelation(day, day.map((x, s) => (s % 2 ? x : 50n)));
    const rho = Math.sign(Number(partial.num)) * Math.sqrt(Math.abs(Number(partial.num)) / Number(partial.den));
    assert.equal(quantisedScore(partial, 1000), Math.floor(1000 * rho));
    assert.equal(quantisedScore({ num: -partial.num, den: partial.den }, 1000), Math.floor(-1000 * rho));
  });
});
