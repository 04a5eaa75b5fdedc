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
 * Pure BigInt arithmetic (ffjavascript's F1Field / F2Field and their square roots), synchronous: a result
 * file is decoded while it is parsed, in Node or the browser, without the WebAssembly curve.
 */
import { F1Field, F2Field } from 'ffjavascript';
import type { Groth16Proof } from '../core/groth16.js';

export const COMPRESSED_PROOF_BYTES = 128;

/** BN254 base field modulus (coordinates of curve points). */
const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const Fp = new F1Field(P);
const Fp2 = new F2Field(Fp, Fp.negone); // u² = −1
/** y² = x³ + 3 on G1; y² = x³ + 3 / (9 + u) on the twist (G2). */
const B1 = 3n;
const B2 = Fp2.div([3n, 0n], [9n, 1n]);

const FLAG_MASK = 0xc0;
const FLAG_SMALL = 0x80;
const FLAG_LARGE = 0xc0;
const FLAG_INFINITY = 0x40;

type Fp2Element = [bigint, bigint];

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
  if (Fp.square(y) !== Fp.add(Fp.mul(Fp.square(x), x), B1)) throw new CompressedProofError(`${name} is not on the curve`);
  writeBE(out, offset, x);
  out[offset] |= largerFp(y) ? FLAG_LARGE : FLAG_SMALL;
}

function encodeG2(out: Uint8Array, offset: number, p: readonly (readonly string[])[], name: string): void {
  if (p[2]?.[0] !== '1' || p[2]?.[1] !== '0') throw new CompressedProofError(`${name} must be affine (z = 1) to be compressed`);
  const [x0, x1] = affine([...p[0], '1'], name, '1');
  const [y0, y1] = affine([...p[1], '1'], name, '1');
  const x: Fp2Element = [x0, x1];
  const y: Fp2Element = [y0, y1];
  if (!Fp2.eq(Fp2.square(y), Fp2.add(Fp2.mul(Fp2.square(x), x), B2))) throw new CompressedProofError(`${name} is not on the twist curve`);
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
  const y2 = Fp.add(Fp.mul(Fp.square(x), x), B1);
  const root = Fp.sqrt(y2) as bigint | null;
  if (root === null || Fp.square(root) !== y2) throw new CompressedProofError(`${name}: no point of the curve has this x (not on the curve)`);
  const y = largerFp(root) === (flag === FLAG_LARGE) ? root : Fp.neg(root);
  return [x.toString(), y.toString(), '1'];
}

function decodeG2(bytes: Uint8Array, offset: number, name: string): string[][] {
  const flag = flagOf(bytes, offset, 64, name);
  const x: Fp2Element = [coordinateAt(bytes, offset + 32, `${name}.x0`, false), coordinateAt(bytes, offset, `${name}.x1`, true)];
  const y2 = Fp2.add(Fp2.mul(Fp2.square(x), x), B2);
  const root = Fp2.sqrt(y2) as Fp2Element | null;
  if (root === null || !Fp2.eq(Fp2.square(root), y2)) throw new CompressedProofError(`${name}: no point of the twist curve has this x (not on the curve)`);
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
