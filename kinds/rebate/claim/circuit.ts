/**
 * TypeScript side of kinds/rebate/claim/claim.circom: the on-chain scheme document (a published rebate scheme
 * plus its period grid), the scheme commitment, the meter registry's Merkle tree, the public layout and
 * the witness input of an anonymous claim.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { z } from 'zod';
import { input, output, packSignals, unpackSignals, type PublicLayout } from '../../../circuits/layout.js';
import { certifiedWitnessInput } from '../../../circuits/lib/certified_inputs.js';
import type { CircuitConfig } from '../../../circuits/config.js';
import { DocumentIdSchema, parseDocument, PeriodSchema } from '../../../core/documents.js';
import { dayOf, isoDay } from '../../../core/time.js';
import type { Bundle } from '../../../meter/bundle.js';
import { poseidonHash } from '../../../meter/crypto.js';
import { meterIdToField } from '../../../meter/meter-id.js';
import { parseRebateScheme, rebateBracketVectors, RebateSchemeSchema, type RebateScheme } from '../circuit.js';
import { computeRebate } from '../reference.js';

export const CHAIN_SCHEME_FORMAT = 'meterproof-chain-scheme/1';
/** periodIndex is range-checked to 16 bits in the circuit */
export const MAX_PERIODS = 2 ** 16;

export const ChainSchemeSchema = z.strictObject({
  format: z.literal(CHAIN_SCHEME_FORMAT),
  id: DocumentIdSchema.describe('the on-chain scheme; part of its commitment, so two schemes never share claims'),
  name: z.string().min(1),
  description: z.string().optional(),
  rebate: RebateSchemeSchema.describe('the progressive brackets every period is paid by'),
  grid: z
    .strictObject({
      start: PeriodSchema.shape.start.describe('first day of period 0 (UTC)'),
      periodDays: z.number().int().min(1).max(31).describe('every period has this many days'),
      periods: z.number().int().min(1).max(MAX_PERIODS).describe('periods 0 .. periods-1 can be claimed'),
    })
    .describe('period k is [start + k × periodDays, + periodDays)'),
});
export type ChainSchemeJson = z.infer<typeof ChainSchemeSchema>;

export interface ChainScheme {
  id: string;
  name: string;
  rebate: RebateScheme;
  /** days since 1970-01-01 of period 0's first day */
  gridStart: number;
  periodDays: number;
  periods: number;
}

export function parseChainScheme(json: unknown): ChainScheme {
  const s = parseDocument(ChainSchemeSchema, json, 'chain scheme');
  return { id: s.id, name: s.name, rebate: parseRebateScheme(s.rebate), gridStart: dayOf(s.grid.start), periodDays: s.grid.periodDays, periods: s.grid.periods };
}

/** The period `index` of the grid as a first day and a length; refuses an index off the grid. */
export function gridPeriod(scheme: ChainScheme, index: number): { startDay: number; days: number } {
  if (!Number.isInteger(index) || index < 0 || index >= scheme.periods) throw new Error(`period ${index} is off the scheme's grid (0..${scheme.periods - 1})`);
  return { startDay: scheme.gridStart + index * scheme.periodDays, days: scheme.periodDays };
}

/** The grid period that starts on `startDay`, if any. */
export function periodStartingOn(scheme: ChainScheme, startDay: number): number | undefined {
  const offset = startDay - scheme.gridStart;
  const index = offset / scheme.periodDays;
  return Number.isInteger(index) && index >= 0 && index < scheme.periods ? index : undefined;
}

/** A scheme id as one field element: SHA-256 of its bytes, cut to 248 bits (ids are up to 64 characters). */
export function schemeIdToField(id: string): bigint {
  return BigInt('0x' + bytesToHex(sha256(utf8ToBytes(id))).slice(0, 62));
}

