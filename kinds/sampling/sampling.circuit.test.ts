import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { compileCircuit } from '../../circuits/compile.js';
import { artifactsOf, BUILD_DIR } from '../../core/paths.js';
import { getCircuit } from '../registry.js';
import type { CircuitConfig } from '../../circuits/config.js';
import { randomSeed, samplingWitnessInput, type SamplingStatement } from './circuit.js';
import { samplingKind } from './kind.js';
import { sampleReadings } from './reference.js';
import { SNARK_FIELD } from '../../core/field.js';
import { SLOTS_PER_DAY } from '../../core/time.js';
import { buildKeys } from '../../keys/ceremony.js';
import type { Bundle } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { certifyPeriod, hasSharedData, syntheticReadings, certifiedRealPeriod, REAL_HOUSEHOLDS, tellingReadings } from '../../test/support/fixtures.js';
import { readSymbols } from '../../test/support/sym.js';
import { computeWitness, editWitness, witnessFile, witnessSatisfies } from '../../test/support/witness.js';

// A 1-3-day instance (not declared in kind.ts) with 6 samples (two hashes): periods shorter than the
// circuit, as on the 28-31-day monthly circuit, without compiling that one in CI.
const SHORT: CircuitConfig = { ...getCircuit('sampling_7d'), id: 'test/kinds-sampling_3d', params: { maxDays: 3, minDays: 1, samples: 6 }, budget: undefined };
const circuitOf = (id: string) => (id === SHORT.id ? SHORT : getCircuit(id));

before(async () => {
  for (const c of [getCircuit('sampling_1d'), getCircuit('sampling_7d'), SHORT]) await compileCircuit(c);
});
after(releaseCurve);

const statementFor = (b: Bundle, seed: bigint): SamplingStatement => ({ meterId: b.meterId, publicKey: b.publicKey, startDay: b.startDay, days: b.days, seed });


async function circuitSamples(id: string, bundle: Bundle, seed: bigint) {
  const c = circuitOf(id);
  const s = statementFor(bundle, seed);
  const w = await computeWitness(id, samplingWitnessInput(bundle, s, c));
  return samplingKind.decode(w.slice(1), s, c).samples;
}

const SEEDS = [0n, 1n, 2n, SNARK_FIELD - 1n, 0x5eedn << 230n, 987654321987654321n];

describe('sampling circuit agrees with the TypeScript reference', () => {
  test('1 day, one sample, several seeds', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19359, readings: tellingReadings(1, 7), before: 4 });
    for (const seed of SEEDS) assert.deepEqual(await circuitSamples('sampling_1d', bundle, seed), await sampleReadings(bundle.readingsWh, 19359, seed, 1), `seed ${seed}`);
  });

  test('7 days, four samples, 12 seeds: every sample is the reading of its slot', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19362, readings: tellingReadings(7) });
    const seeds = [...SEEDS, ...Array.from({ length: 6 }, (_, i) => BigInt(i + 3) * 0x9e3779b97f4a7c15n)];
    const seen = new Set<number>();
    for (const seed of seeds) {
      const samples = await circuitSamples('sampling_7d', bundle, seed);
      assert.deepEqual(samples, await sampleReadings(bundle.readingsWh, 19362, seed, 4), `seed ${seed}`);
      for (const { slot, readingWh } of samples) {
        assert.equal(readingWh, bundle.readingsWh[slot - 48 * 19362]);
        seen.add(slot - 48 * 19362);
      }
    }
    assert.ok(seen.size > 36, 'the samples spread over the week');
  });

  test('extremes: 0 and 16383 Wh readings', async () => {
    const readings = Array.from({ length: 7 * SLOTS_PER_DAY }, (_, i) => (i % 3 === 0 ? 16383 : i % 3 === 1 ? 0 : 16382));
    const { bundle } = await certifyPeriod({ startDay: 19362, readings });
    for (const seed of SEEDS.slice(0, 3)) assert.deepEqual(await circuitSamples('sampling_7d', bundle, seed), await sampleReadings(readings, 19362, seed, 4));
  });

  for (const days of [1, 2, 3]) {
    test(`a ${days}-day period on a 1-3-day circuit: samples only inside the period`, async () => {
      const { bundle } = await certifyPeriod({ startDay: 19360, readings: tellingReadings(days, days) });
      for (const seed of SEEDS.slice(0, 4)) {
        const samples = await circuitSamples(SHORT.id, bundle, seed);
        assert.deepEqual(samples, await sampleReadings(bundle.readingsWh, 19360, seed, 6));
        assert.ok(samples.every((x) => x.slot >= 48 * 19360 && x.slot < 48 * (19360 + days)));
      }
    });
  }
});

