/**
 * The 128-byte compressed Groth16 proof (prover/groth16-compressed.ts): round trips on real proofs and on
 * points of both y-flags, result files carrying it (verified offline, through the parse the API uses, and by
 * `meterproof verify`), and the bytes that are no proof.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildBn128 } from 'ffjavascript';
import { SLOTS_PER_DAY } from '../../core/time.js';
import { releaseCurve } from '../../prover/backend.js';
import { COMPRESSED_PROOF_BYTES, CompressedProofError, compressedProofHex, compressGroth16Proof, decompressGroth16Proof, decompressProofHex } from '../../prover/groth16-compressed.js';
import { proveBill } from '../../prover/prove-bill.js';
import { parseResult, type BillResultJson } from '../../prover/result.js';
import { ResultRejected, verifyBillResult } from '../../prover/verify.js';
import type { Groth16Proof } from '../../core/groth16.js';
import { certifyPeriod, dynamicDocument, syntheticPrices, syntheticReadings } from '../support/fixtures.js';
import { cliRunner } from '../support/cli.js';

const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const START = 19358;
let honest: BillResultJson;
let other: BillResultJson;

before(async () => {
  const tariff = dynamicDocument(START, syntheticPrices(SLOTS_PER_DAY, 1).map((p) => p + 3000), 'tariff', 45_000);
  for (const salt of [8, 9]) {
    const { bundle } = await certifyPeriod({ startDay: START, readings: syntheticReadings(1, salt) });
    const r = await proveBill({ bundle, tariff });
    if (salt === 8) honest = r;
    else other = r;
  }
});
after(releaseCurve);

const compressedFile = (r: BillResultJson, hex = compressedProofHex(r.proof)) => ({ ...structuredClone(r), proof: { protocol: 'groth16', curve: 'bn128', compressed: hex } });

/** A proof whose A, B, C are k·G1, k·G2, (k+1)·G1 for the given k: real curve points with varied y. */
async function pointsProof(k: bigint, negate = false): Promise<Groth16Proof> {
  const bn = await buildBn128();
  const g1 = (s: bigint) => bn.G1.toObject(bn.G1.toAffine(negate ? bn.G1.neg(bn.G1.timesScalar(bn.G1.g, s)) : bn.G1.timesScalar(bn.G1.g, s))).map(String);
  const g2 = (s: bigint) => bn.G2.toObject(bn.G2.toAffine(negate ? bn.G2.neg(bn.G2.timesScalar(bn.G2.g, s)) : bn.G2.timesScalar(bn.G2.g, s))).map((c: bigint[]) => c.map(String));
  return { pi_a: g1(k), pi_b: g2(k), pi_c: g1(k + 1n), protocol: 'groth16', curve: 'bn128' };
}

const refused = (bytes: Uint8Array, pattern: RegExp) => assert.throws(() => decompressGroth16Proof(bytes), (e: unknown) => e instanceof CompressedProofError && pattern.test(e.message));

function setX(bytes: Uint8Array, offset: number, x: bigint, flag: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 31; i >= 0; i--, x >>= 8n) out[offset + i] = Number(x & 0xffn);
  out[offset] |= flag;
  return out;
}

describe('round trips', () => {
  test('real proofs: 128 bytes, decoded to the same points', () => {
    for (const r of [honest, other]) {
      const bytes = compressGroth16Proof(r.proof);
      assert.equal(bytes.length, COMPRESSED_PROOF_BYTES);
      assert.deepEqual(decompressGroth16Proof(bytes), r.proof);
      assert.deepEqual(decompressProofHex(compressedProofHex(r.proof)), r.proof);
    }
  });

  test('both y-flags of G1 and G2 (a point and its negation)', async () => {
    const flags = new Set<number>();
    for (const k of [2n, 3n, 5n, 7n]) {
      for (const negate of [false, true]) {
        const proof = await pointsProof(k, negate);
        const bytes = compressGroth16Proof(proof);
        flags.add(bytes[0] >> 6).add(bytes[32] >> 6);
        assert.deepEqual(decompressGroth16Proof(bytes), proof);
      }
    }
    assert.deepEqual([...flags].sort(), [2, 3], 'both the smaller-root and the larger-root flag occur');
  });
});

