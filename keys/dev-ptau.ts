// Writes a complete phase-2-ready .ptau file (what `snarkjs powersoftau prepare phase2` outputs)
// directly from known toxic waste, instead of new + contribute + prepare phase2.
//
// Layout (all points affine, little-endian Montgomery):
//   1 header: n8q, q, power, ceremonyPower
//   2 tau^i G1,        i < 2^(power+1) - 1      3 tau^i G2,   i < 2^power
//   4 alpha tau^i G1,  i < 2^power              5 beta tau^i G1, i < 2^power
//   6 beta G2                                   7 contributions (one, with its proof of knowledge)
//   12..15 the same four series in the Lagrange basis of every domain 2^p, p = 0..power
//          (section 12 also has p = power+1, built from the 2^(power+1) - 1 available powers)
//
// The single contribution record makes `snarkjs powersoftau verify` accept the file: it chains from
// the empty accumulator of this power exactly like a real one-party `powersoftau contribute`.

import { getRandomValues } from 'node:crypto';
import { writeBinFile } from './binfile.js';
import { concat, u32LE } from './bytes.js';
import {
  type Bn128,
  type CurveGroup,
  G1_AFFINE_BYTES,
  G2_AFFINE_BYTES,
  type GroupName,
  type WasmBytes,
  affineBytes,
  bn128SingleThread,
  chacha,
} from './curve.js';
import { BN254_Q, FR_BYTES, Fr, lagrangeBasisAt, powers, truncatedLagrangeBasisAt, writeU256LE } from './field.js';
import { FixedBaseMultiplier, type PointBatch } from './fixed-base.js';
import { ResumableBlake2b, blake2b512, hashToG2 } from './hash.js';
import type { ToxicWaste } from './toxic.js';

export const DEV_PTAU_CONTRIBUTOR = 'meterproof INSECURE development phase 1';

/** Largest power this writer accepts: beyond it the file (and the time to write it) grows unreasonably. */
export const MAX_DEV_PTAU_POWER = 20;

export interface DevPtauOptions {
  toxic: ToxicWaste;
  power: number;
  ptauPath: string;
  onProgress?: (message: string) => void;
}

/** Geometric sections 2..6, in file order. */
interface GeometricSections {
  tauG1: PointBatch;
  tauG2: PointBatch;
  alphaTauG1: PointBatch;
  betaTauG1: PointBatch;
  betaG2: PointBatch;
}

export async function writeDevPtau({ toxic, power, ptauPath, onProgress = () => {} }: DevPtauOptions): Promise<void> {
  if (!Number.isInteger(power) || power < 1 || power > MAX_DEV_PTAU_POWER) {
    throw new Error(`dev ptau power must be an integer in [1, ${MAX_DEV_PTAU_POWER}], got ${power}`);
  }
  const curve = await bn128SingleThread(); // no worker threads to stop afterwards
  const fixedBase = await FixedBaseMultiplier.start();
  try {
    const geometric = await geometricSections(fixedBase, toxic, power, onProgress);
    const contribution = await contributionRecord(curve, toxic, power, geometric);
    const lagrange = await lagrangeSections(fixedBase, toxic, power, onProgress);

    await writeBinFile(ptauPath, 'ptau', 11, async (file) => {
      await file.writeSection(1, ptauHeader(power));
      for (const [i, [, section]] of sectionsInOrder(geometric).entries()) await file.writeSection(2 + i, section.lem);
      await file.writeSection(7, contribution);
      for (const [i, section] of lagrange.entries()) await file.writeSection(12 + i, section);
    });
  } finally {
    await fixedBase.terminate();
  }
}

/** A .ptau header (section 1): field size, base field modulus, power and ceremony power (never truncated). */
export function ptauHeader(power: number): Uint8Array {
  const out = new Uint8Array(4 + FR_BYTES + 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, FR_BYTES, true);
  writeU256LE(out, 4, BN254_Q);
  view.setUint32(4 + FR_BYTES, power, true);
  view.setUint32(8 + FR_BYTES, power, true); // ceremony power: this file was never truncated
  return out;
}

