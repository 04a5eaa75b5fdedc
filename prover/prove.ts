/** Proves a certified result of any kind: bundle + the kind's statement fields → result file contents. */
import { existsSync } from 'node:fs';
import { artifactsOf, circuitForDays } from '../circuits/registry.js';
import { canonicalJson } from '../tariff/index.js';
import { isoDay } from '../core/time.js';
import { verifyBundleSignature, type Bundle } from '../meter/bundle.js';
import { snarkjsBackend, type ProverBackend } from './backend.js';
import { kindNamed } from './kinds/index.js';
import { RESULT_FORMAT, type ResultJson } from './result.js';

export interface ProveOptions {
  kind: string;
  bundle: Bundle;
  /** the kind's statement fields as a result file carries them (documents as published, JSON) */
  fields: Record<string, unknown>;
  backend?: ProverBackend;
}

export async function proveResult(o: ProveOptions): Promise<ResultJson> {
  const { bundle } = o;
  const kind = kindNamed(o.kind);
  if (!(await verifyBundleSignature(bundle))) {
    throw new Error("the bundle's signature does not verify: its readings, period or chain state were altered, or it was signed by another meter");
  }
  const parsed = kind.fields.safeParse(o.fields);
  if (!parsed.success) throw new Error(`invalid ${kind.kind} statement: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const fields = parsed.data;
  const period = { meterId: bundle.meterId, publicKey: bundle.publicKey, startDay: bundle.startDay, days: bundle.days };
  const circuit = circuitForDays(kind.kind, bundle.days);
  const statement = kind.statement(period, fields, circuit);
  const artifacts = artifactsOf(circuit.id);
  if (!existsSync(artifacts.wasm) || !existsSync(artifacts.zkey)) throw new Error(`circuit ${circuit.id} is not built: run "meterproof setup --circuit ${circuit.id}" first`);

  const backend = o.backend ?? snarkjsBackend;
  const { proof, publicSignals, timings } = await backend.prove(kind.witnessInput(bundle, statement, circuit), artifacts.wasm, artifacts.zkey);
  const outputs = kind.outputsJson(kind.decode(publicSignals.map(BigInt), statement, circuit));

  // The circuit and the plain reference must agree; a disagreement is a bug, never a result to publish.
  const expected = kind.outputsJson(kind.reference(bundle, statement, circuit));
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
