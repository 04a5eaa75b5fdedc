/**
 * Proves a certified result of any kind: bundle + the kind's statement fields → result file contents, on the
 * circuit's built artifacts (prover/prove-core.ts does the proving itself, also for the web page).
 */
import { existsSync } from 'node:fs';
import { artifactsOf } from '../core/paths.js';
import { circuitForDays } from '../kinds/registry.js';
import { verifyBundleSignature, type Bundle } from '../meter/bundle.js';
import { snarkjsBackend, type ProverBackend } from './backend.js';
import { kindNamed } from '../kinds/registry.js';
import { compactResult } from './documents.js';
import { proveWithArtifacts } from './prove-core.js';
import type { ResultJson } from './result.js';

export interface ProveOptions {
  kind: string;
  bundle: Bundle;
  /** the kind's statement fields as a result file carries them (documents as published, JSON) */
  fields: Record<string, unknown>;
  backend?: ProverBackend;
  /** refer to published documents by digest instead of embedding them (prover/documents.ts) */
  compact?: boolean;
  /** the digest of the service request the result answers (prover/request.ts) */
  request?: string;
}

export async function proveResult(o: ProveOptions): Promise<ResultJson> {
  const { bundle } = o;
  const kind = kindNamed(o.kind);
  if (!(await verifyBundleSignature(bundle))) {
    throw new Error("the bundle's signature does not verify: its readings, period or chain state were altered, or it was signed by another meter");
  }
  const circuit = circuitForDays(kind.kind, bundle.days);
  const artifacts = artifactsOf(circuit.id);
  if (!existsSync(artifacts.wasm) || !existsSync(artifacts.zkey)) throw new Error(`circuit ${circuit.id} is not built: run "meterproof setup --circuit ${circuit.id}" first`);
  const result = await proveWithArtifacts({ kind, bundle, fields: o.fields, request: o.request, circuit, wasm: artifacts.wasm, zkey: artifacts.zkey, backend: o.backend ?? snarkjsBackend });
  return o.compact ? compactResult(result).result : result;
}
