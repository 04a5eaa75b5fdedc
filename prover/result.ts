/**
 * The certified result file (format "meterproof-result/1", JSON Schema: schemas/result.schema.json): the
 * proof, its public signals, the circuit id, the statement (meter, period and the documents of the result's
 * kind, see kinds/), and the decoded outputs as signed decimal integers with their units.
 *
 * Each published document of the statement is either embedded whole or, in the compact form, referred to
 * as `{ "digest": "<sha256 hex>" }` (prover/documents.ts): a reader resolves it from documents it holds and
 * checks it against the digest. Both forms are the same result (same proof and public signals).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { CertifiedPeriod } from '../circuits/lib/certified_inputs.js';
import { dayOf } from '../core/time.js';
import type { Groth16Proof } from './backend.js';
import { decompressProofHex } from './groth16-compressed.js';
import { KINDS } from '../kinds/registry.js';
import { RESULT_FORMAT } from './result-format.js';
import { contextOf } from './request.js';

export { RESULT_FORMAT };

const signedInt = z.string().regex(/^-?(0|[1-9]\d*)$/, 'expected a signed decimal integer');
const decimal = z.string().regex(/^(0|[1-9]\d*)$/, 'expected a decimal integer');

// A Groth16 proof in one form only: a file with both the points and `compressed` is refused (strict objects).
const GROTH16_PROOF = z
  .strictObject({ pi_a: z.array(z.string()), pi_b: z.array(z.array(z.string())), pi_c: z.array(z.string()), protocol: z.string(), curve: z.string() })
  .describe("a Groth16 proof as snarkjs writes it (affine points, z = 1)");
const GROTH16_COMPRESSED_PROOF = z
  .strictObject({
    protocol: z.literal('groth16'),
    curve: z.literal('bn128'),
    compressed: z
      .string()
      .regex(/^[0-9a-f]{256}$/, 'expected 256 lower-case hex digits (128 bytes)')
      .describe('A (32 bytes) ‖ B (64) ‖ C (32), each point its x with flag bits, as docs/proof-systems.md describes'),
  })
  .describe('a Groth16 proof compressed to 128 bytes');
const UNIVERSAL_PROOF = z
  .object({ protocol: z.enum(['plonk', 'fflonk']), curve: z.literal('bn128') })
  .catchall(z.unknown())
  .describe('a PLONK or FFLONK proof as snarkjs writes it');

export const ResultSchema = z.object({
  format: z.literal(RESULT_FORMAT),
  // checked against the registry, not enumerated: the JSON Schema stays the same when a kind is added
  kind: z
    .string()
    .refine((k) => Object.hasOwn(KINDS, k), { error: (i) => `unknown result kind ${JSON.stringify(i.input)} (known: ${Object.keys(KINDS).join(', ')})` })
    .describe('the result kind: one of the kinds registered in kinds/all.ts'),
  circuit: z.string().min(1),
  /** meter and period, plus the fields of the kind (kinds/<kind>/kind.ts), e.g. tariff and valueOfEnergy for a bill */
  statement: z
    .object({
      meterId: z.string(),
      meterPublicKey: z.tuple([decimal, decimal]),
      period: z.object({ start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), days: z.number().int().min(1) }),
      request: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits')
        .optional()
        .describe("the digest of the service's request the result answers (docs/requests.md); the proof's context input is it reduced into the field"),
    })
    .catchall(z.unknown())
    .describe(
      'meter, period and the fields of the result kind; each published document (tariff, value-of-energy vector, events, scheme, …) embedded whole or, in the compact form, as {"digest": "<64 hex: sha256 of its canonical JSON as its format parses it>"} (GET /v1/documents/{digest} serves it)',
    ),
  outputs: z.record(z.string(), z.union([signedInt, z.array(signedInt)])),
  units: z.record(z.string(), z.string()),
  proof: z
    .union([GROTH16_PROOF, GROTH16_COMPRESSED_PROOF, UNIVERSAL_PROOF])
    .describe('the proof, in exactly one form: Groth16 as snarkjs writes it or compressed to 128 bytes, or a PLONK / FFLONK proof as snarkjs writes it'),
  publicSignals: z.array(z.string()),
  prover: z.object({ backend: z.string(), witnessMs: z.number(), proveMs: z.number() }).optional(),
  createdAt: z.string().optional(),
});
type ResultFile = z.infer<typeof ResultSchema>;
/** A PLONK or FFLONK proof in snarkjs's JSON form (prover/systems.ts proves and verifies them). */
export type UniversalProof = z.infer<typeof UNIVERSAL_PROOF>;
/** A parsed result of any proof system; a compressed Groth16 proof is decompressed to snarkjs's form. */
export type AnyResultJson = Omit<ResultFile, 'proof'> & { proof: Groth16Proof | UniversalProof };
/** A parsed Groth16 result: what the verifier API, the web page and most tools handle. */
export type ResultJson = Omit<ResultFile, 'proof'> & { proof: Groth16Proof };
/** A bill result: its outputs are known by name. */
export type BillResultJson = ResultJson & { outputs: Record<'bill' | 'settlement' | 'consumption', string> };

/**
 * A result file of any proof system. A compressed Groth16 proof is decompressed here (throwing
 * CompressedProofError for bytes that are no proof points), so readers see one form.
 */
export function parseAnyResult(json: unknown): AnyResultJson {
  const parsed = ResultSchema.safeParse(json);
  if (!parsed.success) throw new Error(`invalid result file: ${z.prettifyError(parsed.error)}`);
  const { proof, ...rest } = parsed.data;
  if (!('compressed' in proof) || proof.protocol !== 'groth16') return { ...rest, proof: proof as Groth16Proof | UniversalProof };
  return { ...rest, proof: decompressProofHex(proof.compressed as string) };
}

/** A Groth16 result file (compressed or not); a PLONK or FFLONK result is refused saying so. */
export function parseResult(json: unknown): ResultJson {
  const r = parseAnyResult(json);
  if (!isGroth16Result(r)) throw new Error(`invalid result file: a ${r.proof.protocol} proof, where only Groth16 results are accepted`);
  return r;
}

export const isGroth16Result = (r: AnyResultJson): r is ResultJson => 'pi_a' in r.proof;

export function readResult(path: string): AnyResultJson {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read result file ${path}: ${(e as Error).message}`);
  }
  return parseAnyResult(json);
}

/** The meter and period a result's statement names. */
export function statementPeriod(r: AnyResultJson): CertifiedPeriod {
  const s = r.statement;
  return { meterId: s.meterId, publicKey: [BigInt(s.meterPublicKey[0]), BigInt(s.meterPublicKey[1])], startDay: dayOf(s.period.start), days: s.period.days, context: contextOf(s.request) };
}

export { contextOf };

/** The statement's kind-specific fields (everything but meter, period and the request answered). */
export function statementFields(r: AnyResultJson): Record<string, unknown> {
  const { meterId: _m, meterPublicKey: _k, period: _p, request: _r, ...fields } = r.statement;
  return fields;
}

export type { Groth16Proof };