/** What the commitment opens to, in the circuit's order: id, baseline, starts, rates, grid start, period length. */
export function schemeCommitmentInputs(scheme: ChainScheme, brackets: number): bigint[] {
  const { starts, rates } = rebateBracketVectors(scheme.rebate, brackets);
  return [schemeIdToField(scheme.id), BigInt(scheme.rebate.baselineWh), ...starts, ...rates, BigInt(scheme.gridStart), BigInt(scheme.periodDays)];
}

/** The one number a scheme's contract stores for its parameters (Poseidon over schemeCommitmentInputs). */
export async function schemeCommitment(scheme: ChainScheme, brackets: number): Promise<bigint> {
  return poseidonHash(schemeCommitmentInputs(scheme, brackets));
}

/** A meter's registration leaf: Poseidon(meterId, Ax, Ay). */
export async function registrationLeaf(meterId: string, publicKey: readonly [bigint, bigint]): Promise<bigint> {
  return poseidonHash([meterIdToField(meterId), publicKey[0], publicKey[1]]);
}

/**
 * The meter registry's tree: a Poseidon binary Merkle tree of `depth` levels, leaves in registration
 * order from index 0, empty leaves 0. Only the non-empty part is stored; empty subtrees are the
 * precomputed zeros[level].
 */
export class RegistryTree {
  private constructor(
    readonly depth: number,
    private readonly levels: bigint[][],
    private readonly zeros: bigint[],
  ) {}

  static async build(leaves: readonly bigint[], depth: number): Promise<RegistryTree> {
    const zeros = [0n];
    for (let i = 0; i < depth; i++) zeros.push(await poseidonHash([zeros[i], zeros[i]]));
    const tree = new RegistryTree(depth, Array.from({ length: depth + 1 }, () => []), zeros);
    for (const leaf of leaves) await tree.append(leaf);
    return tree;
  }

  /** Adds a leaf after the others: `depth` hashes, up its path. */
  async append(leaf: bigint): Promise<void> {
    let j = this.levels[0].length;
    if (j >= 2 ** this.depth) throw new Error(`the registry tree of depth ${this.depth} is full`);
    this.levels[0].push(leaf);
    for (let i = 0; i < this.depth; i++, j >>= 1) {
      const left = j & 1 ? this.levels[i][j - 1] : this.levels[i][j];
      const right = j & 1 ? this.levels[i][j] : (this.levels[i][j + 1] ?? this.zeros[i]);
      this.levels[i + 1][j >> 1] = await poseidonHash([left, right]);
    }
  }

  get root(): bigint {
    return this.levels[this.depth][0] ?? this.zeros[this.depth];
  }

  get leaves(): readonly bigint[] {
    return this.levels[0];
  }

  get size(): number {
    return this.levels[0].length;
  }

  indexOf(leaf: bigint): number {
    return this.levels[0].indexOf(leaf);
  }

  /** The siblings from the leaf up and the path bits (1: the node is a right child). */
  path(index: number): { siblings: bigint[]; pathBits: number[] } {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new Error(`no leaf ${index} in the registry (it holds ${this.size})`);
    const siblings: bigint[] = [];
    const pathBits: number[] = [];
    for (let i = 0, j = index; i < this.depth; i++, j >>= 1) {
      siblings.push(this.levels[i][j ^ 1] ?? this.zeros[i]);
      pathBits.push(j & 1);
    }
    return { siblings, pathBits };
  }
}

/** The public signals in snarkjs order: the nullifier (output), then root, schemeCommitment, terms. */
export const CLAIM_LAYOUT: PublicLayout = [output('nullifier'), input('root'), input('schemeCommitment'), input('terms')];

export interface ClaimSignals {
  nullifier: bigint;
  /** µp */
  rebate: bigint;
  root: bigint;
  schemeCommitment: bigint;
  periodIndex: number;
  /** the payout address as a number (160 bits) */
  payout: bigint;
}

