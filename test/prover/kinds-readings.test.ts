/**
 * The reading-based result kinds end to end on their 1-day circuits: rebate, totals, sampling, profile and
 * suspect. Real Groth16 proofs with proveResult, verified with verifyResult; each kind's outputs against its
 * plain reference (kinds/<kind>/reference.ts) on the published documents; and the ways a result can be
 * tampered with, each with its rejection code. The command line for rebate and sampling.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseProfileSet } from '../../kinds/profile/circuit.js';
import { classifyProfile } from '../../kinds/profile/reference.js';
import { parseRebateScheme } from '../../kinds/rebate/circuit.js';
import { computeRebate } from '../../kinds/rebate/reference.js';
import { REPO_ROOT } from '../../core/paths.js';
import { circuitForDays, getCircuit } from '../../kinds/registry.js';
import { newChallenge, parseChallenge } from '../../kinds/sampling/circuit.js';
import { sampleReadings } from '../../kinds/sampling/reference.js';
import { parseSuspectPattern } from '../../kinds/suspect/circuit.js';
import { suspectMatch } from '../../kinds/suspect/reference.js';
import { computeSubPeriodTotals } from '../../kinds/totals/reference.js';
import { dayOf } from '../../core/time.js';
import { bundleToJson, type Bundle } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { kindNamed, type OutputsJson } from '../../kinds/registry.js';
import { proveResult } from '../../prover/prove.js';
import type { ResultJson } from '../../prover/result.js';
import { verifyResult } from '../../prover/verify.js';
import { exampleFields as profileExample } from '../../kinds/profile/example.js';
import { exampleFields as rebateExample } from '../../kinds/rebate/example.js';
import { exampleFields as samplingExample } from '../../kinds/sampling/example.js';
import { exampleFields as suspectExample } from '../../kinds/suspect/example.js';
import { exampleFields as totalsExample } from '../../kinds/totals/example.js';
import { cliRunner } from '../support/cli.js';
import { certifyPeriod, syntheticReadings } from '../support/fixtures.js';
import { edited, forged, rejectedWith, signalIndex } from '../support/results.js';
import { computeWitness } from '../support/witness.js';

// The meter and day of the example challenge (docs/examples/challenge.json): a winter Monday.
const METER = 'MAC000002';
const START = dayOf('2013-01-07');
const PERIOD = { meterId: METER, startDay: START, days: 1 };
// A day of 7.5 kWh: below the example scheme's 10 kWh threshold, so the rebate is not 0 (two brackets).
const READINGS = syntheticReadings(1, 4).map((wh) => wh >> 1);

type Documents = Record<string, any>;
const shape = (values: number[]) => values.map(BigInt);
const nextSeed = (challenge: Documents) => String(BigInt(challenge.seed) + 1n);

interface KindCase {
  kind: string;
  example: (p: typeof PERIOD) => Documents;
  /** the outputs from the plain reference on the documents as published (not through the kind adapter) */
  expected(readings: number[], f: Documents): OutputsJson | Promise<OutputsJson>;
  /** another value the first public signal (an output) can take */
  forge(x: bigint): bigint;
  /** statements naming other documents than the ones the proof was made for */
  otherDocuments: Record<string, (statement: Documents) => void>;
}