describe('result files carrying the compressed form', () => {
  test('verify offline, with the same outputs as the JSON form', async () => {
    const v = await verifyBillResult(compressedFile(honest));
    assert.deepEqual(v.result.proof, honest.proof);
    assert.equal(v.system, 'groth16');
  });

  test("the parse the verifier API uses decodes it to the JSON form", () => {
    assert.deepEqual(parseResult(compressedFile(honest)).proof, honest.proof);
  });

  test("another result's compressed proof does not verify", async () => {
    await assert.rejects(verifyBillResult(compressedFile(honest, compressedProofHex(other.proof))), (e: unknown) => e instanceof ResultRejected && e.code === 'proof_invalid');
  });

  test('a file with both forms is refused', async () => {
    const both = { ...structuredClone(honest), proof: { ...honest.proof, compressed: compressedProofHex(honest.proof) } };
    await assert.rejects(verifyBillResult(both), (e: unknown) => e instanceof ResultRejected && e.code === 'malformed');
    assert.throws(() => parseResult(both), /invalid result file/);
  });

  test('bad bytes in a file are a bad proof point; bad text is malformed', async () => {
    // x = 4: 4³ + 3 = 67 is not a square mod p, so no point of the curve has it
    const hex = Buffer.from(setX(compressGroth16Proof(honest.proof), 0, 4n, 0x80)).toString('hex');
    await assert.rejects(verifyBillResult(compressedFile(honest, hex)), (e: unknown) => e instanceof ResultRejected && e.code === 'bad_proof_point');
    await assert.rejects(verifyBillResult(compressedFile(honest, compressedProofHex(honest.proof).toUpperCase())), (e: unknown) => e instanceof ResultRejected && e.code === 'malformed');
    await assert.rejects(verifyBillResult(compressedFile(honest, compressedProofHex(honest.proof).slice(2))), (e: unknown) => e instanceof ResultRejected && e.code === 'malformed');
  });

  test('meterproof verify accepts it and refuses a tampered one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meterproof-compressed-'));
    try {
      const { ok, fails } = cliRunner(dir);
      writeFileSync(join(dir, 'compressed.json'), JSON.stringify(compressedFile(honest)));
      assert.match(await ok('verify', 'compressed.json'), /VALID/);
      writeFileSync(join(dir, 'swapped.json'), JSON.stringify(compressedFile(honest, compressedProofHex(other.proof))));
      await fails(/INVALID \(proof_invalid\)/, 'verify', 'swapped.json');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bytes that are no proof are refused', () => {
  const good = () => compressGroth16Proof(honest.proof);

  test('wrong length', () => {
    refused(good().subarray(0, 127), /128 bytes, not 127/);
    refused(new Uint8Array(129), /128 bytes, not 129/);
    assert.throws(() => decompressProofHex('zz'), CompressedProofError);
  });

  test('x not on the curve (G1) or the twist (G2)', () => {
    // x³ + 3 has no square root in Fp for x = 4 (67 is not a square); scan a few for the twist
    refused(setX(good(), 0, 4n, 0x80), /pi_a: no point of the curve/);
    let bad: Uint8Array | undefined;
    for (let x = 1n; !bad; x++) {
      const candidate = setX(setX(good(), 32, x, 0x80), 64, 0n, 0);
      try {
        decompressGroth16Proof(candidate);
      } catch (e) {
        if (/pi_b: no point of the twist/.test((e as Error).message)) bad = candidate;
      }
    }
    refused(bad, /pi_b: no point of the twist/);
  });

  test('non-canonical x (x ≥ p)', () => {
    refused(setX(good(), 0, P + 1n, 0x80), /pi_a.x: .*non-canonical/);
    refused(setX(good(), 96, P, 0xc0), /pi_c.x: .*non-canonical/);
    refused(setX(good(), 64, P + 5n, 0), /pi_b.x0: .*non-canonical/);
  });

  test('the point at infinity, and a missing compression flag', () => {
    refused(setX(good(), 0, 0n, 0x40), /pi_a is the point at infinity/);
    refused(setX(setX(good(), 32, 0n, 0x40), 64, 0n, 0), /pi_b is the point at infinity/);
    refused(setX(good(), 96, 1n, 0x40), /infinity flag with a non-zero x/);
    const unflagged = good();
    unflagged[0] &= 0x3f;
    refused(unflagged, /pi_a has no compression flag/);
  });

  test('compressing refuses points off the curve', () => {
    const off = structuredClone(honest.proof);
    off.pi_a[1] = String(BigInt(off.pi_a[1]) + 1n);
    assert.throws(() => compressGroth16Proof(off), /pi_a is not on the curve/);
  });
});
