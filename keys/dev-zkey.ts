// Writes the initial Groth16 zkey (byte for byte what `snarkjs zkey new` writes from a .ptau made with the
// same tau, alpha, beta) straight from the r1cs and the toxic waste, with no .ptau at all.
//
// `zkey new` combines Lagrange-basis ptau points with the r1cs coefficients in multi-exponentiations.
// Knowing tau we can instead evaluate every wire's QAP polynomials at tau in the field (cheap and sparse)
// and do a single fixed-base multiplication per output point.
//
// With gamma = delta = 1 (as in `zkey new`), for wire j with QAP polynomials u_j, v_j, w_j:
//   A_j = u_j(tau) G1     B1_j = v_j(tau) G1     B2_j = v_j(tau) G2
//   IC_j (public j) and C_j (private j) = (beta u_j(tau) + alpha v_j(tau) + w_j(tau)) G1
//   H_i = L'_(2i+1)(tau) G1, the odd points of the 2n-domain Lagrange basis snarkjs's prover expects.
// snarkjs also adds one row per public signal (and the constant) to A: L_(nConstraints+j)(tau) in u_j.

import type { Hash } from 'node:crypto';
import { writeBinFile } from './binfile.js';
import { concat, u32BE, u32LE } from './bytes.js';
import { type GroupName, affineBytes } from './curve.js';
import { BN254_Q, BN254_R, FR_BYTES, Fr, lagrangeBasisAt, powers, truncatedLagrangeBasisAt, writeU256LE } from './field.js';
import { FixedBaseMultiplier, type PointBatch } from './fixed-base.js';
import { blake2b512 } from './hash.js';
import { type R1cs, readR1cs } from './r1cs.js';
import type { ToxicWaste } from './toxic.js';

export interface DevZkeyOptions {
  r1csPath: string;
  toxic: ToxicWaste;
  zkeyPath: string;
  /**
   * Power of the .ptau whose `zkey new` output this file reproduces; it only affects the H section
   * and the circuit hash. Default: the circuit's domain power + 1.
   */
  ptauPower?: number;
  onProgress?: (message: string) => void;
}

export interface DevZkeyResult {
  /** BLAKE2b-512 circuit hash, as `snarkjs zkey new` prints it. */
  csHash: Uint8Array;
  domainPower: number;
  nConstraints: number;
  nVars: number;
  nPublic: number;
}

/** Wire evaluations at tau: u_j(tau), v_j(tau), w_j(tau) for every wire j. */
interface QapAtTau {
  u: bigint[];
  v: bigint[];
  w: bigint[];
}

const GROTH16 = 1;
/** snarkjs hashes the H-query points in chunks of this size (see hashedHPointCount). */
const H_HASH_CHUNK = 1 << 14;
/** Largest domain snarkjs builds from the ordinary (not the extended) Lagrange block: 2^(Fr.s - 1). */
const MAX_DOMAIN_POWER = 27;

