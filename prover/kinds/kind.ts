/**
 * What every result kind (bill, threshold, rebate, …) provides so that one prover, one offline verifier,
 * one CLI command and one API pipeline serve them all. A kind wraps its circuit companion
 * (circuits/<kind>.ts) and reference (circuits/<kind>.reference.ts):
 *
 *   statement fields (the documents a result names) → statement → public signals / witness input
 *   public signals → outputs, and the reference computation the prover checks the circuit against.
 *
 * Public signals of every kind are laid out the same way: the kind's outputs, then meterId, Ax, Ay,
 * startDay, days, then the kind's own public inputs. A verifier rebuilds everything after the outputs.
 */
import type { z } from 'zod';
import type { CertifiedPeriod } from '../../circuits/lib/certified_inputs.js';
import type { CircuitConfig } from '../../circuits/registry.js';
import type { Bundle } from '../../meter/bundle.js';

/** Outputs as a result file states them: signed decimal integers, or lists of them. */
export type OutputsJson = Record<string, string | string[]>;

/** A statement field the CLI fills from a flag: a JSON document file, a text choice or an integer. */
export interface FieldFlag {
  /** the statement field, e.g. "tariff" */
  field: string;
  /** the command-line flag, e.g. "--tariff <file>" */
  flag: string;
  description: string;
  type: 'document' | 'text' | 'integer';
  required: boolean;
  choices?: readonly string[];
}

export interface ResultKind<S extends CertifiedPeriod = CertifiedPeriod, O = unknown> {
  readonly kind: string;
  /** one line: what a verifier learns */
  readonly summary: string;
  /** the statement's fields beyond meterId, meterPublicKey and period, as a result file carries them */
  readonly fields: z.ZodType<Record<string, unknown>>;
  readonly flags: readonly FieldFlag[];
  /** units of each output, e.g. { bill: 'micro-pence' } */
  readonly units: Record<string, string>;
  /** Builds the statement; throws a plain Error naming the bad document or field. */
  statement(period: CertifiedPeriod, fields: Record<string, unknown>, c: CircuitConfig): S;
  outputCount(c: CircuitConfig): number;
  signalCount(c: CircuitConfig): number;
  signalName(i: number, c: CircuitConfig): string;
  publicSignals(s: S, out: O, c: CircuitConfig): bigint[];
  decode(signals: readonly bigint[], s: S, c: CircuitConfig): O;
  outputsJson(out: O): OutputsJson;
  witnessInput(bundle: Bundle, s: S, c: CircuitConfig): Record<string, unknown>;
  /** the plain computation the circuit must agree with (async where it hashes, e.g. sampling's Poseidon) */
  reference(bundle: Bundle, s: S, c: CircuitConfig): O | Promise<O>;
}

/** Identity helper that keeps a kind's statement and output types checked where it is defined. */
export function defineKind<S extends CertifiedPeriod, O>(k: ResultKind<S, O>): ResultKind<S, O> {
  return k;
}
