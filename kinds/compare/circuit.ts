/**
 * TypeScript side of compare.circom (tariff comparison): the statement, the public layout a verifier
 * rebuilds from the published tariffs and the witness input.
 *
 * Public signals, in snarkjs order (COMPARE_LAYOUT; K tariffs, P = ceil(K / 2) pairs, H = maxDays × 24):
 *   [0] cheapest     index of the cheapest tariff, 0..K-1 (lowest index among equal bills)
 *   [1] saving       µp, current tariff's bill − cheapest bill (≥ 0)
 *   [2..7]           meterId, Ax, Ay, context, startDay, days
 *   [8]              current (index of the household's current tariff)
 *   [9 .. 9+K)       standing charges, µp for the period
 *   [9+K + jH + i]   prices of tariffs 2j and 2j+1 at slots 2i and 2i+1, packed as in billing
 *                    (packWeights in kinds/bill/circuit.ts, tariff 2j in the price lanes, 2j+1 in the value lanes)
 */
import { z } from 'zod';
import { toField } from '../../core/field.js';
import { SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { parseTariff, tariffJsonSchema, type Tariff } from '../../tariff/model.js';
import { pricesForPeriod, standingChargeForPeriod } from '../../tariff/prices.js';
import { packWeights } from '../bill/circuit.js';
import type { ComparedTariff } from './reference.js';
import { parseDocument, publishedDocumentHead } from '../../core/documents.js';
import { input, output, type PublicLayout } from '../../circuits/layout.js';
import { assertPeriodFits, CERTIFIED_LAYOUT, certifiedSignalValues, certifiedWitnessInput, circuitParam, type CertifiedPeriod } from '../../circuits/lib/certified_inputs.js';
import type { CircuitConfig } from '../../circuits/config.js';

export type { ComparedTariff } from './reference.js';
/** Standing charges (µp for the period) must be below 2^40 (about £11,000): the circuit's bill width. */
export const MAX_STANDING_CHARGE = 2n ** 40n - 1n;

export const TARIFF_SET_FORMAT = 'meterproof-tariff-set/1';
/** K of every comparison circuit the kind declares (kind.ts). */
export const MAX_COMPARED_TARIFFS = 4;

/** K: the number of tariffs circuit `c` compares. */
export const tariffCount = (c: CircuitConfig): number => circuitParam(c, 'K', 'tariff count');

/**
 * A published set of tariffs to compare ("meterproof-tariff-set/1", kinds/compare/README.md): 1 to K complete
 * meterproof-tariff/1 documents of kind "tariff" with distinct ids. A result names the household's current
 * tariff by its index in `tariffs`.
 */
export const TariffSetSchema = z
  .strictObject({
    ...publishedDocumentHead(TARIFF_SET_FORMAT),
    tariffs: z
      .array(z.unknown().meta({ $ref: '#/$defs/tariff' }))
      .min(1)
      .max(MAX_COMPARED_TARIFFS, `the circuits compare at most ${MAX_COMPARED_TARIFFS} tariffs`)
      .describe('meterproof-tariff/1 documents of kind "tariff"; results name the current one by its index'),
  })
  .superRefine((set, ctx) => {
    const ids = new Set<string>();
    set.tariffs.forEach((json, k) => {
      let t: Tariff;
      try {
        t = parseTariff(json);
      } catch (e) {
        return ctx.addIssue({ code: 'custom', message: (e as Error).message.replace(/\s*\n\s*/g, ' '), path: ['tariffs', k] });
      }
      if (t.kind !== 'tariff') ctx.addIssue({ code: 'custom', message: `"${t.id}" is a ${t.kind} document, not a tariff`, path: ['tariffs', k, 'kind'] });
      if (ids.has(t.id)) ctx.addIssue({ code: 'custom', message: `tariff id "${t.id}" is listed twice`, path: ['tariffs', k, 'id'] });
      ids.add(t.id);
    });
  })
  .meta({ title: 'meterproof tariff set', description: 'Tariffs to compare (format meterproof-tariff-set/1); see kinds/compare/README.md.' });

export interface TariffSet {
  id: string;
  name: string;
  tariffs: Tariff[];
}

export function parseTariffSet(json: unknown): TariffSet {
  const set = parseDocument(TariffSetSchema, json, `tariff set (${TARIFF_SET_FORMAT})`);
  return { id: set.id, name: set.name, tariffs: set.tariffs.map(parseTariff) };
}

/** The JSON Schema of the set, with the tariff format's schema as its items. */
export function tariffSetJsonSchema(): object {
  const { $schema: _, ...tariff } = tariffJsonSchema() as Record<string, unknown>;
  return { ...z.toJSONSchema(TariffSetSchema, { io: 'input' }), $defs: { tariff } };
}

/**
 * The statement a verifier rebuilds from a published set for a period: every tariff priced for the period
 * (pricesForPeriod, standingChargeForPeriod). A set of fewer than K tariffs is padded by repeating its last
 * tariff: a copy never changes an output, since equal bills go to the lowest index (the original) and
 * `current` must name a listed tariff.
 */
export function compareStatement(period: CertifiedPeriod, set: TariffSet, current: number, c: CircuitConfig): CompareStatement {
  const K = tariffCount(c);
  if (set.tariffs.length > K) throw new Error(`circuit ${c.id} compares at most ${K} tariffs, set ${set.id} has ${set.tariffs.length}`);
  if (!Number.isInteger(current) || current < 0 || current >= set.tariffs.length) {
    throw new Error(`current: tariff index ${current} is not one of the ${set.tariffs.length} tariffs of set ${set.id} (0..${set.tariffs.length - 1})`);
  }
  const priced = set.tariffs.map((t) => ({ prices: pricesForPeriod(t, period.startDay, period.days), standingCharge: standingChargeForPeriod(t, period.startDay, period.days) }));
  return { ...period, current, tariffs: Array.from({ length: K }, (_, k) => priced[Math.min(k, priced.length - 1)]) };
}

/** Everything public about a tariff-comparison proof except its outputs. */
export interface CompareStatement extends CertifiedPeriod {
  /** the K published tariffs, priced for this period (pricesForPeriod / standingChargeForPeriod) */
  tariffs: readonly ComparedTariff[];
  /** index of the household's current tariff among them */
  current: number;
}

export interface CompareOutputs {
  cheapest: number;
  /** µp */
  saving: bigint;
}

function assertStatementFits(s: CompareStatement, c: CircuitConfig): void {
  assertPeriodFits(s, c);
  const K = tariffCount(c);
  if (s.tariffs.length !== K) throw new Error(`circuit ${c.id} compares ${K} tariffs, the statement has ${s.tariffs.length}`);
  if (!Number.isInteger(s.current) || s.current < 0 || s.current >= K) throw new Error(`current tariff ${s.current} is not one of the ${K}`);
  s.tariffs.forEach((t, k) => {
    if (t.prices.length !== s.days * SLOTS_PER_DAY) throw new Error(`tariff ${k}: prices must cover the ${s.days * SLOTS_PER_DAY} slots of the period`);
    if (t.standingCharge < 0n || t.standingCharge > MAX_STANDING_CHARGE) throw new Error(`tariff ${k}: standing charge must be in 0..${MAX_STANDING_CHARGE} µp`);
  });
}

/** ceil(K/2) packed weight vectors; packWeights refuses prices beyond ±(2^24 − 1) mp/kWh. */
function packedTariffs(s: CompareStatement, c: CircuitConfig): bigint[][] {
  const pairs = Math.ceil(s.tariffs.length / 2);
  return Array.from({ length: pairs }, (_, j) => {
    const a = s.tariffs[2 * j].prices;
    const b = s.tariffs[2 * j + 1]?.prices ?? a.map(() => 0n);
    return packWeights(a, b, c.params.maxDays);
  });
}

/**
 * The public signals: the cheapest index and the saving, the certified period, then the current index, the
 * standing charges and the packed prices (weights[ceil(K/2)][maxDays × 24], row after row).
 */
export const COMPARE_LAYOUT: PublicLayout = [
  output('cheapest'),
  output('saving'),
  ...CERTIFIED_LAYOUT,
  input('current'),
  input('standingCharges', tariffCount, (j) => `standing charge of tariff ${j}`),
  input('weights', (c) => [Math.ceil(tariffCount(c) / 2), (c.params.maxDays * SLOTS_PER_DAY) / 2], (j, c) => {
    const half = (c.params.maxDays * SLOTS_PER_DAY) / 2;
    const pair = Math.floor(j / half);
    const slot = 2 * (j % half);
    return `prices of tariffs ${2 * pair} and ${2 * pair + 1} at slots ${slot} and ${slot + 1}`;
  }),
];

/** Every public signal's value by name. */
export function compareSignalValues(s: CompareStatement, out: CompareOutputs, c: CircuitConfig) {
  assertStatementFits(s, c);
  return {
    cheapest: BigInt(out.cheapest),
    saving: toField(out.saving),
    ...certifiedSignalValues(s),
    current: BigInt(s.current),
    standingCharges: s.tariffs.map((t) => t.standingCharge),
    weights: packedTariffs(s, c).flat(),
  };
}

/** The witness input: the statement's public part plus the bundle's private readings, chain state and signature. */
export function compareWitnessInput(bundle: Bundle, s: CompareStatement, c: CircuitConfig): Record<string, unknown> {
  assertStatementFits(s, c);
  const dec = (x: bigint) => toField(x).toString();
  return {
    ...certifiedWitnessInput(bundle, s, c),
    current: String(s.current),
    standingCharges: s.tariffs.map((t) => dec(t.standingCharge)),
    weights: packedTariffs(s, c).map((w) => w.map(dec)),
  };
}
