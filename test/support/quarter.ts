/**
 * The checks every quarter circuit (`<kind>_92d`, periods of 32-92 days) shares, on witnesses only (one
 * compile, no keys): its outputs against the kind's reference on the shortest period it serves, two months
 * and a whole quarter, and its soundness at 92 days at the level of the kinds' monthly tests — an edited
 * output does not satisfy the r1cs; a tampered or dropped reading, a relabelled period, another meter's key
 * and readings after a shorter period have no witness. A kind's quarter test file calls quarterCircuitTests
 * and adds its own cases with what it returns.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CertifiedPeriod } from '../../circuits/lib/certified_inputs.js';
import { compileCircuit, r1csInfo } from '../../circuits/compile.js';
import { placeSignals } from '../../circuits/layout.js';
import { SNARK_FIELD } from '../../core/field.js';
import { artifactsOf } from '../../core/paths.js';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import { getCircuit, type ResultKind } from '../../kinds/registry.js';
import type { Bundle } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { certifyPeriod, syntheticReadings, withReadings } from './fixtures.js';
import { computeWitness, editWitness, kindOutputs, witnessFile, witnessSatisfies } from './witness.js';

export interface QuarterOptions<S> {
  /** the statement proved over a bundle (default: the kind's example fields); `seed` varies its documents */
  statement?: (bundle: Bundle, seed: number) => S;
  /** the period's readings (default: syntheticReadings) */
  readings?: (days: number, seed: number) => number[];
}

export interface Quarter<S> {
  statementFor(bundle: Bundle, seed?: number): S;
  input(bundle: Bundle, s?: S): Record<string, unknown>;
  /** the circuit's outputs (public signals checked against the verifier's rebuild) equal the reference's */
  agrees(bundle: Bundle, s?: S): Promise<void>;
}

export function quarterCircuitTests<S extends CertifiedPeriod, O>(kind: ResultKind<S, O>, id: string, o: QuarterOptions<S> = {}): Quarter<S> {
  const c = getCircuit(id);
  assert.equal(c.params.maxDays, 92, `${id} is a quarter circuit`);
  const readings = o.readings ?? syntheticReadings;
  const statementFor = (bundle: Bundle, seed = 3): S => o.statement?.(bundle, seed) ?? kind.statement(bundle, kind.fields.parse(kind.example(bundle)), c);
  const input = (bundle: Bundle, s = statementFor(bundle)) => kind.witnessInput(bundle, s, c);
  const rejects = (bundle: Bundle, s = statementFor(bundle)) => assert.rejects(computeWitness(id, input(bundle, s)), /Assert Failed/);
  const agrees = async (bundle: Bundle, s = statementFor(bundle)) =>
    assert.deepEqual(kind.outputsJson(await kindOutputs(kind, id, bundle, s, c)), kind.outputsJson(await kind.reference(bundle, s, c)));

  before(() => compileCircuit(c));
  after(releaseCurve);

  test(`${id} keeps its constraint budget`, async () => {
    const n = (await r1csInfo(artifactsOf(id).r1cs)).nConstraints;
    assert.ok(n <= c.budget!, `${id}: ${n} constraints, budget ${c.budget}`);
  });

  describe(`${id} agrees with the ${kind.kind} reference`, () => {
    // start days at alignments k = startDay mod 5 of 3 (2023-05-01, 2023-01-01) and 4 (2023-07-01)
    for (const [days, start] of [[32, '2023-05-01'], [59, '2023-01-01'], [92, '2023-07-01']] as const) {
      test(`${days} days from ${start}`, async () => {
        const { bundle } = await certifyPeriod({ startDay: dayOf(start), readings: readings(days, days) });
        await agrees(bundle, statementFor(bundle, days));
      });
    }
  });

  describe(`${id} refuses what the meter did not certify`, async () => {
    const quarter = await certifyPeriod({ startDay: dayOf('2023-07-01'), readings: readings(92, 7), after: 1 });

    test('an edited output does not satisfy the r1cs (the first value of each output, + 1)', async () => {
      const honest = input(quarter.bundle);
      assert.equal(await witnessSatisfies(id, await witnessFile(id, honest)), true, 'control: the honest witness satisfies the r1cs');
      for (const output of placeSignals(kind.layout, c).filter((s) => s.output)) {
        const path = await witnessFile(id, honest);
        editWitness(path, 1 + output.offset, 1n, SNARK_FIELD);
        assert.equal(await witnessSatisfies(id, path), false, `${output.name} + 1 satisfies the constraints`);
      }
    });
    test('a tampered reading in the last block', () => rejects(withReadings(quarter.bundle, (r) => (r[4400] += 1))));
    test('a dropped slot (later readings shifted down)', () => rejects(withReadings(quarter.bundle, (r) => (r.splice(3000, 1), r.push(0)))));
    test('the period relabelled one day later', () => rejects({ ...quarter.bundle, startDay: quarter.bundle.startDay + 1 }));
    test("another meter's key", async () => {
      const other = await certifyPeriod({ startDay: dayOf('2023-07-01'), readings: syntheticReadings(1, 8), meterId: 'MTR-OTHER' });
      await rejects({ ...quarter.bundle, publicKey: other.key.publicKey });
    });
    test('a 91-day period with readings on a 92nd day', async () => {
      const short = await certifyPeriod({ startDay: dayOf('2023-07-01'), readings: readings(91, 9), after: 2 });
      const i = input(short.bundle) as { readings: string[] };
      i.readings[91 * SLOTS_PER_DAY + 5] = '100';
      await assert.rejects(computeWitness(id, i), /Assert Failed/);
    });
  });

  return { statementFor, input, agrees };
}