const CASES: KindCase[] = [
  {
    kind: 'rebate',
    example: rebateExample,
    expected: (r, { scheme }) => ({ rebate: String(computeRebate(r, scheme.thresholdWhPerDay, scheme.brackets.map((b: Documents) => ({ fromWh: b.fromWh, rate: BigInt(b.rate) })))) }),
    forge: (x) => x + 1n,
    otherDocuments: {
      'another scheme (one rate)': (s) => (s.scheme.brackets[1].rate += 1),
      'another threshold': (s) => (s.scheme.thresholdWhPerDay -= 1),
    },
  },
  {
    kind: 'totals',
    example: totalsExample,
    expected: (r) => ({ totals: computeSubPeriodTotals(r, 1).map(String) }),
    forge: (x) => x + 1n,
    // No document: the meter and period are the whole statement.
    otherDocuments: { 'another period': (s) => (s.period.start = '2013-01-08') },
  },
  {
    kind: 'sampling',
    example: samplingExample,
    expected: async (r, { challenge }) => {
      const samples = await sampleReadings(r, START, BigInt(challenge.seed), 1);
      return { slots: samples.map((x) => String(x.slot)), readings: samples.map((x) => String(x.readingWh)) };
    },
    forge: (slot) => (slot % 48n === 47n ? slot - 1n : slot + 1n), // another slot of the same day
    otherDocuments: { 'another challenge seed': (s) => (s.challenge.seed = nextSeed(s.challenge)) },
  },
  {
    kind: 'profile',
    example: profileExample,
    expected: (r, { profiles }) => {
      const o = classifyProfile(r, profiles.profiles.map((p: Documents) => shape(p.shape)), profiles.scoreLevels);
      return { index: String(o.index), score: String(o.score) };
    },
    forge: (index) => (index + 1n) % 8n,
    otherDocuments: {
      'another profile set (one value of one profile)': (s) => (s.profiles.profiles[3].shape[20] += 1),
      'another score resolution': (s) => (s.profiles.scoreLevels = 0),
    },
  },
  {
    kind: 'suspect',
    example: suspectExample,
    expected: (r, { pattern }) => ({ match: suspectMatch(r, shape(pattern.shape), pattern.thresholdPermille) ? '1' : '0' }),
    forge: (bit) => 1n - bit,
    otherDocuments: {
      'another pattern (one slot)': (s) => (s.pattern.shape[0] += 1),
      'another threshold': (s) => (s.pattern.thresholdPermille -= 1),
    },
  },
];

const FIELDS = new Map(CASES.map((k) => [k.kind, k.example(PERIOD)]));
const proven = new Map<string, ResultJson>();
let bundle: Bundle;

before(async () => {
  ({ bundle } = await certifyPeriod({ startDay: START, readings: READINGS, meterId: METER }));
  for (const k of CASES) proven.set(k.kind, await proveResult({ kind: k.kind, bundle, fields: FIELDS.get(k.kind)! }));
});
after(releaseCurve);

const honest = (kind: string) => proven.get(kind)!;
const caseOf = (kind: string) => CASES.find((k) => k.kind === kind)!;

for (const k of CASES) {
  describe(`${k.kind} (${k.kind}_1d)`, () => {
    test('a real proof verifies, and its outputs are the reference computation on the published documents', async () => {
      const r = honest(k.kind);
      assert.equal(r.circuit, `${k.kind}_1d`);
      const { result } = await verifyResult(JSON.parse(JSON.stringify(r))); // as written to a file
      assert.deepEqual(result.outputs, await k.expected(READINGS, FIELDS.get(k.kind)!));
    });

    test('outputs that disagree with the public signals: output_mismatch', async () => {
      const f = forged(honest(k.kind), k.forge);
      assert.notDeepEqual(f.outputs, honest(k.kind).outputs);
      await rejectedWith(edited(honest(k.kind), (r) => (r.outputs = f.outputs)), 'output_mismatch');
    });

    test('an output changed in the outputs and the public signals together: proof_invalid', async () => {
      const f = forged(honest(k.kind), k.forge);
      await rejectedWith(edited(honest(k.kind), (r) => Object.assign(r, f)), 'proof_invalid');
    });

    for (const [name, change] of Object.entries(k.otherDocuments)) {
      test(`${name} in the statement: statement_mismatch`, async () => {
        await rejectedWith(edited(honest(k.kind), (r) => change(r.statement)), 'statement_mismatch');
      });
    }

    test('an unknown statement field: malformed', async () => {
      assert.match(await rejectedWith(edited(honest(k.kind), (r) => (r.statement.note = 'trust me')), 'malformed'), /note/);
    });

    test('the prover refuses a bundle with an edited reading', async () => {
      const readingsWh = [...bundle.readingsWh];
      readingsWh[30] += 1;
      await assert.rejects(proveResult({ kind: k.kind, bundle: { ...bundle, readingsWh }, fields: FIELDS.get(k.kind)! }), /signature does not verify/);
    });
  });
}

