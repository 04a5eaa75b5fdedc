/**
 * TypeScript side of suspect.circom (suspect-pattern match, one bit): the statement, the public layout a
 * verifier rebuilds from the published pattern and its cut-off, and the witness input.
 *
 * Public signals, in snarkjs order (SUSPECT_LAYOUT):
 *   [0] match        1 iff correlation(average day, pattern) >= minCorrelation / 1000
 *   [1..6]           meterId, Ax, Ay, context, startDay, days
 *   [7..55)          pattern (48 slots)
 *   [55]             patternNorm = 48 Σ P² − (Σ P)²  (derived from the pattern)
 *   [56]             minCorrelation (per mille, signed)
 */
import { z } from 'zod';
import { toField } from '../../core/field.js';
import type { Bundle } from '../../meter/bundle.js';
import { SLOTS_PER_DAY } from '../../core/time.js';
import { input, output, type PublicLayout } from '../../circuits/layout.js';
import { assertPeriodFits, CERTIFIED_LAYOUT, certifiedSignalValues, certifiedWitnessInput, type CertifiedPeriod } from '../../circuits/lib/certified_inputs.js';
import { parseDocument, publishedDocumentHead } from '../../core/documents.js';
import { assertShape, DayShapeSchema, shapeNorm } from '../../circuits/lib/similarity.js';
import type { CircuitConfig } from '../../circuits/config.js';

/** Cut-offs are per mille of correlation, −1000..1000 (the circuit's comparison widths rely on it). */
export const PERMILLE = 1000;

/** Everything public about a suspect-match proof except its output. */
export interface SuspectStatement extends CertifiedPeriod {
  /** the suspect day shape: 48 integers in [0, 2^20), not flat (only its shape matters) */
  pattern: readonly bigint[];
  /** match iff correlation >= minPermille / 1000 */
  minPermille: number;
}

export interface SuspectOutputs {
  match: boolean;
}

function assertStatementFits(s: SuspectStatement, c: CircuitConfig): void {
  assertPeriodFits(s, c);
  assertShape(s.pattern, 'suspect pattern');
  if (!Number.isInteger(s.minPermille) || Math.abs(s.minPermille) > PERMILLE) {
    throw new Error(`the cut-off must be an integer per mille in -${PERMILLE}..${PERMILLE}, not ${s.minPermille}`);
  }
}

/** The public signals: the match bit, the certified period, then the pattern (one day), its norm and the cut-off. */
export const SUSPECT_LAYOUT: PublicLayout = [output('match'), ...CERTIFIED_LAYOUT, input('pattern', () => SLOTS_PER_DAY), input('patternNorm'), input('minCorrelation')];

/** Every public signal's value by name. */
export function suspectSignalValues(s: SuspectStatement, out: SuspectOutputs, c: CircuitConfig) {
  assertStatementFits(s, c);
  return { match: out.match ? 1n : 0n, ...certifiedSignalValues(s), pattern: s.pattern, patternNorm: shapeNorm(s.pattern), minCorrelation: toField(BigInt(s.minPermille)) };
}

/** The witness input: the statement's public part plus the bundle's private readings, chain state and signature. */
export function suspectWitnessInput(bundle: Bundle, s: SuspectStatement, c: CircuitConfig): Record<string, unknown> {
  assertStatementFits(s, c);
  return {
    ...certifiedWitnessInput(bundle, s, c),
    pattern: s.pattern.map(String),
    patternNorm: shapeNorm(s.pattern).toString(),
    minCorrelation: toField(BigInt(s.minPermille)).toString(),
  };
}

export const SUSPECT_PATTERN_FORMAT = 'meterproof-suspect-pattern/1';

/** The suspect pattern a fraud team publishes ("meterproof-suspect-pattern/1"): a day shape and a correlation cut-off. */
export const SuspectPatternSchema = z.strictObject({
  ...publishedDocumentHead(SUSPECT_PATTERN_FORMAT),
  thresholdPermille: z
    .number()
    .int()
    .min(-PERMILLE)
    .max(PERMILLE)
    .describe('match = 1 iff correlation(average day, shape) >= thresholdPermille / 1000'),
  shape: DayShapeSchema,
});
export type SuspectPatternJson = z.infer<typeof SuspectPatternSchema>;

export interface SuspectPattern {
  id: string;
  pattern: bigint[];
  minPermille: number;
}

/** Parses and checks a published suspect pattern. */
export function parseSuspectPattern(json: unknown): SuspectPattern {
  const p = parseDocument(SuspectPatternSchema, json, 'suspect pattern');
  return { id: p.id, pattern: p.shape.map(BigInt), minPermille: p.thresholdPermille };
}