/**
 * first * tau^i * G by fixed-base multiplication. (ffjavascript's batchApplyKey computes the same series
 * but, measured at power 12, took 10.7 s against about 1 s for these sections.)
 */
async function geometricSections(
  fixedBase: FixedBaseMultiplier,
  toxic: ToxicWaste,
  power: number,
  onProgress: (message: string) => void,
): Promise<GeometricSections> {
  const n = 2 ** power;
  const { tau, alpha, beta } = toxic;
  const series = async (group: GroupName, count: number, first: bigint, label: string): Promise<PointBatch> =>
    fixedBase.multiply(group, powers(tau, count, first), (done) => onProgress(`${label} ${done}/${count}`));
  return {
    tauG1: await series('G1', 2 * n - 1, Fr.one, 'tau G1 powers'),
    tauG2: await series('G2', n, Fr.one, 'tau G2 powers'),
    alphaTauG1: await series('G1', n, alpha, 'alpha tau G1 powers'),
    betaTauG1: await series('G1', n, beta, 'beta tau G1 powers'),
    betaG2: await series('G2', 1, beta, 'beta G2'),
  };
}

/** Sections 12..15: Lagrange-basis points for every domain size up to 2^power (2^(power+1) for 12). */
async function lagrangeSections(
  fixedBase: FixedBaseMultiplier,
  toxic: ToxicWaste,
  power: number,
  onProgress: (message: string) => void,
): Promise<Uint8Array[]> {
  const { tau, alpha, beta } = toxic;
  const basis: bigint[] = [];
  for (let p = 0; p <= power; p++) basis.push(...lagrangeBasisAt(tau, p));
  const top = truncatedLagrangeBasisAt(tau, power + 1);

  const run = async (group: GroupName, scalars: bigint[], label: string): Promise<Uint8Array> =>
    (await fixedBase.multiply(group, scalars, (done, total) => onProgress(`${label} ${done}/${total}`))).lem;
  return [
    await run('G1', [...basis, ...top], 'Lagrange tau G1'),
    await run('G2', basis, 'Lagrange tau G2'),
    await run('G1', basis.map((l) => Fr.mul(alpha, l)), 'Lagrange alpha tau G1'),
    await run('G1', basis.map((l) => Fr.mul(beta, l)), 'Lagrange beta tau G1'),
  ];
}

/**
 * Section 7 with one contribution, as `powersoftau contribute` would write it after the empty
 * accumulator: the new tau/alpha/beta points, a proof of knowledge of each secret, the partial hash of
 * the response and the next challenge hash.
 */
async function contributionRecord(curve: Bn128, toxic: ToxicWaste, power: number, geometric: GeometricSections): Promise<Uint8Array> {
  const challenge = firstChallengeHash(curve, power);
  const key = proofsOfKnowledge(curve, toxic, challenge);

  // The response is hashed with compressed points, the next challenge with uncompressed ones.
  const response = new ResumableBlake2b().update(challenge);
  for (const [group, points] of sectionsInOrder(geometric)) response.update(await curve[group].batchLEMtoC(points.lem));
  const partialHash = response.partialState();
  const responseHash = response.update(key.uncompressed).digest();

  const next = blake2b512().update(responseHash);
  for (const [, points] of sectionsInOrder(geometric)) next.update(points.uncompressed);
  const nextChallenge = next.digest();

  const name = new TextEncoder().encode(DEV_PTAU_CONTRIBUTOR);
  const params = new Uint8Array([1, name.byteLength, ...name]); // param 1 = contributor name
  return concat(
    u32LE(1), // number of contributions
    pointAt(geometric.tauG1, 1, 'G1'),
    pointAt(geometric.tauG2, 1, 'G2'),
    pointAt(geometric.alphaTauG1, 0, 'G1'),
    pointAt(geometric.betaTauG1, 0, 'G1'),
    geometric.betaG2.lem,
    key.lem,
    partialHash,
    nextChallenge,
    u32LE(0), // type: regular contribution, not a beacon
    u32LE(params.byteLength),
    params,
  );
}