describe('rebate: the scheme', () => {
  test('the rebate of the day is not 0 (the checks above compare a real amount)', () => assert.ok(BigInt(honest('rebate').outputs.rebate as string) > 0n));

  test('a scheme the circuit cannot take is refused, naming the field', () => {
    const scheme = structuredClone(FIELDS.get('rebate')!.scheme);
    scheme.brackets.push({ fromWh: 9000, rate: 20000 });
    const kind = kindNamed('rebate');
    assert.throws(() => kind.statement({ ...PERIOD, publicKey: bundle.publicKey }, { scheme }, getCircuit('rebate_1d')), /^Error: scheme: the scheme has 5 brackets; the circuit takes 1 to 4$/);
  });
});

describe('sampling: the challenge binds the proof', () => {
  const seedIndex = signalIndex('sampling_1d', 'seed');

  test('a proof for one seed presented with another challenge, its seed also in the public signals: proof_invalid', async () => {
    const r = honest('sampling');
    assert.equal(r.publicSignals[seedIndex], (r.statement as Documents).challenge.seed);
    const seed = nextSeed((r.statement as Documents).challenge);
    await rejectedWith(edited(r, (x) => ((x.statement.challenge.seed = seed), (x.publicSignals[seedIndex] = seed))), 'proof_invalid');
  });

  const otherMeter = (c: Documents) => (c.meterId = 'MAC000003');
  const otherPeriod = (c: Documents) => (c.period = { start: '2013-01-08', days: 1 });
  for (const [name, change, reason] of [
    ['another meter', otherMeter, /challenge: the challenge is for meter MAC000003, not MAC000002/],
    ['another period', otherPeriod, /challenge: the challenge is for 2013-01-08 \+ 1 day\(s\), not for the statement's period 2013-01-07/],
  ] as const) {
    test(`a challenge for ${name} is refused by the prover and by the verifier`, async () => {
      const challenge = structuredClone(FIELDS.get('sampling')!.challenge);
      change(challenge);
      await assert.rejects(proveResult({ kind: 'sampling', bundle, fields: { challenge } }), reason);
      assert.match(await rejectedWith(edited(honest('sampling'), (r) => change(r.statement.challenge)), 'statement_mismatch'), reason);
    });
  }

  test('newChallenge issues a valid challenge with a fresh 248-bit seed each time', () => {
    const o = { issuer: 'test', meterId: METER, period: { start: '2013-01-07', days: 1 } };
    const [a, b] = [newChallenge(o), newChallenge(o)];
    assert.notEqual(a.seed, b.seed);
    assert.notEqual(a.id, b.id);
    assert.ok(parseChallenge(a).seed < 2n ** 248n);
    assert.throws(() => newChallenge({ ...o, meterId: 'no spaces allowed' }), /meterId/);
  });
});

describe('profile: the published set', () => {
  const kind = kindNamed('profile');
  const c = getCircuit('profile_1d');

  test('a set of fewer than K profiles is padded without changing the answer (witness on profile_1d against the reference)', async () => {
    const set = FIELDS.get('profile')!.profiles;
    const best = classifyProfile(READINGS, set.profiles.map((p: Documents) => shape(p.shape))).index;
    const others = set.profiles.filter((_: unknown, i: number) => i !== best);
    // The best profile last, where the padding repeats it: a copy must never win over the original.
    const three = { ...set, profiles: [others[0], others[1], set.profiles[best]] };
    const s = kind.statement({ ...PERIOD, publicKey: bundle.publicKey }, { profiles: three }, c);
    const w = await computeWitness(c.id, kind.witnessInput(bundle, s, c));
    const out = kind.decode(w.slice(1, 1 + kind.signalCount(c)), s, c);
    assert.deepEqual(out, classifyProfile(READINGS, three.profiles.map((p: Documents) => shape(p.shape)), three.scoreLevels));
    assert.equal(out.index, 2);
  });

  test('a set built for another period, or with more than K profiles, is refused naming the field', () => {
    const set = FIELDS.get('profile')!.profiles;
    const statement = (profiles: Documents) => kind.statement({ ...PERIOD, publicKey: bundle.publicKey }, { profiles }, c);
    assert.throws(() => statement({ ...set, period: { start: '2013-01-14', days: 1 } }), /^Error: profiles: profile set .* is for 2013-01-14 \+ 1 day\(s\)/);
    assert.throws(() => statement({ ...set, profiles: [...set.profiles, set.profiles[0]] }), /^Error: profiles: profile set .* has 9 profiles; circuit profile_1d ranks 1 to 8$/);
  });
});

describe('example documents and generators', () => {
  const example = (name: string) => join(REPO_ROOT, 'docs', 'examples', `${name}.json`);
  const read = (name: string) => JSON.parse(readFileSync(example(name), 'utf8'));

  test('docs/examples/ holds valid documents', () => {
    assert.equal(parseRebateScheme(read('rebate-scheme')).brackets.length, 4);
    assert.deepEqual(parseChallenge(read('challenge')).period, { start: '2013-01-07', days: 1 });
    assert.equal(parseProfileSet(read('profile-set')).profiles.length, 8);
    assert.equal(parseSuspectPattern(read('suspect-pattern')).minPermille, 800);
  });

  test('every example generator gives fields that build a statement on every circuit of its kind', () => {
    for (const k of CASES) {
      for (const days of [1, 7, 28, 31]) {
        const period = { meterId: 'MTR-BENCH', startDay: dayOf('2023-01-02'), days };
        const kind = kindNamed(k.kind);
        const s = kind.statement({ ...period, publicKey: bundle.publicKey }, kind.fields.parse(k.example(period)), circuitForDays(k.kind, days));
        assert.equal(s.days, days, `${k.kind}, ${days} days`);
      }
    }
  });

  describe('command line: prove rebate | sampling with the example documents, then verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-kinds-cli-'));
    const { ok, fails } = cliRunner(dir);
    const oneLine = (code: string) => new RegExp(`^meterproof: INVALID \\(${code}\\): [^\\n]+\\n$`);

    /** Proves with the CLI, verifies the file (exit 0), then verifies an edited copy (exit 1, one line). */
    async function proveVerifyTamper(kind: string, flag: string, document: string, tamper: (r: Documents) => void, code: string): Promise<Documents> {
      const out = `${kind}.json`;
      await ok('prove', kind, '--bundle', 'bundle.json', flag, example(document), '--out', out);
      assert.match(await ok('verify', out), new RegExp(`^VALID PROOF, UNANCHORED STATEMENT: ${kind}_1d ${kind} proof for meter ${METER}, 2013-01-07 \\+ 1 days$`, 'm'));
      const result = JSON.parse(readFileSync(join(dir, out), 'utf8'));
      const tampered = structuredClone(result);
      tamper(tampered);
      writeFileSync(join(dir, `tampered-${out}`), JSON.stringify(tampered));
      await fails(oneLine(code), 'verify', `tampered-${out}`);
      return result;
    }

    before(() => writeFileSync(join(dir, 'bundle.json'), JSON.stringify(bundleToJson(bundle))));

    test('rebate under the example scheme; a raised rebate is refused', async () => {
      const r = await proveVerifyTamper('rebate', '--scheme', 'rebate-scheme', (t) => (t.outputs.rebate = String(BigInt(t.outputs.rebate) + 1n)), 'output_mismatch');
      assert.equal(r.outputs.rebate, honest('rebate').outputs.rebate);
    });

    test('sampling for the example challenge; the result presented with another seed is refused', async () => {
      const r = await proveVerifyTamper('sampling', '--challenge', 'challenge', (t) => (t.statement.challenge.seed = nextSeed(t.statement.challenge)), 'statement_mismatch');
      assert.deepEqual(r.outputs, await caseOf('sampling').expected(READINGS, { challenge: read('challenge') }));
    });
  });
});
