import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compileCircuit } from '../../circuits/compile.js';
import { getCircuit } from '../registry.js';
import type { CircuitConfig } from '../../circuits/config.js';
import { unpackSignals } from '../../circuits/layout.js';
import { describeTotals, subPeriods, TOTALS_LAYOUT, totalsWitnessInput, type TotalsStatement } from './circuit.js';
import { totalsKind } from './kind.js';
import { computeSubPeriodTotals } from './reference.js';
import { SNARK_FIELD } from '../../core/field.js';
import { artifactsOf } from '../../core/paths.js';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { certifyPeriod, hasSharedData, syntheticReadings, certifiedRealPeriod, REAL_HOUSEHOLDS } from '../../test/support/fixtures.js';
import { readSymbols } from '../../test/support/sym.js';
import { computeWitness, editedInput, editWitness, witnessFile, witnessRefused, witnessSatisfies } from '../../test/support/witness.js';

// Instances not declared in kind.ts, to exercise what the monthly circuit does (weekly totals, periods
// shorter than the circuit) without compiling it in CI: 8-10 days in totals of 3 days.
const SHORT: CircuitConfig = { ...getCircuit('totals_7d'), id: 'test/kinds-totals_10d', params: { maxDays: 10, minDays: 8, daysPerTotal: 3 }, budget: undefined };
const circuitOf = (id: string) => (id === SHORT.id ? SHORT : getCircuit(id));

before(async () => {
  for (const c of [getCircuit('totals_1d'), getCircuit('totals_7d'), SHORT]) await compileCircuit(c);
});
after(releaseCurve);

const statementFor = (b: Bundle): TotalsStatement => ({ meterId: b.meterId, publicKey: b.publicKey, startDay: b.startDay, days: b.days });

async function circuitTotals(id: string, bundle: Bundle): Promise<{ totals: bigint[]; raw: bigint[] }> {
  const c = circuitOf(id);
  const s = statementFor(bundle);
  const w = await computeWitness(id, totalsWitnessInput(bundle, s, c));
  return { totals: totalsKind.decode(w.slice(1), s, c).totals, raw: unpackSignals(TOTALS_LAYOUT, c, w.slice(1)).total };
}

describe('totals circuit agrees with the TypeScript reference', () => {
  test('1 day', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19359, readings: syntheticReadings(1, 4), before: 4 });
    assert.deepEqual((await circuitTotals('totals_1d', bundle)).totals, computeSubPeriodTotals(bundle.readingsWh, 1));
  });
  test('7 days, one total per day', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19362, readings: syntheticReadings(7, 13) });
    assert.deepEqual((await circuitTotals('totals_7d', bundle)).totals, computeSubPeriodTotals(bundle.readingsWh, 1));
  });
  test('extremes: empty days and days of 16383 Wh in every slot', async () => {
    const readings = [0, 16383, 0, 16383, 1, 16382, 0].flatMap((v) => Array(SLOTS_PER_DAY).fill(v));
    const { bundle } = await certifyPeriod({ startDay: 19362, readings });
    assert.deepEqual((await circuitTotals('totals_7d', bundle)).totals, [0n, 786_384n, 0n, 786_384n, 48n, 786_336n, 0n]);
  });
  for (const days of [8, 9, 10]) {
    test(`${days} days in totals of 3 days on an 8-10-day circuit (a partial last total, zero after the period)`, async () => {
      const { bundle } = await certifyPeriod({ startDay: 19356, readings: syntheticReadings(days, days) });
      const { totals, raw } = await circuitTotals(SHORT.id, bundle);
      assert.deepEqual(totals, computeSubPeriodTotals(bundle.readingsWh, 3));
      assert.equal(totals.length, Math.ceil(days / 3));
      assert.deepEqual(raw.slice(totals.length), Array(4 - totals.length).fill(0n), 'outputs after the period are 0');
    });
  }
});

describe('totals circuit refuses cheats', () => {
  let period: Awaited<ReturnType<typeof certifyPeriod>>;
  let input: Record<string, string | string[]>;
  before(async () => {
    period = await certifyPeriod({ startDay: 19362, readings: syntheticReadings(7, 2), before: 3, after: 2 });
    input = totalsWitnessInput(period.bundle, statementFor(period.bundle), getCircuit('totals_7d'));
  });
  const withInput = (change: (i: Record<string, string | string[]>) => void) => editedInput(input, change);
  const rejects = (i: Record<string, unknown>) => witnessRefused('totals_7d', i);

  test('the honest input passes (control)', async () => void (await computeWitness('totals_7d', input)));
  test('consumption moved from one day to the next (same period total)', () =>
    rejects(withInput((i) => {
      const r = i.readings as string[];
      r[47] = String(Number(r[47]) - 1);
      r[48] = String(Number(r[48]) + 1);
    })));
  test('an edited witness: one daily total lowered, another raised', async () => {
    const path = await witnessFile('totals_7d', input);
    assert.equal(await witnessSatisfies('totals_7d', path), true, 'control: the honest witness satisfies the r1cs');
    const sym = readSymbols(artifactsOf('totals_7d').sym);
    editWitness(path, sym.wire('main.total[1]')!, -500n, SNARK_FIELD); // total of day 2
    editWitness(path, sym.wire('main.total[2]')!, 500n, SNARK_FIELD); // total of day 3
    assert.equal(await witnessSatisfies('totals_7d', path), false);
  });
});

describe('companion checks', () => {
  test('the public signals the verifier rebuilds equal the witness public signals, also on a short period', async () => {
    for (const [c, days] of [[getCircuit('totals_7d'), 7], [SHORT, 8]] as const) {
      const { bundle } = await certifyPeriod({ startDay: 19356, readings: syntheticReadings(days, 3) });
      const s = statementFor(bundle);
      const w = await computeWitness(c.id, totalsWitnessInput(bundle, s, c));
      const out = { totals: computeSubPeriodTotals(bundle.readingsWh, c.params.daysPerTotal) };
      assert.deepEqual(w.slice(1, 1 + totalsKind.signalCount(c)), totalsKind.publicSignals(s, out, c));
    }
  });
  test('sub-periods, names and descriptions of the monthly weekly totals', () => {
    const c = getCircuit('totals_31d');
    assert.equal(totalsKind.outputCount(c), 5);
    const feb = { meterId: 'MAC000002', publicKey: [1n, 2n] as [bigint, bigint], startDay: dayOf('2023-02-01'), days: 28 };
    assert.deepEqual(subPeriods(feb, c).map((p) => p.days), [7, 7, 7, 7]);
    assert.deepEqual(subPeriods({ ...feb, days: 31 }, c).map((p) => p.days), [7, 7, 7, 7, 3]);
    assert.equal(totalsKind.signalName(4, c), 'total[4]');
    assert.equal(totalsKind.signalName(5, c), 'meterId');
    assert.deepEqual(describeTotals(feb, { totals: [1n, 2n, 3n, 4n] }, c)[3], '2023-02-22..2023-02-28: 4 Wh');
    assert.throws(() => totalsKind.publicSignals(feb, { totals: [1n, 2n, 3n, 4n, 0n] }, c), /has 4 totals/);
  });
});

describe('real data: London households, one week of March 2013 on the 7-day circuit', { skip: !hasSharedData && 'no ../shared/data' }, () => {
  for (const household of REAL_HOUSEHOLDS) {
    test(household, async () => {
      const { readings, bundle } = await certifiedRealPeriod(household, '2013-03-04', 7);
      assert.deepEqual((await circuitTotals('totals_7d', bundle)).totals, computeSubPeriodTotals(readings, 1));
    });
  }
});
