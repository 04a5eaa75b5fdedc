/**
 * The 128-byte point-compressed form of a BN254 Groth16 proof: A (G1, 32 bytes) ‖ B (G2, 64 bytes) ‖ C (G1,
 * 32 bytes), each point stored as its x coordinate, big-endian, y recovered by a square root.
 *
 * Flag bits (the two top bits of a point's first byte; the base field modulus is below 2^254, so a canonical
 * x never sets them), the layout gnark-crypto uses for BN254:
 *   0b10  compressed, y is the smaller root      0b11  compressed, y is the larger root
 *   0b01  the point at infinity (every other bit zero)   0b00  not a compressed point: refused
 * "Larger" in Fp: y > (p − 1) / 2. In Fp2 (y = y0 + y1·u): y1's order, or y0's when y1 = 0 (the order
 * Zcash's BLS12-381 encoding uses). G2's x is stored x1 then x0 (the imaginary part first), 32 bytes each.
 * No other implementation's bytes were available to cross-check the Fp2 order against.
 *
 * Decoding refuses: a wrong length, the 0b00 flag, x ≥ p, an x with no point on the curve (or the twist),
 * and the point at infinity (never a valid proof point). It does not check B's subgroup: the verifier's
 * proof-point checks (groth16-checks.ts) run on the decoded proof as on any other.
 *
 * Plain BigInt arithmetic in Fp and Fp2, synchronous and without a package: a result file is decoded while
 * it is parsed (in Node or a browser), and the verification library stays light to import (no ffjavascript
 * or WebAssembly until a pairing is needed). The tests check it against ffjavascript's curve points.
 */
import type { Groth16Proof } from '../core/groth16.js';

export const COMPRESSED_PROOF_BYTES = 128;

/** BN254 base field modulus (coordinates of curve points); p ≡ 3 (mod 4). */
const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

type Fp2Element = [bigint, bigint]; // a0 + a1·u, u² = −1

