/**
 * The verifier API's own Groth16 check (verifier-api/groth16.ts) agrees with snarkjs.groth16.verify on
 * valid and invalid proofs, alone and in batches; re-randomised proofs stay valid; pinned keys refuse a
 * zkey without a phase-2 contribution.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildBn128 } from 'ffjavascript';
import * as snarkjs from 'snarkjs';
import { artifactsOf } from '../../core/paths.js';
import { signalCount } from '../../circuits/layout.js';
import { getCircuit, kindNamed } from '../../kinds/registry.js';
import { SNARK_FIELD } from '../../core/field.js';
import { releaseCurve } from '../../prover/backend.js';
import { Groth16Verifier, type ProofItem } from '../../verifier-api/groth16.js';
import { KeyRefused, loadPinnedKey } from '../../verifier-api/pinned-keys.js';
import { rerandomizeProof } from '../../verifier-api/rerandomize.js';
import { VerifyPool } from '../../verifier-api/verify-pool.js';
import { CIRCUIT, clone, vkeyJson, world, type World } from './support.js';

let w: World;
let curve: any;
let vkey: any;
let verifier: Groth16Verifier;
const SHARED = Array.from({ length: 27 }, (_, i) => i + 6);

before(async () => {
  w = await world();
  curve = await buildBn128(true);
  vkey = vkeyJson();
  verifier = Groth16Verifier.create(curve, vkey);
});
after(releaseCurve);

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const snarkjsVerify = (signals: string[], proof: any) => snarkjs.groth16.verify(vkey, signals, proof, silent) as Promise<boolean>;
const item = (signals: string[], proof: any, shared?: string): ProofItem => ({ proof, publicSignals: signals.map(BigInt), shared: shared ? { key: shared, indices: SHARED } : undefined });

/** Invalid variants of a valid result: each must fail both verifiers. */
function invalidVariants(r: World['results']['a1']): [string, string[], any][] {
  const sig = (i: number, delta: bigint) => r.publicSignals.map((s, k) => (k === i ? String((BigInt(s) + delta + SNARK_FIELD) % SNARK_FIELD) : s));
  const swapped = [...r.publicSignals];
  [swapped[0], swapped[2]] = [swapped[2], swapped[0]];
  const negA = clone(r.proof);
  negA.pi_a[1] = String(21888242871839275222246405745257275088696311157297823662689037894645226208583n - BigInt(negA.pi_a[1]));
  return [
    ['bill + 1', sig(0, 1n), r.proof],
    ['settlement − 1', sig(1, -1n), r.proof],
    ['a weight changed', sig(20, 5n), r.proof],
    ['outputs swapped', swapped, r.proof],
    ['A negated', r.publicSignals, negA],
    ['A and C swapped', r.publicSignals, { ...r.proof, pi_a: r.proof.pi_c, pi_c: r.proof.pi_a }],
    ["another statement's proof", r.publicSignals, w.results.a2.proof],
  ];
}

describe('own Groth16 check against snarkjs.groth16.verify', () => {
  test('valid proofs: each alone, and in one batch', async () => {
    const all = [w.results.a1, w.results.a1Again, w.results.a2, w.results.b1, w.results.a1Next];
    for (const r of all) {
      assert.equal(await snarkjsVerify(r.publicSignals, r.proof), true);
      assert.equal(verifier.verifyBatch([item(r.publicSignals, r.proof)]), true, `${r.statement.meterId} alone`);
    }
    assert.equal(verifier.verifyBatch(all.map((r) => item(r.publicSignals, r.proof))), true);
  });

  test('invalid proofs fail both, alone and hidden in a batch of valid ones', async () => {
    const valid = [w.results.a2, w.results.b1, w.results.a1Next].map((r) => item(r.publicSignals, r.proof));
    for (const [name, signals, proof] of invalidVariants(w.results.a1)) {
      assert.equal(await snarkjsVerify(signals, proof), false, `snarkjs: ${name}`);
      assert.equal(verifier.verifyBatch([item(signals, proof)]), false, `own: ${name}`);
      assert.equal(verifier.verifyBatch([...valid, item(signals, proof)]), false, `own batch: ${name}`);
      assert.deepEqual(verifier.verifyEach([valid[0], item(signals, proof), valid[1], valid[2]]), [true, false, true, true], `bisection: ${name}`);
    }
  });

  test('the shared public-input product is cached per key and gives the same verdicts', async () => {
    const before = { ...verifier.stats };
    const key = (r: World['results']['a1']) => `${r.circuit}|${r.statement.tariff && (r.statement.tariff as any).id}|${r.statement.period.start}`;
    const rs = [w.results.a1, w.results.a2, w.results.b1, w.results.a1Next];
    assert.equal(verifier.verifyBatch(rs.map((r) => item(r.publicSignals, r.proof, key(r)))), true);
    assert.equal(verifier.verifyBatch(rs.map((r) => item(r.publicSignals, r.proof, key(r)))), true);
    assert.equal(verifier.stats.partialMisses - before.partialMisses, 3, 'three distinct (tariff, period) keys');
    assert.equal(verifier.stats.partialHits - before.partialHits, 5);
    // A cache key reused for other shared inputs is the caller's bug; it must make verification fail, not pass.
    assert.equal(verifier.verifyBatch([item(w.results.a1Next.publicSignals, w.results.a1Next.proof, key(w.results.a1))]), false);
  });

  test('re-randomised proofs: different bytes, still valid for the same statement, invalid for another', async () => {
    const r = w.results.b1;
    const p = rerandomizeProof(curve, vkey, r.proof);
    assert.notDeepEqual(p.pi_a, r.proof.pi_a);
    assert.notDeepEqual(p.pi_b, r.proof.pi_b);
    assert.equal(await snarkjsVerify(r.publicSignals, p), true);
    assert.equal(verifier.verifyBatch([item(r.publicSignals, p)]), true);
    assert.equal(await snarkjsVerify(w.results.a2.publicSignals, p), false);
    assert.equal(verifier.verifyBatch([item(w.results.a2.publicSignals, p)]), false);
  });

  test('a batch of 40 re-randomised proofs verifies; one bad among them is found', () => {
    const r = w.results.a1;
    const items = Array.from({ length: 40 }, () => item(r.publicSignals, rerandomizeProof(curve, vkey, r.proof), 'a1'));
    assert.equal(verifier.verifyBatch(items), true);
    const bad = [...items];
    bad[17] = item(invalidVariants(r)[0][1], items[17].proof, 'other');
    const verdicts = verifier.verifyEach(bad);
    assert.deepEqual(
      verdicts.map((v, i) => (v ? -1 : i)).filter((i) => i >= 0),
      [17],
    );
  });
});

