/**
 * TypeScript side of tiered.circom (tiered / lookup tariff): the tariff's tier table and cumulative blocks,
 * the public layout a verifier rebuilds from the published tariff, and the witness input a prover feeds the
 * circuit. Reference: reference.ts.
 */
import { z } from 'zod';
import { toField } from '../../core/field.js';
import type { Bundle } from '../../meter/bundle.js';
import { MAX_READING_WH } from '../../meter/chain.js';
import { parseDocument, publishedDocumentHead } from '../../core/documents.js';
import { input, output, type PublicLayout } from '../../circuits/layout.js';
import { assertPeriodFits, CERTIFIED_LAYOUT, certifiedSignalValues, certifiedWitnessInput, circuitParam } from '../../circuits/lib/certified_inputs.js';
import { MAX_ABS_PRICE } from '../../core/units.js';
import type { CircuitConfig } from '../../circuits/config.js';

/** The tier table covers every 14-bit reading: [0, 2^14) Wh per half-hour. */
export const TIER_RANGE_WH = MAX_READING_WH + 1;
/** Block bounds are period sums in Wh below 2^25 (the circuit's comparison width; a 31-day total is < 2^25). */
export const MAX_BLOCK_BOUND_WH = 2n ** 25n - 1n;

/**
 * Per-slot price tiers: a slot whose reading r satisfies bounds[k-1] ≤ r < bounds[k] (bounds[-1] = 0,
 * bounds[last] = 16384) pays prices[k] mp/kWh for its whole reading. bounds are Wh per half-hour,
 * strictly increasing, in 1..16383; there is one more price than bounds.
 */
export interface TierTable {
  bounds: readonly number[];
  prices: readonly bigint[];
}

/**
 * Cumulative blocks over the period: the period's first bounds[0] Wh at rates[0] mp/kWh, the Wh between
 * bounds[0] and bounds[1] at rates[1], …, everything above the last bound at the last rate. bounds are Wh
 * of the whole period, strictly increasing, in 1..2^25-1; there is one more rate than bounds.
 */
export interface BlockTable {
  bounds: readonly bigint[];
  rates: readonly bigint[];
}

/** Everything public about a tiered-bill proof except its output. */
export interface TieredStatement {
  meterId: string;
  publicKey: [bigint, bigint];
  startDay: number;
  days: number;
  /** µp for the whole period */
  standingCharge: bigint;
  tiers: TierTable;
  blocks: BlockTable;
}

export interface TieredOutputs {
  /** µp: standing charge + Σ reading × tier price + block charge of the period's total */
  bill: bigint;
}

/**
 * A published tiered tariff. Block allowances are per day and scale with the period's length (a 31-day
 * month gets 31 days' allowance), so one document serves the 1-, 7- and 28–31-day circuits.
 */
export interface TieredTariff {
  /** mp per day */
  standingChargePerDay: bigint;
  tiers: TierTable;
  /** bounds in Wh per day; the statement's period bounds are bounds × days */
  blocksPerDay: BlockTable;
}

export const TIERED_TARIFF_FORMAT = 'meterproof-tiered-tariff/1';
/** The table sizes of every tiered circuit the kind declares (kind.ts: tierBits 2, blocks 3). */
export const MAX_TIERS = 4;
export const MAX_BLOCKS = 3;
/**
 * Daily block bounds stay below 2^20 Wh (a day holds at most 48 × 16,383 = 786,384 Wh), so that 31 days'
 * allowance stays below the circuit's 2^25 block comparison (MAX_BLOCK_BOUND_WH).
 */
export const MAX_BLOCK_WH_PER_DAY = 2 ** 20 - 1;

const Price = (what: string) =>
  z.number().int(`${what} is an integer in mp/kWh`).min(-MAX_ABS_PRICE, 'must be within ±(2^24 − 1) mp/kWh').max(MAX_ABS_PRICE, 'must be within ±(2^24 − 1) mp/kWh');

/** Steps that start at 0 and increase strictly: `from` of the first is 0, each next one is larger. */
function increasingFrom<K extends string>(key: K) {
  return (steps: readonly Record<K, number>[], ctx: z.RefinementCtx) =>
    steps.forEach((step, k) => {
      if (k === 0 && step[key] !== 0) ctx.addIssue({ code: 'custom', message: 'the first step starts at 0', path: [k, key] });
      if (k > 0 && step[key] <= steps[k - 1][key]) ctx.addIssue({ code: 'custom', message: 'steps must start at strictly increasing values', path: [k, key] });
    });
}

