/**
 * Strict verification of a certified bill result, in the order that fails cheapest first:
 * shape → known circuit and pinned key → signal count and encoding → proof points → statement
 * (the public signals must be exactly those rebuilt from the named documents) → pairing check.
 */
import { readFileSync } from 'node:fs';
import * as snarkjs from 'snarkjs';
import { billingPublicSignals, billingSignalCount, billingSignalName, BILLING_OUTPUT_COUNT } from '../circuits/billing.js';
import { artifactsOf, getCircuit, type CircuitConfig } from '../circuits/registry.js';
import { fromFieldSigned, isCanonicalFieldDecimal } from '../core/field.js';
import { assertWellFormedProof } from './groth16-checks.js';
import { parseResult, statementDocuments, type ResultJson } from './result.js';
import { billingStatement } from './statement.js';

export type RejectionCode =
  | 'malformed'
  | 'unknown_circuit'
  | 'signal_count'
  | 'non_canonical_signal'
  | 'bad_proof_point'
  | 'statement_mismatch'
  | 'output_mismatch'
  | 'proof_invalid';

export class ResultRejected extends Error {
  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifiedBill {
  circuit: CircuitConfig;
  result: ResultJson;
  outputs: { bill: bigint; settlement: bigint; consumption: bigint };
}

/** The verification key pinned for a circuit: from the local build, never from the result file. */
export type VerificationKeyLookup = (circuitId: string) => unknown;

export const localVerificationKey: VerificationKeyLookup = (id) => {
  try {
    return JSON.parse(readFileSync(artifactsOf(id).vkey, 'utf8'));
  } catch {
    throw new Error(`no verification key for ${id}: run "meterproof setup" first`);
  }
};

/**
 * The encoding checks of a bill result's public signals: exact count, canonical field elements, and decoded
 * outputs equal to the ones the file states. Shared by offline verification and the verifier API.
 */
export function checkBillSignals(result: ResultJson, circuit: CircuitConfig): { signals: bigint[]; outputs: VerifiedBill['outputs'] } {
  const expectedCount = billingSignalCount(circuit);
  if (result.publicSignals.length !== expectedCount) {
    throw new ResultRejected('signal_count', `circuit ${circuit.id} has ${expectedCount} public signals, the result has ${result.publicSignals.length}`);
  }
  const bad = result.publicSignals.findIndex((s) => !isCanonicalFieldDecimal(s));
  if (bad >= 0) throw new ResultRejected('non_canonical_signal', `public signal ${bad} (${billingSignalName(bad)}) is not a canonical field element`);
  const signals = result.publicSignals.map(BigInt);
  const outputs = { bill: fromFieldSigned(signals[0]), settlement: fromFieldSigned(signals[1]), consumption: fromFieldSigned(signals[2]) };
  if (String(outputs.bill) !== result.outputs.bill || String(outputs.settlement) !== result.outputs.settlement || String(outputs.consumption) !== result.outputs.consumption) {
    throw new ResultRejected('output_mismatch', 'the decoded outputs do not match the public signals');
  }
  return { signals, outputs };
}

export async function verifyBillResult(json: unknown, vkeyFor: VerificationKeyLookup = localVerificationKey): Promise<VerifiedBill> {
  let result: ResultJson;
  try {
    result = parseResult(json);
  } catch (e) {
    throw new ResultRejected('malformed', (e as Error).message);
  }

  let circuit: CircuitConfig;
  try {
    circuit = getCircuit(result.circuit);
  } catch (e) {
    throw new ResultRejected('unknown_circuit', (e as Error).message);
  }
  const vkey = vkeyFor(circuit.id);

  const { signals, outputs } = checkBillSignals(result, circuit);

  try {
    await assertWellFormedProof(result.proof);
  } catch (e) {
    throw new ResultRejected('bad_proof_point', (e as Error).message);
  }

  let expected: bigint[];
  try {
    expected = billingPublicSignals(billingStatement(statementDocuments(result)), outputs, circuit);
  } catch (e) {
    throw new ResultRejected('statement_mismatch', `the statement cannot be rebuilt: ${(e as Error).message}`);
  }
  const differs = expected.findIndex((x, i) => i >= BILLING_OUTPUT_COUNT && x !== signals[i]);
  if (differs >= 0) {
    throw new ResultRejected('statement_mismatch', `public signal ${differs} (${billingSignalName(differs)}) does not match the statement's documents`);
  }

  if (!(await snarkjs.groth16.verify(vkey, result.publicSignals, result.proof))) {
    throw new ResultRejected('proof_invalid', 'the proof does not verify against the pinned verification key');
  }
  return { circuit, result, outputs };
}
