/**
 * Strict verification of a certified result of any kind, in the order that fails cheapest first:
 * shape → known circuit of the result's kind and pinned key → signal count and encoding → decoded outputs
 * equal to the stated ones → proof points → statement (every public input after the outputs must be exactly
 * the one rebuilt from the named documents) → pairing check.
 */
import type { CertifiedPeriod } from '../circuits/lib/certified_inputs.js';
import { getCircuit } from '../kinds/registry.js';
import type { CircuitConfig } from '../circuits/config.js';
import { isCanonicalFieldDecimal } from '../core/field.js';
import { describeIssues } from '../core/documents.js';
import { canonicalJson } from '../tariff/index.js';
import { DocumentUnresolved, expandResult, type DocumentResolver } from './documents.js';
import type { BillingOutputs } from '../kinds/bill/circuit.js';
import { kindNamed, type ResultKind } from '../kinds/registry.js';
import { CompressedProofError } from './groth16-compressed.js';
import { isGroth16Result, parseAnyResult, statementFields, statementPeriod, type AnyResultJson, type BillResultJson } from './result.js';
import { systemOfProof, type ProofSystem } from '../core/proof-systems.js';
import { ResultRejected } from './verify-light.js';

export { ResultRejected, type RejectionCode } from './verify-light.js';

export interface VerifiedResult<O = unknown> {
  circuit: CircuitConfig;
  kind: ResultKind<any, O>;
  /** the result as verified: documents embedded, a compressed Groth16 proof decompressed */
  result: AnyResultJson;
  system: ProofSystem;
  /** the statement rebuilt from the result's documents */
  statement: CertifiedPeriod;
  outputs: O;
}

/**
 * The verification key pinned for a circuit in a proof system: from the local build, never from the result
 * file. A service (or a browser) that ships its keys passes its own lookup; one that pins Groth16 keys only
 * may ignore `system`: a key of another system than the proof's is refused (its `protocol`).
 */
export type VerificationKeyLookup = (circuitId: string, system: ProofSystem) => unknown | Promise<unknown>;

// Node modules and the pairing code are imported when first needed: importing this module stays light for a
// service, and loads in a browser.
export const localVerificationKey: VerificationKeyLookup = async (id, system) => {
  const [{ readFile }, { systemKeysOf }] = await Promise.all([import('node:fs/promises'), import('../core/proof-systems.js')]);
  try {
    return JSON.parse(await readFile(systemKeysOf(id, system).vkey, 'utf8'));
  } catch {
    throw new Error(`no ${system} verification key for ${id}: run "meterproof setup --circuit ${id}${system === 'groth16' ? '' : ` --system ${system}`}" first`);
  }
};

/** Parses a result and finds its circuit and kind; refuses a circuit that does not prove the stated kind. */
export function resultCircuit(json: unknown, circuitNamed: (id: string) => CircuitConfig | undefined = tryGetCircuit): { result: AnyResultJson; circuit: CircuitConfig; kind: ResultKind } {
  let result: AnyResultJson;
  try {
    result = parseAnyResult(json);
  } catch (e) {
    throw new ResultRejected(e instanceof CompressedProofError ? 'bad_proof_point' : 'malformed', (e as Error).message);
  }
  const circuit = circuitNamed(result.circuit);
  if (!circuit) throw new ResultRejected('unknown_circuit', `unknown circuit "${result.circuit}"`);
  if (circuit.kind !== result.kind) throw new ResultRejected('unknown_circuit', `circuit ${circuit.id} proves "${circuit.kind}" results, not "${result.kind}"`);
  return { result, circuit, kind: kindNamed(result.kind) };
}

function tryGetCircuit(id: string): CircuitConfig | undefined {
  try {
    return getCircuit(id);
  } catch {
    return undefined;
  }
}

/**
 * The encoding checks of a result's public signals: exact count, canonical field elements, and outputs
 * decoded from the signals equal to the ones the file states. Shared by offline verification and the API.
 */
export function checkSignals(result: AnyResultJson, circuit: CircuitConfig, kind: ResultKind, statement: CertifiedPeriod): { signals: bigint[]; outputs: unknown } {
  const expectedCount = kind.signalCount(circuit);
  if (result.publicSignals.length !== expectedCount) {
    throw new ResultRejected('signal_count', `circuit ${circuit.id} has ${expectedCount} public signals, the result has ${result.publicSignals.length}`);
  }
  const bad = result.publicSignals.findIndex((s) => !isCanonicalFieldDecimal(s));
  if (bad >= 0) throw new ResultRejected('non_canonical_signal', `public signal ${bad} (${kind.signalName(bad, circuit)}) is not a canonical field element`);
  const signals = result.publicSignals.map(BigInt);
  let outputs: unknown;
  try {
    outputs = kind.decode(signals, statement, circuit);
  } catch (e) {
    throw new ResultRejected('output_mismatch', `the outputs cannot be decoded: ${(e as Error).message}`);
  }
  if (canonicalJson(kind.outputsJson(outputs)) !== canonicalJson(result.outputs)) {
    throw new ResultRejected('output_mismatch', 'the decoded outputs do not match the public signals');
  }
  if (canonicalJson(kind.units) !== canonicalJson(result.units)) throw new ResultRejected('malformed', `the units of a ${kind.kind} result are ${JSON.stringify(kind.units)}`);
  return { signals, outputs };
}

