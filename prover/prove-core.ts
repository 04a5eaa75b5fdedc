/**
 * Proving a result once the circuit and its artifacts are at hand: statement → witness → proof → outputs
 * checked against the plain reference → result file. No file system: the household web page runs it in a
 * Web Worker with the artifacts' bytes; prover/prove.ts runs it on the built artifacts' paths.
 */
import { describeIssues } from '../core/documents.js';
import type { CircuitConfig } from '../circuits/config.js';
import { isoDay } from '../core/time.js';
import type { Bundle } from '../meter/bundle-format.js';
import { canonicalJson } from '../tariff/digest.js';
import type { Groth16Proof, ProverBackend, ProvingArtifact, ProvingStage } from './backend.js';
import type { ResultKind } from '../kinds/kind.js';
import { RESULT_FORMAT } from './result-format.js';
import { contextOf } from './request.js';
import type { ResultJson } from './result.js';

export interface ProveWithArtifactsOptions<P = Groth16Proof> {
  kind: ResultKind<any, any>;
  bundle: Bundle;
  /** the kind's statement fields as a result file carries them (documents as published, JSON) */
  fields: Record<string, unknown>;
  circuit: CircuitConfig;
  wasm: ProvingArtifact;
  zkey: ProvingArtifact;
  backend: ProverBackend<P>;
  onStage?: (stage: ProvingStage) => void;
  /** the digest of the service request the result answers (prover/request.ts): proved as the statement's context */
  request?: string;
}

/** A result of the backend's proof system: a Groth16 ResultJson for the Groth16 backends. */
export type ResultWithProof<P> = Omit<ResultJson, 'proof'> & { proof: P };

export async function proveWithArtifacts<P = Groth16Proof>(o: ProveWithArtifactsOptions<P>): Promise<ResultWithProof<P>> {
  const { bundle, kind, circuit, backend } = o;
  const parsed = kind.fields.safeParse(o.fields);
  if (!parsed.success) throw new Error(`invalid ${kind.kind} statement: ${describeIssues(parsed.error)}`);
  const fields = parsed.data;
  const period = { meterId: bundle.meterId, publicKey: bundle.publicKey, startDay: bundle.startDay, days: bundle.days, context: contextOf(o.request) };
  const statement = kind.statement(period, fields, circuit);

  const { proof, publicSignals, timings } = await backend.prove(kind.witnessInput(bundle, statement, circuit), o.wasm, o.zkey, o.onStage);
  const outputs = kind.outputsJson(kind.decode(publicSignals.map(BigInt), statement, circuit));

  // The circuit and the plain reference must agree; a disagreement is a bug, never a result to publish.
  const expected = kind.outputsJson(await kind.reference(bundle, statement, circuit));
  if (canonicalJson(outputs) !== canonicalJson(expected)) {
    throw new Error(`internal error: circuit outputs ${JSON.stringify(outputs)} differ from the reference computation ${JSON.stringify(expected)}`);
  }

  return {
    format: RESULT_FORMAT,
    kind: kind.kind,
    circuit: circuit.id,
    statement: {
      meterId: bundle.meterId,
      meterPublicKey: [bundle.publicKey[0].toString(), bundle.publicKey[1].toString()],
      period: { start: isoDay(bundle.startDay), days: bundle.days },
      ...(o.request === undefined ? {} : { request: o.request }),
      ...fields,
    },
    outputs,
    units: kind.units,
    proof,
    publicSignals,
    prover: { backend: backend.name, witnessMs: Math.round(timings.witnessMs), proveMs: Math.round(timings.proveMs) },
    createdAt: new Date().toISOString(),
  };
}
