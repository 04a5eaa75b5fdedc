/**
 * TypeScript side of kinds/rebate/rebate.circom: the rebate scheme document a scheme operator publishes, the
 * public-input layout (what a verifier rebuilds from the published scheme) and the witness input.
 *
 * Units: threshold and bracket starts in Wh per day, rates in mp/kWh (= µp per Wh of saving, the unit of
 * tariff prices), the rebate in µp.
 */
import { z } from 'zod';
import { toField } from '../../core/field.js';
import type { Bundle } from '../../meter/bundle.js';
import { input, output, type PublicLayout } from '../../circuits/layout.js';
import { CERTIFIED_LAYOUT, certifiedSignalValues, certifiedWitnessInput, type CertifiedPeriod } from '../../circuits/lib/certified_inputs.js';
import { DocumentIdSchema, parseDocument } from '../../core/documents.js';
import type { CircuitConfig } from '../../circuits/config.js';

export const REBATE_SCHEME_FORMAT = 'meterproof-rebate-scheme/1';
/** Threshold and bracket starts are below 2^20 Wh per day (48 × 16,383 Wh = 786,384 Wh is the most a day can hold). */
export const MAX_REBATE_WH = 2 ** 20 - 1;
/** Rates are below 2^24 mp/kWh, like every price in meterproof. */
export const MAX_REBATE_RATE = 2 ** 24 - 1;

const Wh = z.number().int('Wh are integers').min(0).max(MAX_REBATE_WH, 'must be below 2^20 Wh');

export const RebateSchemeSchema = z
  .strictObject({
    format: z.literal(REBATE_SCHEME_FORMAT),
    id: DocumentIdSchema,
    name: z.string().min(1),
    description: z.string().optional(),
    currency: z.literal('GBP'),
    thresholdWhPerDay: Wh.describe('daily consumption below which every Wh saved earns a rebate'),
    brackets: z
      .array(
        z.strictObject({
          fromWh: Wh.describe('the bracket applies to daily savings from this many Wh up to the next bracket'),
          rate: z.number().int('rates are integers in mp/kWh').min(0).max(MAX_REBATE_RATE, 'must be below 2^24 mp/kWh').describe('mp/kWh of saving'),
        }),
      )
      .min(1),
  })
  .superRefine((s, ctx) => {
    s.brackets.forEach((b, k) => {
      if (k === 0) return;
      const prev = s.brackets[k - 1];
      if (b.fromWh <= prev.fromWh) ctx.addIssue({ code: 'custom', message: 'bracket starts must increase', path: ['brackets', k, 'fromWh'] });
      if (b.rate < prev.rate) ctx.addIssue({ code: 'custom', message: 'rates must not decrease (the rebate is convex in the saving)', path: ['brackets', k, 'rate'] });
    });
  });
export type RebateSchemeJson = z.infer<typeof RebateSchemeSchema>;

export interface RebateBracket {
  fromWh: number;
  /** mp/kWh = µp per Wh of saving */
  rate: bigint;
}

export interface RebateScheme {
  id: string;
  /** the document's thresholdWhPerDay: daily consumption below which every Wh saved earns */
  baselineWh: number;
  brackets: RebateBracket[];
}

/** Parses and checks a published scheme ("meterproof-rebate-scheme/1"). */
export function parseRebateScheme(json: unknown): RebateScheme {
  const s = parseDocument(RebateSchemeSchema, json, 'rebate scheme');
  return { id: s.id, baselineWh: s.thresholdWhPerDay, brackets: s.brackets.map((b) => ({ fromWh: b.fromWh, rate: BigInt(b.rate) })) };
}

/** Everything public about a rebate proof except its output. */
export interface RebateStatement extends CertifiedPeriod {
  scheme: RebateScheme;
}

export interface RebateOutputs {
  /** µp */
  rebate: bigint;
}

/**
 * The scheme as the circuit's `brackets` start and rate vectors. A scheme with fewer brackets is padded by
 * repeating its last bracket (same start, same rate: an empty bracket), and starts above the threshold
 * are lowered to it (a daily saving never exceeds the threshold, so such a bracket only ever holds an
 * empty part of it); neither changes any rebate. Refuses schemes the circuit cannot represent.
 */
export function rebateBracketVectors(scheme: RebateScheme, brackets: number): { starts: bigint[]; rates: bigint[] } {
  const b = scheme.brackets;
  if (b.length === 0 || b.length > brackets) throw new Error(`the scheme has ${b.length} brackets; the circuit takes 1 to ${brackets}`);
  if (!Number.isInteger(scheme.baselineWh) || scheme.baselineWh < 0 || scheme.baselineWh > MAX_REBATE_WH) {
    throw new Error(`threshold ${scheme.baselineWh} Wh is outside 0..${MAX_REBATE_WH}`);
  }
  b.forEach((x, k) => {
    if (!Number.isInteger(x.fromWh) || x.fromWh < 0 || x.fromWh > MAX_REBATE_WH) throw new Error(`bracket ${k} starts outside 0..${MAX_REBATE_WH} Wh`);
    if (x.rate < 0n || x.rate > BigInt(MAX_REBATE_RATE)) throw new Error(`bracket ${k} rate is outside 0..${MAX_REBATE_RATE} mp/kWh`);
    if (k > 0 && (x.fromWh <= b[k - 1].fromWh || x.rate < b[k - 1].rate)) throw new Error('bracket starts must increase and rates must not decrease');
  });
  const padded = Array.from({ length: brackets }, (_, k) => b[Math.min(k, b.length - 1)]);
  return { starts: padded.map((x) => BigInt(Math.min(x.fromWh, scheme.baselineWh))), rates: padded.map((x) => x.rate) };
}

function brackets(c: CircuitConfig): number {
  const k = c.params.brackets;
  if (c.kind !== 'rebate' || !Number.isInteger(k)) throw new Error(`circuit ${c.id} is not a rebate circuit`);
  return k;
}

/** The public signals: the rebate, the certified period, then the scheme's threshold and bracket vectors. */
export const REBATE_LAYOUT: PublicLayout = [output('rebate'), ...CERTIFIED_LAYOUT, input('threshold'), input('bracketStart', brackets), input('bracketRate', brackets)];

/** Every public signal's value by name. */
export function rebateSignalValues(s: RebateStatement, out: RebateOutputs, c: CircuitConfig) {
  const { starts, rates } = rebateBracketVectors(s.scheme, brackets(c));
  return { rebate: toField(out.rebate), ...certifiedSignalValues(s), threshold: BigInt(s.scheme.baselineWh), bracketStart: starts, bracketRate: rates };
}

/** The witness input: the certified period and readings, and the scheme's public vectors. */
export function rebateWitnessInput(bundle: Bundle, s: RebateStatement, c: CircuitConfig): Record<string, string | string[]> {
  const { starts, rates } = rebateBracketVectors(s.scheme, brackets(c));
  return {
    ...certifiedWitnessInput(bundle, s, c),
    threshold: String(s.scheme.baselineWh),
    bracketStart: starts.map(String),
    bracketRate: rates.map(String),
  };
}