/**
 * The kind's statement fields a result carries, checked against the kind's schema. Refuses fields the kind
 * does not know, so nothing in a verified file is unchecked. (The verifier API uses it too: it then binds
 * the fields to its registries instead of building the statement from them.)
 */
export function parseStatementFields(result: AnyResultJson, kind: ResultKind): Record<string, unknown> {
  const fields = statementFields(result);
  const parsed = kind.fields.safeParse(fields);
  if (!parsed.success) throw new ResultRejected('malformed', `statement: ${describeIssues(parsed.error)}`);
  const known = new Set(Object.keys(parsed.data));
  const extra = Object.keys(fields).filter((f) => !known.has(f));
  if (extra.length) throw new ResultRejected('malformed', `statement has fields a ${kind.kind} result does not use: ${extra.join(', ')}`);
  return parsed.data;
}

/** Rebuilds the statement from the meter, period and the kind's fields a result carries. */
export function rebuildStatement(result: AnyResultJson, circuit: CircuitConfig, kind: ResultKind): CertifiedPeriod {
  const fields = parseStatementFields(result, kind);
  try {
    return kind.statement(statementPeriod(result), fields, circuit);
  } catch (e) {
    throw new ResultRejected('statement_mismatch', `the statement cannot be rebuilt: ${(e as Error).message}`);
  }
}

/** Public signals after the outputs that differ from the expected ones: the first index, or -1. */
export function firstStatementMismatch(expected: readonly bigint[], signals: readonly bigint[], from: number): number {
  for (let i = from; i < expected.length; i++) if (expected[i] !== signals[i]) return i;
  return expected.length === signals.length ? -1 : expected.length;
}

/**
 * A result that refers to documents by digest (prover/documents.ts) is verified with the documents the
 * resolvers find, each checked against its digest; `result` is then the embedded form.
 */
export async function verifyResult(json: unknown, vkeyFor: VerificationKeyLookup = localVerificationKey, ...documents: DocumentResolver[]): Promise<VerifiedResult> {
  const { result: stated, circuit, kind } = resultCircuit(json);
  let result: AnyResultJson;
  try {
    result = await expandResult(stated, ...documents);
  } catch (e) {
    throw e instanceof DocumentUnresolved ? new ResultRejected(e.code, e.message) : e;
  }
  const system = systemOfProof(result.proof);
  const vkey = await vkeyFor(circuit.id, system);
  if ((vkey as { protocol?: unknown } | undefined)?.protocol !== system) throw new ResultRejected('unknown_circuit', `no ${system} verification key is pinned for circuit ${circuit.id}`);
  const statement = rebuildStatement(result, circuit, kind);
  const { signals, outputs } = checkSignals(result, circuit, kind, statement);

  const [{ assertWellFormedProof }, { verifyInSystem }] = await Promise.all([import('./groth16-checks.js'), import('./snark-verify.js')]);
  // PLONK's and FFLONK's points are checked by snarkjs's verifier (G1 only: no subgroup question)
  if (isGroth16Result(result)) {
    try {
      await assertWellFormedProof(result.proof);
    } catch (e) {
      throw new ResultRejected('bad_proof_point', (e as Error).message);
    }
  }

  let expected: bigint[];
  try {
    expected = kind.publicSignals(statement, outputs, circuit);
  } catch (e) {
    throw new ResultRejected('statement_mismatch', `the statement cannot be rebuilt: ${(e as Error).message}`);
  }
  const differs = firstStatementMismatch(expected, signals, kind.outputCount(circuit));
  if (differs >= 0) {
    throw new ResultRejected('statement_mismatch', `public signal ${differs} (${kind.signalName(differs, circuit)}) does not match the statement's documents`);
  }

  const valid = await verifyInSystem(system, vkey, result.publicSignals, result.proof).catch((e: Error) => {
    throw new ResultRejected('bad_proof_point', `the ${system} proof cannot be read: ${e.message}`);
  });
  if (!valid) throw new ResultRejected('proof_invalid', `the ${system} proof does not verify against the pinned verification key`);
  return { circuit, kind, result, system, statement, outputs };
}

/** verifyResult for a file that must be a bill. */
export async function verifyBillResult(json: unknown, vkeyFor?: VerificationKeyLookup, ...documents: DocumentResolver[]): Promise<VerifiedResult<BillingOutputs> & { result: BillResultJson }> {
  const v = await verifyResult(json, vkeyFor, ...documents);
  if (v.kind.kind !== 'bill') throw new ResultRejected('unknown_circuit', `expected a bill result, got a ${v.kind.kind} result`);
  return v as VerifiedResult<BillingOutputs> & { result: BillResultJson };
}