describe('sampling circuit refuses cheats', () => {
  const SEED = 0xc0ffeen;
  let period: Awaited<ReturnType<typeof certifyPeriod>>;
  let input: Record<string, string | string[]>;
  let honest: Awaited<ReturnType<typeof sampleReadings>>;
  before(async () => {
    period = await certifyPeriod({ startDay: 19362, readings: tellingReadings(7, 3), before: 3, after: 2 });
    input = samplingWitnessInput(period.bundle, statementFor(period.bundle, SEED), getCircuit('sampling_7d'));
    honest = await sampleReadings(period.bundle.readingsWh, 19362, SEED, 4);
  });
  const withInput = (change: (i: Record<string, string | string[]>) => void) => {
    const copy = structuredClone(input);
    change(copy);
    return copy;
  };
  const rejects = (i: Record<string, unknown>) => assert.rejects(computeWitness('sampling_7d', i), /Assert Failed/);

  test('the honest input passes (control)', async () => void (await computeWitness('sampling_7d', input)));
  test('a changed reading at a sampled slot', () => rejects(withInput((i) => ((i.readings as string[])[honest[0].slot - 48 * 19362] = '1'))));
  const wire = (name: string) => readSymbols(artifactsOf('sampling_7d').sym).wire(`main.${name}`)!;
  test('an edited witness: a sample moved to a slot the prover prefers (slot and reading both edited)', async () => {
    const path = await witnessFile('sampling_7d', input);
    assert.equal(await witnessSatisfies('sampling_7d', path), true, 'control: the honest witness satisfies the r1cs');
    const offset = honest[0].slot - 48 * 19362;
    const preferred = (offset + 100) % 336;
    editWitness(path, wire('slot[0]'), BigInt(preferred - offset), SNARK_FIELD);
    editWitness(path, wire('reading[0]'), BigInt(period.bundle.readingsWh[preferred] - honest[0].readingWh), SNARK_FIELD);
    assert.equal(await witnessSatisfies('sampling_7d', path), false);
  });
  test('an edited witness: the seed replaced by another one', async () => {
    const path = await witnessFile('sampling_7d', input);
    editWitness(path, wire('seed'), 1n, SNARK_FIELD);
    assert.equal(await witnessSatisfies('sampling_7d', path), false);
  });
  test('another seed selects other slots', async () => {
    const other = await sampleReadings(period.bundle.readingsWh, 19362, SEED + 1n, 4);
    assert.notDeepEqual(other.map((x) => x.slot), honest.map((x) => x.slot));
  });
});

describe('Groth16: a proof for one seed does not verify for another', () => {
  test('prove on sampling_1d with development keys, verify against the statement rebuilt from each seed', async () => {
    const c = getCircuit('sampling_1d');
    const keysDir = join(BUILD_DIR, 'test', 'kinds-sampling_1d-keys');
    const keys = await buildKeys({ r1csPath: artifactsOf(c.id).r1cs, outDir: keysDir }); // cached by r1cs hash
    const vkey = JSON.parse(readFileSync(keys.vkeyPath, 'utf8'));
    const { bundle } = await certifyPeriod({ startDay: 19358, readings: tellingReadings(1, 11) });
    const seed = randomSeed();
    const s = statementFor(bundle, seed);
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(samplingWitnessInput(bundle, s, c), artifactsOf(c.id).wasm, keys.zkeyPath);

    const outputs = samplingKind.decode(publicSignals.map(BigInt), s, c);
    assert.deepEqual(outputs.samples, await sampleReadings(bundle.readingsWh, 19358, seed, 1));
    const rebuilt = (st: SamplingStatement) => samplingKind.publicSignals(st, outputs, c).map(String);
    assert.deepEqual(rebuilt(s), publicSignals);
    assert.equal(await snarkjs.groth16.verify(vkey, rebuilt(s), proof), true);
    assert.equal(await snarkjs.groth16.verify(vkey, rebuilt({ ...s, seed: seed + 1n }), proof), false, 'another seed');
    // The prover's choice of slot: same proof, the sample claimed at another slot with its true reading.
    const moved = { samples: [{ slot: outputs.samples[0].slot ^ 1, readingWh: bundle.readingsWh[(outputs.samples[0].slot ^ 1) - 48 * 19358] }] };
    assert.equal(await snarkjs.groth16.verify(vkey, samplingKind.publicSignals(s, moved, c).map(String), proof), false, 'another slot');
  });
});

describe('companion checks', () => {
  test('the public signals the verifier rebuilds equal the witness public signals; names', async () => {
    const c = getCircuit('sampling_7d');
    const { bundle } = await certifyPeriod({ startDay: 19362, readings: syntheticReadings(7, 5) });
    const s = statementFor(bundle, 77n);
    const w = await computeWitness(c.id, samplingWitnessInput(bundle, s, c));
    assert.deepEqual(w.slice(1, 1 + samplingKind.signalCount(c)), samplingKind.publicSignals(s, { samples: await sampleReadings(bundle.readingsWh, 19362, 77n, 4) }, c));
    assert.deepEqual([0, 4, 8, 11, 14].map((i) => samplingKind.signalName(i, c)), ['slot[0]', 'reading[0]', 'meterId', 'context', 'seed']);
    assert.throws(() => samplingKind.publicSignals(s, { samples: [{ slot: 0, readingWh: 1 }] }, c), /reveals 4 samples/);
    assert.throws(() => samplingWitnessInput(bundle, { ...s, seed: SNARK_FIELD }, c), /field element/);
    const seed = randomSeed();
    assert.ok(seed >= 0n && seed < 1n << 248n);
  });
});

describe('real data: London households, one week of March 2013 on the 7-day circuit', { skip: !hasSharedData && 'no ../shared/data' }, () => {
  for (const household of REAL_HOUSEHOLDS) {
    test(household, async () => {
      const { readings, bundle } = await certifiedRealPeriod(household, '2013-03-04', 7);
      const seed = BigInt('0x' + Buffer.from(household).toString('hex'));
      assert.deepEqual(await circuitSamples('sampling_7d', bundle, seed), await sampleReadings(readings, bundle.startDay, seed, 4));
    });
  }
});