const TierStep = z.strictObject({
  fromWh: z.number().int('bounds are integers in Wh').min(0).max(MAX_READING_WH).describe('the tier prices half-hours whose reading is at least this many Wh (and below the next tier)'),
  price: Price('a tier price').describe('mp/kWh on the whole reading of a half-hour in this tier'),
});
const BlockStep = z.strictObject({
  fromWhPerDay: z.number().int('bounds are integers in Wh').min(0).max(MAX_BLOCK_WH_PER_DAY, 'must be below 2^20 Wh per day').describe("the block holds the period's Wh from this many Wh per day of the period (up to the next block)"),
  rate: Price('a block rate').describe('mp/kWh on the Wh in this block'),
});

/**
 * A published tiered tariff ("meterproof-tiered-tariff/1", kinds/tiered/README.md): per-half-hour price tiers
 * keyed by the reading, and cumulative blocks over the period's total with allowances per day.
 */
export const TieredTariffSchema = z
  .strictObject({
    ...publishedDocumentHead(TIERED_TARIFF_FORMAT),
    standingChargePerDay: z.number().int('the standing charge is an integer in mp/day').min(0).max(Number.MAX_SAFE_INTEGER).describe('milli-pence per day'),
    tiers: z.array(TierStep).min(1).max(MAX_TIERS, `the circuits take at most ${MAX_TIERS} tiers`).superRefine(increasingFrom('fromWh')),
    blocks: z.array(BlockStep).min(1).max(MAX_BLOCKS, `the circuits take at most ${MAX_BLOCKS} blocks`).superRefine(increasingFrom('fromWhPerDay')),
  })
  .meta({ title: 'meterproof tiered tariff', description: 'A tiered / block tariff (format meterproof-tiered-tariff/1); see kinds/tiered/README.md.' });

/** Parses and checks a published tiered tariff into the companion's TieredTariff. */
export function parseTieredTariff(json: unknown): TieredTariff & { id: string; name: string } {
  const t = parseDocument(TieredTariffSchema, json, `tiered tariff (${TIERED_TARIFF_FORMAT})`);
  return {
    id: t.id,
    name: t.name,
    standingChargePerDay: BigInt(t.standingChargePerDay),
    tiers: { bounds: t.tiers.slice(1).map((s) => s.fromWh), prices: t.tiers.map((s) => BigInt(s.price)) },
    blocksPerDay: { bounds: t.blocks.slice(1).map((s) => BigInt(s.fromWhPerDay)), rates: t.blocks.map((s) => BigInt(s.rate)) },
  };
}

export interface TieredPeriod {
  meterId: string;
  publicKey: [bigint, bigint];
  startDay: number;
  days: number;
}

/** The statement a verifier rebuilds from a published tariff for a period. */
export function tieredStatement(period: TieredPeriod, tariff: TieredTariff): TieredStatement {
  const days = BigInt(period.days);
  return {
    ...period,
    standingCharge: tariff.standingChargePerDay * days * 1000n,
    tiers: tariff.tiers,
    blocks: { bounds: tariff.blocksPerDay.bounds.map((b) => b * days), rates: tariff.blocksPerDay.rates },
  };
}

function assertPrice(p: bigint, what: string): void {
  if (p > BigInt(MAX_ABS_PRICE) || p < -BigInt(MAX_ABS_PRICE)) throw new Error(`${what} is beyond ±${MAX_ABS_PRICE} mp/kWh`);
}

function assertIncreasing<T extends number | bigint>(bounds: readonly T[], min: T, max: T, what: string): void {
  bounds.forEach((b, i) => {
    if (typeof b === 'number' && !Number.isInteger(b)) throw new Error(`${what} ${i} is not an integer`);
    if (b < min || b > max) throw new Error(`${what} ${i} must be in ${min}..${max} Wh, not ${b}`);
    if (i > 0 && b <= bounds[i - 1]) throw new Error(`${what} must be strictly increasing (${bounds[i - 1]} then ${b})`);
  });
}

