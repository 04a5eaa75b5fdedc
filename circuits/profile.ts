/**
 * TypeScript side of circuits/profile.circom (profile class): the statement, the public-signal layout a
 * verifier rebuilds from the scheme's published profiles, the witness input and the output decoding.
 *
 * Public signals, in snarkjs order:
 *   [0] index   best-matching profile, 0..K-1 (lowest index among equals)
 *   [1] score   floor(scoreLevels × ρ) in [-scoreLevels, scoreLevels], 0 when scoreLevels = 0
 *   [2..6]      meterId, Ax, Ay, startDay, days
 *   [7 .. 7+48K)        profiles, row by row (profile k, slot s at 7 + 48k + s)
 *   [7+48K .. 7+49K)    norms N_k = 48 Σ P_k² − (Σ P_k)²  (derived from the profiles)
 *   [7+49K]     scoreLevels
 */
import { fromFieldSigned, toField } from '../core/field.js';
import type { Bundle } from '../meter/bundle.js';
import { assertPeriodFits, CERTIFIED_PUBLIC_COUNT, CERTIFIED_SIGNAL_NAMES, certifiedPublicSignals, certifiedWitnessInput, smallOutput, type CertifiedPeriod } from './lib/certified_inputs.js';
import { assertProfile, profileNorm } from './lib/similarity.js';
import type { CircuitConfig } from './registry.js';

/** The circuit checks |score| <= 1024 and relies on scoreLevels <= 1000 for its comparison widths. */
export const MAX_SCORE_LEVELS = 1000;
export const PROFILE_OUTPUT_COUNT = 2;

/** Everything public about a profile-class proof except its outputs. */
export interface ProfileStatement extends CertifiedPeriod {
  /** the scheme's K profile vectors for this period: 48 integers in [0, 2^20) each, none flat */
  profiles: readonly (readonly bigint[])[];
  /** 0: no score revealed; L: reveal floor(L × correlation) */
  scoreLevels: number;
}

export interface ProfileOutputs {
  index: number;
  score: number;
}

function profileCount(c: CircuitConfig): number {
  const K = c.params.K;
  if (!Number.isInteger(K) || K < 1) throw new Error(`circuit ${c.id} has no profile count K`);
  return K;
}

function assertStatementFits(s: ProfileStatement, c: CircuitConfig): void {
  assertPeriodFits(s, c);
  const K = profileCount(c);
  if (s.profiles.length !== K) throw new Error(`circuit ${c.id} compares ${K} profiles, the statement has ${s.profiles.length}`);
  s.profiles.forEach((p, k) => assertProfile(p, `profile ${k}`));
  if (!Number.isInteger(s.scoreLevels) || s.scoreLevels < 0 || s.scoreLevels > MAX_SCORE_LEVELS) {
    throw new Error(`scoreLevels must be an integer in 0..${MAX_SCORE_LEVELS}, not ${s.scoreLevels}`);
  }
}

/** The kind's public inputs after the five certified ones: profiles, norms, scoreLevels. */
function parameterSignals(s: ProfileStatement): bigint[] {
  return [...s.profiles.flat(), ...s.profiles.map(profileNorm), BigInt(s.scoreLevels)];
}

/** The public signals, in snarkjs order: outputs, then the public inputs as declared in circuits.json. */
export function profilePublicSignals(s: ProfileStatement, out: ProfileOutputs, c: CircuitConfig): bigint[] {
  assertStatementFits(s, c);
  return [BigInt(out.index), toField(BigInt(out.score)), ...certifiedPublicSignals(s), ...parameterSignals(s)];
}

/** Number of public signals of a profile-class circuit. */
export function profileSignalCount(c: CircuitConfig): number {
  return PROFILE_OUTPUT_COUNT + CERTIFIED_PUBLIC_COUNT + 49 * profileCount(c) + 1;
}

/** Human name of public signal `i`, for error messages. */
export function profileSignalName(i: number, c: CircuitConfig): string {
  const K = profileCount(c);
  const fixed = ['index', 'score', ...CERTIFIED_SIGNAL_NAMES];
  if (i < fixed.length) return fixed[i];
  const j = i - fixed.length;
  if (j < 48 * K) return `profile ${Math.floor(j / 48)} slot ${j % 48}`;
  if (j < 49 * K) return `norm of profile ${j - 48 * K}`;
  return 'scoreLevels';
}

/** Reads the outputs from the public signals (the first two). */
export function decodeProfileOutputs(publicSignals: readonly bigint[], c: CircuitConfig): ProfileOutputs {
  const index = smallOutput(publicSignals[0], profileCount(c), 'profile index');
  const score = fromFieldSigned(publicSignals[1]);
  if (score < -BigInt(MAX_SCORE_LEVELS) || score > BigInt(MAX_SCORE_LEVELS)) throw new Error(`score ${score} is out of range`);
  return { index, score: Number(score) };
}

/** The witness input: the statement's public part plus the bundle's private readings, chain state and signature. */
export function profileWitnessInput(bundle: Bundle, s: ProfileStatement, c: CircuitConfig): Record<string, unknown> {
  assertStatementFits(s, c);
  return {
    ...certifiedWitnessInput(bundle, s, c),
    profiles: s.profiles.map((p) => p.map(String)),
    norms: s.profiles.map((p) => profileNorm(p).toString()),
    scoreLevels: String(s.scoreLevels),
  };
}