const mod = (a: bigint): bigint => ((a % P) + P) % P;
function pow(b: bigint, e: bigint): bigint {
  let r = 1n;
  for (b = mod(b); e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P;
  return r;
}
const Fp = {
  cube: (x: bigint): bigint => (((x * x) % P) * x) % P,
  /** p ≡ 3 (mod 4): a^((p+1)/4) is a root when one exists (checked by the caller) */
  sqrt: (a: bigint): bigint => pow(a, (P + 1n) / 4n),
};
const Fp2 = {
  add: (a: Fp2Element, b: Fp2Element): Fp2Element => [mod(a[0] + b[0]), mod(a[1] + b[1])],
  mul: (a: Fp2Element, b: Fp2Element): Fp2Element => [mod(a[0] * b[0] - a[1] * b[1]), mod(a[0] * b[1] + a[1] * b[0])],
  neg: (a: Fp2Element): Fp2Element => [mod(-a[0]), mod(-a[1])],
  eq: (a: Fp2Element, b: Fp2Element): boolean => a[0] === b[0] && a[1] === b[1],
  pow(b: Fp2Element, e: bigint): Fp2Element {
    let r: Fp2Element = [1n, 0n];
    for (; e > 0n; e >>= 1n, b = Fp2.mul(b, b)) if (e & 1n) r = Fp2.mul(r, b);
    return r;
  },
  /** Adj and Rodríguez-Henríquez, "Square root computation over even extension fields", algorithm 9 (q ≡ 3 mod 4); null when none */
  sqrt(a: Fp2Element): Fp2Element | null {
    const minusOne: Fp2Element = [P - 1n, 0n];
    const a1 = Fp2.pow(a, (P - 3n) / 4n);
    const alpha = Fp2.mul(Fp2.mul(a1, a1), a);
    const a0 = Fp2.mul([alpha[0], mod(-alpha[1])], alpha); // alpha^p · alpha: the Frobenius is conjugation
    if (Fp2.eq(a0, minusOne)) return null;
    const x0 = Fp2.mul(a1, a);
    if (Fp2.eq(alpha, minusOne)) return Fp2.mul([0n, 1n], x0);
    return Fp2.mul(Fp2.pow(Fp2.add([1n, 0n], alpha), (P - 1n) / 2n), x0);
  },
};
const cube2 = (x: Fp2Element): Fp2Element => Fp2.mul(Fp2.mul(x, x), x);

/** y² = x³ + 3 on G1; y² = x³ + 3 / (9 + u) = x³ + 3 (9 − u) / 82 on the twist (G2). */
const B1 = 3n;
const INV82 = pow(82n, P - 2n);
const B2: Fp2Element = [mod(27n * INV82), mod(-3n * INV82)];

const FLAG_MASK = 0xc0;
const FLAG_SMALL = 0x80;
const FLAG_LARGE = 0xc0;
const FLAG_INFINITY = 0x40;

export class CompressedProofError extends Error {}

const largerFp = (y: bigint): boolean => y > (P - 1n) / 2n;
const largerFp2 = (y: Fp2Element): boolean => (y[1] !== 0n ? largerFp(y[1]) : largerFp(y[0]));

function writeBE(out: Uint8Array, offset: number, x: bigint): void {
  for (let i = 31; i >= 0; i--, x >>= 8n) out[offset + i] = Number(x & 0xffn);
}

function readBE(bytes: Uint8Array, offset: number): bigint {
  let x = 0n;
  for (let i = 0; i < 32; i++) x = (x << 8n) | BigInt(bytes[offset + i]);
  return x;
}

function affine(coordinates: readonly string[], name: string, z: string): bigint[] {
  if (coordinates[2] !== z) throw new CompressedProofError(`${name} must be affine (z = 1) to be compressed`);
  return coordinates.slice(0, 2).map((c) => {
    const v = BigInt(c);
    if (v < 0n || v >= P) throw new CompressedProofError(`${name} has a coordinate outside the base field`);
    return v;
  });
}

function encodeG1(out: Uint8Array, offset: number, p: readonly string[], name: string): void {
  const [x, y] = affine(p, name, '1');
  if ((y * y) % P !== (Fp.cube(x) + B1) % P) throw new CompressedProofError(`${name} is not on the curve`);
  writeBE(out, offset, x);
  out[offset] |= largerFp(y) ? FLAG_LARGE : FLAG_SMALL;
}

function encodeG2(out: Uint8Array, offset: number, p: readonly (readonly string[])[], name: string): void {
  if (p[2]?.[0] !== '1' || p[2]?.[1] !== '0') throw new CompressedProofError(`${name} must be affine (z = 1) to be compressed`);
  const [x0, x1] = affine([...p[0], '1'], name, '1');
  const [y0, y1] = affine([...p[1], '1'], name, '1');
  const x: Fp2Element = [x0, x1];
  const y: Fp2Element = [y0, y1];
  if (!Fp2.eq(Fp2.mul(y, y), Fp2.add(cube2(x), B2))) throw new CompressedProofError(`${name} is not on the twist curve`);
  writeBE(out, offset, x1);
  writeBE(out, offset + 32, x0);
  out[offset] |= largerFp2(y) ? FLAG_LARGE : FLAG_SMALL;
}

/** The flag of the point starting at `offset` (refusing 0b00 and a non-empty infinity), and its x bytes with the flag cleared. */
function flagOf(bytes: Uint8Array, offset: number, size: number, name: string): number {
  const flag = bytes[offset] & FLAG_MASK;
  if (flag === FLAG_INFINITY) {
    const rest = bytes.subarray(offset, offset + size).some((b, i) => (i === 0 ? (b & ~FLAG_MASK) !== 0 : b !== 0));
    throw new CompressedProofError(rest ? `${name}: the infinity flag with a non-zero x` : `${name} is the point at infinity`);
  }
  if (flag !== FLAG_SMALL && flag !== FLAG_LARGE) throw new CompressedProofError(`${name} has no compression flag (top bits 00)`);
  return flag;
}

function coordinateAt(bytes: Uint8Array, offset: number, name: string, clearFlag: boolean): bigint {
  const copy = bytes.slice(offset, offset + 32);
  if (clearFlag) copy[0] &= ~FLAG_MASK;
  const x = readBE(copy, 0);
  if (x >= P) throw new CompressedProofError(`${name}: x is not below the base field modulus (non-canonical)`);
  return x;
}

function decodeG1(bytes: Uint8Array, offset: number, name: string): string[] {
  const flag = flagOf(bytes, offset, 32, name);
  const x = coordinateAt(bytes, offset, `${name}.x`, true);
  const y2 = (Fp.cube(x) + B1) % P;
  const root = Fp.sqrt(y2);
  if ((root * root) % P !== y2) throw new CompressedProofError(`${name}: no point of the curve has this x (not on the curve)`);
  const y = largerFp(root) === (flag === FLAG_LARGE) ? root : mod(-root);
  return [x.toString(), y.toString(), '1'];
}

function decodeG2(bytes: Uint8Array, offset: number, name: string): string[][] {
  const flag = flagOf(bytes, offset, 64, name);
  const x: Fp2Element = [coordinateAt(bytes, offset + 32, `${name}.x0`, false), coordinateAt(bytes, offset, `${name}.x1`, true)];
  const y2 = Fp2.add(cube2(x), B2);
  const root = Fp2.sqrt(y2);
  if (root === null || !Fp2.eq(Fp2.mul(root, root), y2)) throw new CompressedProofError(`${name}: no point of the twist curve has this x (not on the curve)`);
  const y = largerFp2(root) === (flag === FLAG_LARGE) ? root : Fp2.neg(root);
  return [
    [x[0].toString(), x[1].toString()],
    [y[0].toString(), y[1].toString()],
    ['1', '0'],
  ];
}

/** A Groth16 proof in snarkjs's JSON form → its 128 compressed bytes. Refuses points off the curve or at infinity. */
export function compressGroth16Proof(proof: Groth16Proof): Uint8Array {
  if (proof.protocol !== 'groth16' || proof.curve !== 'bn128') throw new CompressedProofError('only groth16 proofs on bn128 have a compressed form');
  const out = new Uint8Array(COMPRESSED_PROOF_BYTES);
  encodeG1(out, 0, proof.pi_a, 'pi_a');
  encodeG2(out, 32, proof.pi_b, 'pi_b');
  encodeG1(out, 96, proof.pi_c, 'pi_c');
  return out;
}

/** 128 compressed bytes → the proof in snarkjs's JSON form; throws CompressedProofError naming the bad point. */
export function decompressGroth16Proof(bytes: Uint8Array): Groth16Proof {
  if (bytes.length !== COMPRESSED_PROOF_BYTES) throw new CompressedProofError(`a compressed Groth16 proof is ${COMPRESSED_PROOF_BYTES} bytes, not ${bytes.length}`);
  return { pi_a: decodeG1(bytes, 0, 'pi_a'), pi_b: decodeG2(bytes, 32, 'pi_b'), pi_c: decodeG1(bytes, 96, 'pi_c'), protocol: 'groth16', curve: 'bn128' };
}

/** The hex text a result file carries (256 lower-case hex digits). */
export const compressedProofHex = (proof: Groth16Proof): string => Array.from(compressGroth16Proof(proof), (b) => b.toString(16).padStart(2, '0')).join('');

export function decompressProofHex(hex: string): Groth16Proof {
  if (!/^([0-9a-f]{2})*$/.test(hex)) throw new CompressedProofError('a compressed proof is written as lower-case hex digits');
  return decompressGroth16Proof(Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)));
}