const sectionsInOrder = (p: GeometricSections): [GroupName, PointBatch][] => [
  ['G1', p.tauG1],
  ['G2', p.tauG2],
  ['G1', p.alphaTauG1],
  ['G1', p.betaTauG1],
  ['G2', p.betaG2],
];

const pointAt = (section: PointBatch, index: number, group: GroupName): Uint8Array =>
  section.lem.subarray(index * affineBytes(group), (index + 1) * affineBytes(group));

/** Challenge hash of the empty accumulator: every point is a generator. */
function firstChallengeHash(curve: Bn128, power: number): Uint8Array {
  const n = 2 ** power;
  const g1 = uncompressed(curve.G1, curve.G1.g);
  const g2 = uncompressed(curve.G2, curve.G2.g);
  const h = blake2b512().update(blake2b512().digest());
  const repeat = (point: Uint8Array, count: number): void => {
    const block = new Uint8Array(point.byteLength * Math.min(count, 4096));
    for (let i = 0; i < block.byteLength; i += point.byteLength) block.set(point, i);
    for (let left = count; left > 0; left -= block.byteLength / point.byteLength) {
      h.update(block.subarray(0, Math.min(left, block.byteLength / point.byteLength) * point.byteLength));
    }
  };
  repeat(g1, 2 * n - 1);
  repeat(g2, n);
  repeat(g1, n);
  repeat(g1, n);
  h.update(g2);
  return h.digest();
}

/**
 * For each secret x (tau, alpha, beta; personalisation 0, 1, 2): a random G1 point s, s*x, and
 * x times the G2 point derived from the hash of (personalisation, challenge, s, s*x). Returned in the
 * record's order: the six G1 points, then the three G2 points, both LEM and uncompressed.
 */
function proofsOfKnowledge(curve: Bn128, toxic: ToxicWaste, challenge: Uint8Array): { lem: Uint8Array; uncompressed: Uint8Array } {
  const g1: WasmBytes[] = [];
  const g2: WasmBytes[] = [];
  [toxic.tau, toxic.alpha, toxic.beta].forEach((secret, personalisation) => {
    const x = curve.Fr.e(secret);
    const s = curve.G1.toAffine(curve.G1.fromRng(chacha(randomSeed())));
    const sx = curve.G1.toAffine(curve.G1.timesFr(s, x));
    const digest = blake2b512()
      .update(new Uint8Array([personalisation]))
      .update(challenge)
      .update(uncompressed(curve.G1, s))
      .update(uncompressed(curve.G1, sx))
      .digest();
    g1.push(s, sx);
    g2.push(curve.G2.toAffine(curve.G2.timesFr(hashToG2(curve, digest), x)));
  });
  const encode = (write: (G: CurveGroup, buff: Uint8Array, offset: number, p: WasmBytes) => void): Uint8Array => {
    const out = new Uint8Array(g1.length * G1_AFFINE_BYTES + g2.length * G2_AFFINE_BYTES);
    g1.forEach((p, i) => write(curve.G1, out, i * G1_AFFINE_BYTES, p));
    g2.forEach((p, i) => write(curve.G2, out, g1.length * G1_AFFINE_BYTES + i * G2_AFFINE_BYTES, p));
    return out;
  };
  return {
    lem: encode((G, buff, offset, p) => G.toRprLEM(buff, offset, p)),
    uncompressed: encode((G, buff, offset, p) => G.toRprUncompressed(buff, offset, p)),
  };
}

function uncompressed(G: CurveGroup, p: WasmBytes): Uint8Array {
  const out = new Uint8Array(G.F.n8 * 2);
  G.toRprUncompressed(out, 0, p);
  return out;
}

const randomSeed = (): number[] => Array.from(getRandomValues(new Uint32Array(8)));
