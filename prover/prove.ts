/**
 * Proves a certified result of any kind: bundle + the kind's statement fields → result file contents, on the
 * circuit's built artifacts (prover/prove-core.ts does the proving itself, also for the web page).
 */
import { existsSync } from 'node:fs';
import { artifactsOf } from '../core/paths.js';
import { systemKeysOf } from '../core/proof-systems.js';
import { circuitForDays } from '../kinds/registry.js';
import { verifyBundleSignature, type Bundle } from '../meter/bundle.js';
import { snarkjsBackend, type Groth16Proof, type ProverBackend } from './backend.js';
import { kindNamed } from '../kinds/registry.js';
import { compactResult } from './documents.js';
import { proveWithArtifacts, type ResultWithProof } from './prove-core.js';

export interface ProveOptions<P = Groth16Proof> {
  kind: string;
  bundle: Bundle;
  /** the kind's statement fields as a result file carries them (documents as published, JSON) */
  fields: Record<string, unknown>;
  /** the prover, and with it the proof system (prover/systems.ts: backendFor); snarkjs Groth16 by default */
  backend?: ProverBackend<P>;
  /** refer to published documents by digest instead of embedding them (prover/documents.ts) */
  compact?: boolean;
  /** the digest of the service request the result answers (prover/request.ts) */
  request?: string;
}

export async function proveResult<P = Groth16Proof>(o: ProveOptions<P>): Promise<ResultWithProof<P>> {
  const { bundle } = o;
  const kind = kindNamed(o.kind);
  if (!(await verifyBundleSignature(bundle))) {
    throw new Error("the bundle's signature does not verify: its readings, period or chain state were altered, or it was signed by another meter");
  }
  const circuit = circuitForDays(kind.kind, bundle.days);
  const backend = o.backend ?? (snarkjsBackend as unknown as ProverBackend<P>);
  const system = backend.system ?? 'groth16';
  const wasm = artifactsOf(circuit.id).wasm;
  const zkey = systemKeysOf(circuit.id, system).zkey;
  if (!existsSync(wasm) || !existsSync(zkey)) throw new Error(`circuit ${circuit.id} has no ${system} keys: run "meterproof setup --circuit ${circuit.id}${system === 'groth16' ? '' : ` --system ${system}`}" first`);
  const result = await proveWithArtifacts({ kind, bundle, fields: o.fields, request: o.request, circuit, wasm, zkey, backend });
  return o.compact ? compactResult(result).result : result;
}