/** The circuit's tier table: 2^tierBits tiers, unused ones empty at the top ([16384, 16384)). */
export function padTierTable(t: TierTable, tierBits: number): { bounds: bigint[]; prices: bigint[] } {
  const size = 2 ** tierBits;
  if (t.prices.length !== t.bounds.length + 1) throw new Error('a tier table has one more price than bounds');
  if (t.prices.length > size) throw new Error(`the circuit takes at most ${size} tiers, not ${t.prices.length}`);
  assertIncreasing(t.bounds, 1, MAX_READING_WH, 'tier bound');
  t.prices.forEach((p, i) => assertPrice(p, `price of tier ${i}`));
  return {
    bounds: Array.from({ length: size - 1 }, (_, i) => BigInt(t.bounds[i] ?? TIER_RANGE_WH)),
    prices: Array.from({ length: size }, (_, i) => t.prices[i] ?? 0n),
  };
}

/** The circuit's block table: `blocks` blocks, unused ones repeating the last rate (so they change nothing). */
export function padBlockTable(b: BlockTable, blocks: number): { bounds: bigint[]; rates: bigint[] } {
  if (b.rates.length !== b.bounds.length + 1) throw new Error('a block table has one more rate than bounds');
  if (b.rates.length > blocks) throw new Error(`the circuit takes at most ${blocks} blocks, not ${b.rates.length}`);
  assertIncreasing(b.bounds, 1n, MAX_BLOCK_BOUND_WH, 'block bound');
  b.rates.forEach((r, i) => assertPrice(r, `rate of block ${i}`));
  const lastBound = b.bounds.length ? b.bounds[b.bounds.length - 1] : 0n;
  const lastRate = b.rates[b.rates.length - 1];
  return {
    bounds: Array.from({ length: blocks - 1 }, (_, i) => b.bounds[i] ?? lastBound),
    rates: Array.from({ length: blocks }, (_, i) => b.rates[i] ?? lastRate),
  };
}

function assertStatementFits(s: TieredStatement, c: CircuitConfig): void {
  assertPeriodFits(s, c);
  if (!Number.isInteger(c.params.tierBits) || !Number.isInteger(c.params.blocks)) throw new Error(`circuit ${c.id} is not a tiered circuit`);
}

/** The circuit's table sizes: 2^tierBits tiers and `blocks` blocks. */
const tierCount = (c: CircuitConfig): number => 2 ** circuitParam(c, 'tierBits', 'tier-table size');
const blockCount = (c: CircuitConfig): number => circuitParam(c, 'blocks', 'block count');

/** The public signals: the bill, the certified period, then the standing charge and the tariff's tables. */
export const TIERED_LAYOUT: PublicLayout = [
  output('bill'),
  ...CERTIFIED_LAYOUT,
  input('standingCharge'),
  input('tierBounds', (c) => tierCount(c) - 1, (k) => `upper bound of tier ${k}`),
  input('tierPrices', tierCount, (k) => `price of tier ${k}`),
  input('blockBounds', (c) => blockCount(c) - 1, (k) => `upper bound of block ${k}`),
  input('blockRates', blockCount, (k) => `rate of block ${k}`),
];

/** Every public signal's value by name. */
export function tieredSignalValues(s: TieredStatement, out: TieredOutputs, c: CircuitConfig) {
  assertStatementFits(s, c);
  const tiers = padTierTable(s.tiers, c.params.tierBits);
  const blocks = padBlockTable(s.blocks, c.params.blocks);
  return {
    bill: toField(out.bill),
    ...certifiedSignalValues(s),
    standingCharge: toField(s.standingCharge),
    tierBounds: tiers.bounds.map(toField),
    tierPrices: tiers.prices.map(toField),
    blockBounds: blocks.bounds.map(toField),
    blockRates: blocks.rates.map(toField),
  };
}

/** The witness input: the statement's public part plus the bundle's private readings, chain state and signature. */
export function tieredWitnessInput(bundle: Bundle, s: TieredStatement, c: CircuitConfig): Record<string, string | string[]> {
  assertStatementFits(s, c);
  const dec = (x: bigint) => toField(x).toString();
  const tiers = padTierTable(s.tiers, c.params.tierBits);
  const blocks = padBlockTable(s.blocks, c.params.blocks);
  return {
    ...certifiedWitnessInput(bundle, s, c),
    standingCharge: dec(s.standingCharge),
    tierBounds: tiers.bounds.map(dec),
    tierPrices: tiers.prices.map(dec),
    blockBounds: blocks.bounds.map(dec),
    blockRates: blocks.rates.map(dec),
  };
}
