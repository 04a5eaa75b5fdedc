/**
 * The certified result file (format "meterproof-result/1", JSON Schema: schemas/result.schema.json): the
 * proof, its public signals, the circuit id, the documents the statement refers to, and the decoded
 * outputs as signed decimal integers (bill and settlement in micro-pence, consumption in Wh).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { dayOf } from '../core/time.js';
import { parseTariff } from '../tariff/index.js';
import type { Groth16Proof } from './backend.js';
import type { StatementDocuments } from './statement.js';

export const RESULT_FORMAT = 'meterproof-result/1';

const signedInt = z.string().regex(/^-?(0|[1-9]\d*)$/, 'expected a signed decimal integer');
const decimal = z.string().regex(/^(0|[1-9]\d*)$/, 'expected a decimal integer');

export const ResultSchema = z.object({
  format: z.literal(RESULT_FORMAT),
  kind: z.literal('bill'),
  circuit: z.string().min(1),
  statement: z.object({
    meterId: z.string(),
    meterPublicKey: z.tuple([decimal, decimal]),
    period: z.object({ start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), days: z.number().int().min(1) }),
    tariff: z.unknown(),
    valueOfEnergy: z.unknown().nullable(),
  }),
  outputs: z.object({ bill: signedInt, settlement: signedInt, consumption: signedInt }),
  units: z.object({ bill: z.literal('micro-pence'), settlement: z.literal('micro-pence'), consumption: z.literal('Wh') }),
  proof: z.object({
    pi_a: z.array(z.string()),
    pi_b: z.array(z.array(z.string())),
    pi_c: z.array(z.string()),
    protocol: z.string(),
    curve: z.string(),
  }),
  publicSignals: z.array(z.string()),
  prover: z.object({ backend: z.string(), witnessMs: z.number(), proveMs: z.number() }).optional(),
  createdAt: z.string().optional(),
});
export type ResultJson = z.infer<typeof ResultSchema>;

export const UNITS = { bill: 'micro-pence', settlement: 'micro-pence', consumption: 'Wh' } as const;

export function parseResult(json: unknown): ResultJson {
  const parsed = ResultSchema.safeParse(json);
  if (!parsed.success) throw new Error(`invalid result file: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function readResult(path: string): ResultJson {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read result file ${path}: ${(e as Error).message}`);
  }
  return parseResult(json);
}

/** The documents a result's statement names, decoded. */
export function statementDocuments(r: ResultJson): StatementDocuments {
  const s = r.statement;
  return {
    meterId: s.meterId,
    publicKey: [BigInt(s.meterPublicKey[0]), BigInt(s.meterPublicKey[1])],
    startDay: dayOf(s.period.start),
    days: s.period.days,
    tariff: parseTariff(s.tariff),
    valueOfEnergy: s.valueOfEnergy == null ? null : parseTariff(s.valueOfEnergy),
  };
}

export type { Groth16Proof };
