/**
 * Meter public keys the registrar may register: a Baby Jubjub point of the prime-order subgroup, not the
 * identity. A point off the curve or of small order would make signature checks in the circuit meaningless
 * (a small-order key admits forged signatures), so it is refused on registration, not discovered later.
 */
import { buildBabyjub } from 'circomlibjs';
import { ApiError } from './errors.js';

/** The BN254 scalar field, over which Baby Jubjub is defined. */
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

let babyjub: Promise<any> | undefined;

/** Refuses (400 invalid_public_key) a key that is not a canonical, non-identity point of the subgroup. */
export async function checkMeterPublicKey(key: readonly [string, string]): Promise<void> {
  const [x, y] = key.map(BigInt);
  if (x >= P || y >= P) throw new ApiError(400, 'invalid_public_key', 'publicKey: a coordinate is not below the field modulus');
  if (x === 0n && y === 1n) throw new ApiError(400, 'invalid_public_key', 'publicKey: the identity point is not a key');
  const bj = await (babyjub ??= buildBabyjub());
  const point = [bj.F.e(x), bj.F.e(y)];
  if (!bj.inCurve(point)) throw new ApiError(400, 'invalid_public_key', 'publicKey: the point is not on the Baby Jubjub curve');
  if (!bj.inSubgroup(point)) throw new ApiError(400, 'invalid_public_key', 'publicKey: the point is not in the prime-order subgroup ([l]P ≠ O)');
}
