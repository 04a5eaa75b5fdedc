// Scalar-field (Fr of BN254) helpers shared by the development key generators.
// Everything here is plain BigInt arithmetic: the expensive part of the setup
// is the group arithmetic, which lives in fixed-base.ts.

import { F1Field } from 'ffjavascript';

/** Order of the BN254 G1/G2 groups (the circuit field of circom's default prime). */
export const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** BN254 base field modulus; needed only for file headers. */
export const BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

export interface PrimeField {
  readonly one: bigint;
  /** w[k] is the primitive 2^k-th root of unity of ffjavascript's FFTs. */
  readonly w: bigint[];
  e(a: bigint | number): bigint;
  add(a: bigint, b: bigint): bigint;
  sub(a: bigint, b: bigint): bigint;
  mul(a: bigint, b: bigint): bigint;
  div(a: bigint, b: bigint): bigint;
  inv(a: bigint): bigint;
  exp(base: bigint, e: bigint | number): bigint;
  isZero(a: bigint): boolean;
}

/** ffjavascript's BigInt field: its roots of unity are the ones snarkjs's FFTs (and so its files) use. */
export const Fr: PrimeField = new F1Field(BN254_R);

export const FR_BYTES = 32;

/** Inverts every element with one field inversion (Montgomery's trick). */
export function batchInverse(values: bigint[]): bigint[] {
  const prefix = new Array<bigint>(values.length);
  let acc = Fr.one;
  for (let i = 0; i < values.length; i++) {
    prefix[i] = acc;
    acc = Fr.mul(acc, values[i]);
  }
  if (Fr.isZero(acc)) throw new Error('batchInverse: zero element');
  let accInv = Fr.inv(acc);
  const out = new Array<bigint>(values.length);
  for (let i = values.length - 1; i >= 0; i--) {
    out[i] = Fr.mul(accInv, prefix[i]);
    accInv = Fr.mul(accInv, values[i]);
  }
  return out;
}

/**
 * Lagrange basis of the multiplicative subgroup of size 2^log2n evaluated at x:
 * L_j(x) = w^j (x^n - 1) / (n (x - w^j)), with w = Fr.w[log2n].
 * (x is never a root of unity in practice; batchInverse throws if it is.)
 */
export function lagrangeBasisAt(x: bigint, log2n: number): bigint[] {
  const n = 2 ** log2n;
  const w = Fr.w[log2n];
  const roots = powers(w, n);
  const inverses = batchInverse(roots.map((r) => Fr.sub(x, r)));
  const factor = Fr.div(Fr.sub(Fr.exp(x, n), Fr.one), Fr.e(n));
  return roots.map((r, j) => Fr.mul(Fr.mul(factor, r), inverses[j]));
}

/**
 * The top Lagrange block of a .ptau's section 12 is the inverse FFT of tau^0 .. tau^(m-2) with a zero in
 * place of the missing tau^(m-1), m = 2^log2m. That removes tau^(m-1)/m * w^(-(m-1)j) = tau^(m-1) w^j / m
 * from each L_j(tau).
 */
export function truncatedLagrangeBasisAt(tau: bigint, log2m: number): bigint[] {
  const m = 2 ** log2m;
  const correction = Fr.div(Fr.exp(tau, m - 1), Fr.e(m));
  let wj = Fr.one;
  return lagrangeBasisAt(tau, log2m).map((l) => {
    const out = Fr.sub(l, Fr.mul(correction, wj));
    wj = Fr.mul(wj, Fr.w[log2m]);
    return out;
  });
}

/** [1, x, x^2, ..., x^(count-1)] */
export function powers(x: bigint, count: number, first: bigint = Fr.one): bigint[] {
  const out = new Array<bigint>(count);
  let acc = first;
  for (let i = 0; i < count; i++) {
    out[i] = acc;
    acc = Fr.mul(acc, x);
  }
  return out;
}

/** Packs field elements as consecutive 32-byte little-endian integers (standard, not Montgomery, form). */
export function scalarsToBytes(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * FR_BYTES);
  values.forEach((v, i) => writeU256LE(out, i * FR_BYTES, v));
  return out;
}

const MASK64 = (1n << 64n) - 1n;

export function writeU256LE(buff: Uint8Array, offset: number, value: bigint): void {
  const view = new DataView(buff.buffer, buff.byteOffset + offset, 32);
  for (let i = 0; i < 4; i++) view.setBigUint64(i * 8, (value >> BigInt(64 * i)) & MASK64, true);
}

export function readU256LE(buff: Uint8Array, offset: number): bigint {
  const view = new DataView(buff.buffer, buff.byteOffset + offset, 32);
  return (
    view.getBigUint64(0, true) |
    (view.getBigUint64(8, true) << 64n) |
    (view.getBigUint64(16, true) << 128n) |
    (view.getBigUint64(24, true) << 192n)
  );
}
