/**
 * Re-randomising a Groth16 proof without its witness: (A, B, C) → (ρA, ρ⁻¹B + σδ, C + σρA) is another valid
 * proof of the same statement with different bytes. The API must treat it as the same result (409), and
 * the load script uses it to make many distinct valid submissions cheaply.
 */
import { randomBytes } from 'node:crypto';
import { SNARK_FIELD } from '../core/field.js';
import type { Groth16Proof } from '../prover/backend.js';
import type { VerificationKeyJson } from './groth16.js';

function randomFieldElement(): bigint {
  for (;;) {
    const x = BigInt('0x' + randomBytes(32).toString('hex')) % SNARK_FIELD;
    if (x !== 0n) return x;
  }
}

function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** `curve`: an ffjavascript bn128 instance. */
export function rerandomizeProof(curve: any, vkey: VerificationKeyJson, proof: Groth16Proof): Groth16Proof {
  const { G1, G2 } = curve;
  const rho = randomFieldElement();
  const sigma = randomFieldElement();
  const A = G1.fromObject(proof.pi_a.slice(0, 2).map(BigInt));
  const B = G2.fromObject(proof.pi_b.slice(0, 2).map((c) => c.map(BigInt)));
  const C = G1.fromObject(proof.pi_c.slice(0, 2).map(BigInt));
  const delta = G2.fromObject(vkey.vk_delta_2.slice(0, 2).map((c) => c.map(BigInt)));
  const A2 = G1.timesScalar(A, rho);
  const B2 = G2.add(G2.timesScalar(B, inverse(rho, SNARK_FIELD)), G2.timesScalar(delta, sigma));
  const C2 = G1.add(G1.toJacobian(C), G1.timesScalar(A2, sigma));
  const g1 = (p: Uint8Array) => (G1.toObject(G1.toAffine(p)) as bigint[]).map(String);
  const g2 = (p: Uint8Array) => (G2.toObject(G2.toAffine(p)) as bigint[][]).map((c) => c.map(String));
  return { ...proof, pi_a: g1(A2), pi_b: g2(B2), pi_c: g1(C2) };
}