/** payout + periodIndex × 2^160 + rebate × 2^176: the claim's terms as one public input (claim.circom). */
export function packTerms(payout: bigint, periodIndex: number, rebate: bigint): bigint {
  if (payout < 0n || payout >= 1n << 160n) throw new Error('the payout is not a 160-bit address');
  if (!Number.isInteger(periodIndex) || periodIndex < 0 || periodIndex >= MAX_PERIODS) throw new Error(`period ${periodIndex} is outside 0..${MAX_PERIODS - 1}`);
  if (rebate < 0n || rebate >= 1n << 77n) throw new Error(`rebate ${rebate} does not fit the terms`);
  return payout + (BigInt(periodIndex) << 160n) + (rebate << 176n);
}

export function packClaimSignals(s: ClaimSignals, c: CircuitConfig): bigint[] {
  return packSignals(CLAIM_LAYOUT, c, { nullifier: s.nullifier, root: s.root, schemeCommitment: s.schemeCommitment, terms: packTerms(s.payout, s.periodIndex, s.rebate) });
}

export function unpackClaimSignals(signals: readonly (bigint | string)[], c: CircuitConfig): ClaimSignals {
  const v = unpackSignals(CLAIM_LAYOUT, c, signals);
  const terms = v.terms[0];
  return { nullifier: v.nullifier[0], rebate: terms >> 176n, root: v.root[0], schemeCommitment: v.schemeCommitment[0], periodIndex: Number((terms >> 160n) & 0xffffn), payout: terms & ((1n << 160n) - 1n) };
}

/** A 0x address as the payout signal. */
export function payoutSignal(address: string): bigint {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new Error(`payout "${address}" is not an address (0x and 40 hex digits)`);
  return BigInt(address);
}

export interface ClaimWitness {
  bundle: Bundle;
  scheme: ChainScheme;
  periodIndex: number;
  tree: RegistryTree;
  payout: string;
}

/**
 * The witness input of a claim: scheme opening, registry path, certified readings and the public inputs.
 * `terms` needs the rebate, computed here by the reference (the prover checks the circuit agrees).
 */
export async function claimWitnessInput(w: ClaimWitness, c: CircuitConfig): Promise<Record<string, string | string[]>> {
  const { brackets, depth } = c.params;
  if (w.tree.depth !== depth) throw new Error(`the registry tree has depth ${w.tree.depth}, circuit ${c.id} takes ${depth}`);
  const period = gridPeriod(w.scheme, w.periodIndex);
  if (w.bundle.startDay !== period.startDay || w.bundle.days !== period.days) {
    throw new Error(`the bundle covers ${isoDay(w.bundle.startDay)} + ${w.bundle.days} day(s), not period ${w.periodIndex} of the scheme (${isoDay(period.startDay)} + ${period.days} day(s))`);
  }
  const index = w.tree.indexOf(await registrationLeaf(w.bundle.meterId, w.bundle.publicKey));
  if (index < 0) throw new Error(`meter ${w.bundle.meterId} is not registered (its leaf is not in the registry)`);
  const { siblings, pathBits } = w.tree.path(index);
  const opening = schemeCommitmentInputs(w.scheme, brackets);
  const certified = certifiedWitnessInput(w.bundle, { meterId: w.bundle.meterId, publicKey: w.bundle.publicKey, ...period }, c);
  const { startDay: _s, days: _d, context: _c, ...meterAndReadings } = certified; // the circuit derives the period from the grid; a claim answers no request
  return {
    root: String(w.tree.root),
    schemeCommitment: String(await poseidonHash(opening)),
    terms: String(packTerms(payoutSignal(w.payout), w.periodIndex, computeRebate(w.bundle.readingsWh, w.scheme.rebate.baselineWh, w.scheme.rebate.brackets))),
    periodIndex: String(w.periodIndex),
    payout: String(payoutSignal(w.payout)),
    schemeId: String(opening[0]),
    top: String(opening[1]),
    bracketStart: opening.slice(2, 2 + brackets).map(String),
    bracketRate: opening.slice(2 + brackets, 2 + 2 * brackets).map(String),
    gridStart: String(w.scheme.gridStart),
    periodDays: String(w.scheme.periodDays),
    pathBits: pathBits.map(String),
    siblings: siblings.map(String),
    ...meterAndReadings,
  };
}