export async function writeDevZkey({ r1csPath, toxic, zkeyPath, ptauPower, onProgress = () => {} }: DevZkeyOptions): Promise<DevZkeyResult> {
  const r1cs = await readR1cs(r1csPath);
  const nConstraints = r1cs.constraints.length;
  const domainPower = circuitPower(r1cs);
  const power = ptauPower ?? domainPower + 1;
  checkPowers(domainPower, power);
  const n = 2 ** domainPower;

  const { tau, alpha, beta } = toxic;
  const nPublic = r1cs.nPublic;
  onProgress(`evaluating ${r1cs.nWires} wires at tau (${nConstraints} constraints, domain 2^${domainPower})`);
  const lagrange = lagrangeBasisAt(tau, domainPower);
  const { u, v, w } = evaluateQap(r1cs, lagrange);
  const ic = (j: number): bigint => (beta * u[j] + alpha * v[j] + w[j]) % BN254_R;

  const fixedBase = await FixedBaseMultiplier.start();
  try {
    const points = (label: string, group: GroupName, scalars: bigint[]): Promise<PointBatch> =>
      fixedBase.multiply(group, scalars, (done, total) => onProgress(`${label} points ${done}/${total}`));
    const hasher = blake2b512();
    const hashPoints = (batch: PointBatch, count: number): void => {
      hasher.update(u32BE(count)).update(batch.uncompressed);
    };

    // Sections go in `zkey new`'s file order (1, 2, 4, 3, 9, 8, 5, 6, 7, 10); the circuit hash has its
    // own: header points, IC, H (monomial basis), C, A, B1, B2, each list prefixed by its length.
    const csHash = await writeBinFile(zkeyPath, 'zkey', 10, async (file) => {
      await file.writeSection(1, u32LE(GROTH16));
      await file.writeSection(2, await grothHeader(fixedBase, toxic, r1cs, n, hasher));
      await file.writeSection(4, coefficientsSection(r1cs));

      const icPoints = await points('IC', 'G1', range(0, nPublic + 1).map(ic));
      await file.writeSection(3, icPoints.lem);
      hashPoints(icPoints, nPublic + 1);

      const hPoints = await points('H', 'G1', hQueryScalars(tau, domainPower, power));
      await file.writeSection(9, hPoints.lem);
      // The circuit hash covers tau^i (tau^n - 1) G1 (the H query in the monomial basis) instead.
      const zPoints = await points('H hash', 'G1', powers(tau, hashedHPointCount(n), Fr.sub(Fr.exp(tau, n), Fr.one)));
      hasher.update(u32BE(n - 1)).update(zPoints.uncompressed);

      const cPoints = await points('C', 'G1', range(nPublic + 1, r1cs.nWires).map(ic));
      await file.writeSection(8, cPoints.lem);
      hashPoints(cPoints, r1cs.nWires - nPublic - 1);

      for (const [section, label, group, scalars] of [
        [5, 'A', 'G1', u],
        [6, 'B1', 'G1', v],
        [7, 'B2', 'G2', v],
      ] as const) {
        const batch = await points(label, group, scalars);
        await file.writeSection(section, batch.lem);
        hashPoints(batch, r1cs.nWires);
      }

      const digest = hasher.digest();
      await file.writeSection(10, digest, u32LE(0)); // no phase-2 contributions yet
      return digest;
    });
    return { csHash, domainPower, nConstraints, nVars: r1cs.nWires, nPublic };
  } finally {
    await fixedBase.terminate();
  }
}

/** snarkjs's domain: the smallest power of two above nConstraints + nPublic, i.e. room for the extra rows. */
export function circuitPower(r1cs: R1cs): number {
  return 31 - Math.clz32(r1cs.constraints.length + r1cs.nPublic) + 1;
}

function checkPowers(domainPower: number, ptauPower: number): void {
  if (domainPower > MAX_DOMAIN_POWER) throw new Error(`circuit too large: domain 2^${domainPower}`);
  if (ptauPower < domainPower) throw new Error(`ptau power ${ptauPower} is too small for a 2^${domainPower} domain`);
  // With ptau power == domain power and n > 2^14, `zkey new` hashes one point read from past the end of
  // the ptau's tau G1 section (see hashedHPointCount), so its circuit hash depends on unrelated file bytes.
  if (ptauPower === domainPower && 2 ** domainPower > H_HASH_CHUNK) {
    throw new Error(`cannot reproduce \`zkey new\` for a 2^${domainPower} domain and a ptau of the same power; use ptauPower ${domainPower + 1}`);
  }
}

/** u, v, w of every wire at tau, from the constraint rows plus snarkjs's extra A rows for public wires. */
function evaluateQap(r1cs: R1cs, lagrange: bigint[]): QapAtTau {
  const zeros = (): bigint[] => new Array<bigint>(r1cs.nWires).fill(0n);
  const qap: QapAtTau = { u: zeros(), v: zeros(), w: zeros() };
  const targets = [qap.u, qap.v, qap.w];
  // Accumulate unreduced and reduce once per wire: BigInt additions are far cheaper than reductions.
  r1cs.constraints.forEach((constraint, c) => {
    constraint.forEach((terms, m) => {
      for (const { wire, coef } of terms) {
        if (wire >= r1cs.nWires) throw new Error(`r1cs: constraint ${c} uses wire ${wire} of ${r1cs.nWires}`);
        targets[m][wire] += coef * lagrange[c];
      }
    });
  });
  for (let j = 0; j <= r1cs.nPublic; j++) qap.u[j] += lagrange[r1cs.constraints.length + j];
  for (const values of targets) values.forEach((x, j) => (values[j] = x % BN254_R));
  return qap;
}