describe('worker pool', () => {
  test('verifies off the main thread, point checks before pairing, verdict per job', async () => {
    const pool = new VerifyPool({ vkeys: { [CIRCUIT]: vkey }, workers: 2 });
    try {
      await pool.ready();
      const r = w.results.a2;
      const offCurve = clone(r.proof);
      offCurve.pi_a[0] = String(BigInt(offCurve.pi_a[0]) + 1n);
      const jobs = [
        pool.verify({ circuit: CIRCUIT, proof: r.proof, publicSignals: r.publicSignals }),
        pool.verify({ circuit: CIRCUIT, proof: offCurve, publicSignals: r.publicSignals }),
        pool.verify({ circuit: CIRCUIT, proof: r.proof, publicSignals: invalidVariants(r)[0][1] }),
        ...Array.from({ length: 20 }, () => pool.verify({ circuit: CIRCUIT, proof: rerandomizeProof(curve, vkey, r.proof), publicSignals: r.publicSignals, shared: { key: 'x', indices: SHARED } })),
      ];
      const out = await Promise.all(jobs);
      assert.equal(out[0].ok, true);
      assert.equal(out[1].ok === false && out[1].code, 'bad_proof_point');
      assert.equal(out[2].ok === false && out[2].code, 'proof_invalid');
      assert.ok(out.slice(3).every((o) => o.ok));
      assert.ok(pool.stats.maxBatchSeen > 1, 'queued proofs were batched');
    } finally {
      await pool.close();
    }
  });
});

describe('pinned verification keys', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'meterproof-keys-'));
    cpSync(artifactsOf(CIRCUIT).keysDir, dir, { recursive: true, filter: (src) => !src.endsWith('.zkey') });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const transcript = () => JSON.parse(readFileSync(join(artifactsOf(CIRCUIT).keysDir, 'ceremony.json'), 'utf8'));

  test('the ceremony output loads', () => {
    const c = getCircuit(CIRCUIT);
    const k = loadPinnedKey(c, dir);
    assert.equal(k.vkey.nPublic, signalCount(kindNamed(c.kind).layout, c), 'as many public signals as the kind declares');
    assert.ok(k.contributions >= 1);
  });

  test('no phase-2 contribution: refused', () => {
    const t = transcript();
    t.contributions = t.contributions.filter((c: any) => c.type !== 'contribution');
    writeFileSync(join(dir, 'ceremony.json'), JSON.stringify(t));
    assert.throws(() => loadPinnedKey(getCircuit(CIRCUIT), dir), (e: Error) => e instanceof KeyRefused && /no phase-2 contribution/.test(e.message));
  });

  test('a key the transcript does not describe, or without a transcript: refused', () => {
    writeFileSync(join(dir, 'ceremony.json'), JSON.stringify(transcript()));
    const v = vkeyJson();
    v.IC[0][0] = '1';
    writeFileSync(join(dir, 'verification_key.json'), JSON.stringify(v));
    assert.throws(() => loadPinnedKey(getCircuit(CIRCUIT), dir), /not the one the ceremony transcript describes/);
    rmSync(join(dir, 'ceremony.json'));
    assert.throws(() => loadPinnedKey(getCircuit(CIRCUIT), dir), /no ceremony transcript/);
  });

  test('δ = γ (a key straight from phase 1) is refused even with a matching transcript', () => {
    const v = vkeyJson();
    v.vk_delta_2 = v.vk_gamma_2;
    const bytes = JSON.stringify(v);
    writeFileSync(join(dir, 'verification_key.json'), bytes);
    const t = transcript();
    t.vkeySha256 = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(dir, 'ceremony.json'), JSON.stringify(t));
    assert.throws(() => loadPinnedKey(getCircuit(CIRCUIT), dir), /δ equals γ/);
  });
});
