/**
 * Checks snarkjs's verifier leaves out (DEVELOPERS.md): canonical encodings, points on the curve, not at
 * infinity, and B in the order-r subgroup of G2. Run before any pairing.
 */
import { SNARK_FIELD } from '../core/field.js';
import type { Groth16Proof } from './backend.js';
import { verificationCurve } from './snark-verify.js';

/** BN254 base field modulus (coordinates of curve points). */
const BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

// asked for each time rather than cached here: the process-wide curve (globalThis.curve_bn128) may have
// been built or terminated (releaseCurve()) since
const curve = verificationCurve;

function coordinate(s: unknown, where: string): bigint {
  if (typeof s !== 'string' || !/^(0|[1-9]\d{0,76})$/.test(s)) throw new Error(`${where} is not a canonical decimal`);
  const x = BigInt(s);
  if (x >= BASE_FIELD) throw new Error(`${where} is not below the base field modulus`);
  return x;
}

/** Throws an Error naming the first failing check; resolves when the proof is well-formed. */
export async function assertWellFormedProof(proof: Groth16Proof): Promise<void> {
  if (proof.protocol !== 'groth16' || proof.curve !== 'bn128') throw new Error('proof is not a groth16 proof on bn128');
  const { pi_a: a, pi_b: b, pi_c: c } = proof;
  if (!Array.isArray(a) || a.length !== 3 || !Array.isArray(c) || c.length !== 3) throw new Error('pi_a and pi_c must have 3 coordinates');
  if (!Array.isArray(b) || b.length !== 3 || !b.every((p) => Array.isArray(p) && p.length === 2)) throw new Error('pi_b must be 3 pairs');
  // snarkjs emits affine points with z = 1; anything else is a non-canonical encoding.
  if (a[2] !== '1' || c[2] !== '1' || b[2][0] !== '1' || b[2][1] !== '0') throw new Error('proof points must be affine (z = 1)');

  const bn = await curve();
  for (const [name, p] of [['pi_a', a], ['pi_c', c]] as const) {
    const point = bn.G1.fromObject([coordinate(p[0], `${name}.x`), coordinate(p[1], `${name}.y`)]);
    if (!bn.G1.isValid(point)) throw new Error(`${name} is not on the curve`);
    if (bn.G1.isZero(point)) throw new Error(`${name} is the point at infinity`);
  }
  const B = bn.G2.fromObject([
    [coordinate(b[0][0], 'pi_b.x0'), coordinate(b[0][1], 'pi_b.x1')],
    [coordinate(b[1][0], 'pi_b.y0'), coordinate(b[1][1], 'pi_b.y1')],
  ]);
  if (!bn.G2.isValid(B)) throw new Error('pi_b is not on the twist curve');
  if (bn.G2.isZero(B)) throw new Error('pi_b is the point at infinity');
  // G2 has a large cofactor: a point of the wrong order passes the curve equation but breaks soundness.
  if (!bn.G2.isZero(bn.G2.timesScalar(B, SNARK_FIELD))) throw new Error('pi_b is not in the order-r subgroup');
}