/** Header: curve, sizes, then alpha G1, beta G1, beta G2, gamma G2, delta G1, delta G2 (gamma = delta = 1). */
async function grothHeader(
  fixedBase: FixedBaseMultiplier,
  toxic: ToxicWaste,
  r1cs: R1cs,
  domainSize: number,
  hasher: Hash,
): Promise<Uint8Array> {
  const g1 = await fixedBase.multiply('G1', [toxic.alpha, toxic.beta, Fr.one]);
  const g2 = await fixedBase.multiply('G2', [toxic.beta, Fr.one]);
  const pick = (batch: PointBatch, group: GroupName, i: number): { lem: Uint8Array; u: Uint8Array } => {
    const [from, to] = [i * affineBytes(group), (i + 1) * affineBytes(group)];
    return { lem: batch.lem.subarray(from, to), u: batch.uncompressed.subarray(from, to) };
  };
  // alpha G1, beta G1, beta G2, gamma G2 = G2, delta G1 = G1, delta G2 = G2
  const keyPoints = [pick(g1, 'G1', 0), pick(g1, 'G1', 1), pick(g2, 'G2', 0), pick(g2, 'G2', 1), pick(g1, 'G1', 2), pick(g2, 'G2', 1)];
  for (const p of keyPoints) hasher.update(p.u);

  const field = (prime: bigint): Uint8Array => {
    const out = new Uint8Array(4 + FR_BYTES);
    new DataView(out.buffer).setUint32(0, FR_BYTES, true);
    writeU256LE(out, 4, prime);
    return out;
  };
  return concat(
    field(BN254_Q),
    field(BN254_R),
    u32LE(r1cs.nWires),
    u32LE(r1cs.nPublic),
    u32LE(domainSize),
    ...keyPoints.map((p) => p.lem),
  );
}

/**
 * Section 4: the A and B matrices (the prover needs them), each coefficient as c * R^2 mod r with
 * R = 2^256 (snarkjs's "double Montgomery" form), then the extra A rows for public wires.
 */
function coefficientsSection(r1cs: R1cs): Uint8Array {
  const R2 = (1n << 512n) % BN254_R;
  const entries: [matrix: number, constraint: number, wire: number, coef: bigint][] = [];
  r1cs.constraints.forEach(([a, b], c) => {
    for (const t of a) entries.push([0, c, t.wire, t.coef]);
    for (const t of b) entries.push([1, c, t.wire, t.coef]);
  });
  for (let j = 0; j <= r1cs.nPublic; j++) entries.push([0, r1cs.constraints.length + j, j, 1n]);

  const ENTRY_BYTES = 12 + FR_BYTES;
  const out = new Uint8Array(4 + entries.length * ENTRY_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, entries.length, true);
  entries.forEach(([matrix, constraint, wire, coef], i) => {
    const pos = 4 + i * ENTRY_BYTES;
    view.setUint32(pos, matrix, true);
    view.setUint32(pos + 4, constraint, true);
    view.setUint32(pos + 8, wire, true);
    writeU256LE(out, pos + 12, (coef * R2) % BN254_R);
  });
  return out;
}

/**
 * H query scalars: odd-index Lagrange basis of the 2n domain, n = 2^domainPower. `zkey new` takes them
 * from the ptau's Lagrange block of size 2n, which is the truncated one when the ptau has power
 * domainPower (see truncatedLagrangeBasisAt); both variants give valid proofs.
 */
function hQueryScalars(tau: bigint, domainPower: number, ptauPower: number): bigint[] {
  const basis = ptauPower > domainPower ? lagrangeBasisAt(tau, domainPower + 1) : truncatedLagrangeBasisAt(tau, domainPower + 1);
  return basis.filter((_, i) => i % 2 === 1);
}

/**
 * How many points tau^i (tau^n - 1) G1 `zkey new` hashes. It announces n - 1, but hashes
 * min(n - 1, 2^14) points for each started chunk of 2^14, i.e. n points once n exceeds 2^14.
 */
function hashedHPointCount(n: number): number {
  return Math.ceil((n - 1) / H_HASH_CHUNK) * Math.min(n - 1, H_HASH_CHUNK);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
