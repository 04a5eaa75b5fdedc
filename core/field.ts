/** The BN254 scalar field: every circuit signal, public input and Poseidon value lives here. */
export const SNARK_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Signed integer → field element (negative x becomes r - |x|). */
export function toField(x: bigint): bigint {
  const m = x % SNARK_FIELD;
  return m < 0n ? m + SNARK_FIELD : m;
}

/**
 * Field element → signed integer, reading elements above (r-1)/2 as negative. Certified amounts are far
 * below 2^200 in magnitude, so this is exact for every value a circuit can output.
 */
export function fromFieldSigned(x: bigint): bigint {
  if (x < 0n || x >= SNARK_FIELD) throw new Error('not a field element');
  return x > SNARK_FIELD / 2n ? x - SNARK_FIELD : x;
}

/** Canonical decimal form of a field element, as snarkjs writes public signals. */
export function isCanonicalFieldDecimal(s: unknown): s is string {
  return typeof s === 'string' && /^(0|[1-9]\d{0,76})$/.test(s) && BigInt(s) < SNARK_FIELD;
}
