/**
 * The shared certified-readings template (circuits/lib/certified_readings.circom), which every kind's
 * circuit starts with, refuses what the meter did not certify: edited, dropped, duplicated or reordered
 * readings, a relabelled or shifted period, another meter's key or id, a forged signature or chain start,
 * readings after a short period, a witness presented with another request's context. Checked once here
 * for all kinds — by the witness generator's asserts and, on edited witnesses, by the r1cs itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CircuitConfig } from '../../circuits/config.js';
import { compileCircuit } from '../../circuits/compile.js';
import { CERTIFIED_LAYOUT, certifiedWitnessInput, type CertifiedPeriod } from '../../circuits/lib/certified_inputs.js';
import { SNARK_FIELD } from '../../core/field.js';
import { artifactsOf } from '../../core/paths.js';
import { SLOTS_PER_DAY } from '../../core/time.js';
import { assembleBundle, type Bundle } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { certifyPeriod, syntheticReadings, withReadings } from '../support/fixtures.js';
import { readSymbols } from '../support/sym.js';
import { computeWitness, editWitness, witnessFile, witnessSatisfies } from '../support/witness.js';

const instance = (maxDays: number, minDays: number): CircuitConfig => ({
  id: `test/certified-readings_${minDays}-${maxDays}d`,
  kind: 'certified-readings',
  source: 'circuits/lib/certified_readings.circom',
  template: 'CertifiedReadings',
  params: { maxDays, minDays },
  public: CERTIFIED_LAYOUT.map((s) => s.name),
});
const ONE_DAY = instance(1, 1);
const SHORT = instance(3, 1);

before(async () => {
  for (const c of [ONE_DAY, SHORT]) await compileCircuit(c);
});
after(releaseCurve);

const inputOf = (bundle: Bundle, statement: CertifiedPeriod = bundle, c = ONE_DAY) => certifiedWitnessInput(bundle, statement, c);
const rejects = (bundle: Bundle, statement: CertifiedPeriod = bundle, c = ONE_DAY) => assert.rejects(computeWitness(c.id, inputOf(bundle, statement, c)), /Assert Failed/);

describe('certified readings: the witness generator refuses what the meter did not certify', () => {
  let period: Awaited<ReturnType<typeof certifyPeriod>>;
  before(async () => {
    // a period 3 days into its 5-day group: the proof replays the group's earlier elements
    period = await certifyPeriod({ startDay: 19357, readings: syntheticReadings(1, 5), before: 3, after: 2 });
  });
  const edited = (change: (readings: number[]) => void) => withReadings(period.bundle, change);

  test('the honest bundle passes (control)', async () => void (await computeWitness(ONE_DAY.id, inputOf(period.bundle))));
  test('a tampered reading', () => rejects(edited((r) => (r[17] += 1))));
  test('a dropped slot (later readings shifted down)', () => rejects(edited((r) => (r.splice(9, 1), r.push(0)))));
  test('a duplicated slot', () => rejects(edited((r) => (r[21] = r[20]))));
  test('two slots reordered', () => rejects(edited((r) => ([r[3], r[40]] = [r[40], r[3]]))));
  test('a reading over 14 bits that packs to the same element (range check)', async () => {
    assert.ok(period.bundle.readingsWh[1] >= 1);
    await rejects(
      edited((r) => {
        r[0] += 16384; // carries into the next 14-bit digit…
        r[1] -= 1; // …which is lowered to keep the packed element, and so the signature, unchanged
      }),
    );
  });
  test('readings of another day (period relabelled)', async () => {
    const nextDay = assembleBundle(period.key.meterId, period.key.publicKey, period.records, 19358, 1);
    await rejects({ ...nextDay, readingsWh: period.bundle.readingsWh });
  });
  test('a period shifted by a whole 5-day group', () =>
    rejects({ ...period.bundle, startDay: 19362, chainStart: { ...period.bundle.chainStart, group: period.bundle.chainStart.group + 1 } }));
  test("another meter's key", async () => {
    const other = await certifyPeriod({ startDay: 19357, readings: period.bundle.readingsWh, before: 3, meterId: period.key.meterId });
    await rejects({ ...period.bundle, publicKey: other.key.publicKey });
  });
  test('another meter id under the same key', () => rejects({ ...period.bundle, meterId: 'MTR-OTHER' }));
  test('a forged signature scalar', () => rejects({ ...period.bundle, signature: { ...period.bundle.signature, S: period.bundle.signature.S + 1n } }));
  test('a forged chain start', () => rejects({ ...period.bundle, chainStart: { ...period.bundle.chainStart, value: period.bundle.chainStart.value + 1n } }));
  test('a chain started mid-way: an edited element of the group before the period', () => {
    const pending = [...period.bundle.chainStart.pending];
    assert.ok(pending.length > 0, 'the period is not at the start of its group');
    pending[0] += 1n;
    return rejects({ ...period.bundle, chainStart: { ...period.bundle.chainStart, pending } });
  });
  test('non-zero readings after a period shorter than the circuit', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19360, readings: syntheticReadings(2, 4) });
    await computeWitness(SHORT.id, inputOf(bundle, bundle, SHORT)); // control
    const input = inputOf(bundle, bundle, SHORT);
    (input.readings as string[])[2 * SLOTS_PER_DAY + 5] = '7';
    await assert.rejects(computeWitness(SHORT.id, input), /Assert Failed/);
  });
});

describe('certified readings: edited witnesses do not satisfy the r1cs', () => {
  let bundle: Bundle;
  before(async () => {
    bundle = (await certifyPeriod({ startDay: 19357, readings: syntheticReadings(1, 6), before: 3 })).bundle;
  });
  const wire = (name: string) => {
    const index = readSymbols(artifactsOf(ONE_DAY.id).sym).wire(`main.${name}`);
    assert.ok(index !== undefined, `no wire main.${name}`);
    return index;
  };
  // context: a witness made for one request's context, presented with another's (the public input edited)
  for (const name of ['readings[17]', 'startDay', 'days', 'meterId', 'Ax', 'context', 'chainStart', 'pending[0]', 'S']) {
    test(`${name} + 1`, async () => {
      const path = await witnessFile(ONE_DAY.id, inputOf(bundle));
      assert.equal(await witnessSatisfies(ONE_DAY.id, path), true, 'control: the honest witness satisfies the r1cs');
      editWitness(path, wire(name), 1n, SNARK_FIELD);
      assert.equal(await witnessSatisfies(ONE_DAY.id, path), false);
    });
  }
});
