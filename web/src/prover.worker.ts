/**
 * The page's worker: everything slow happens here so the page stays responsive — Argon2id and AES-GCM to
 * open the readings, downloading and checking the proving artifacts, the witness and the Groth16 proof —
 * by the native prover's core compiled to WebAssembly (wasm-core.ts; its own threads when the page is
 * cross-origin isolated), or by snarkjs (its own nested workers) when the core cannot be used.
 *
 * It talks to nobody but the page and the service's /artifacts/ URLs: the key and the readings never
 * leave this worker except back to the page.
 */
import { parseBundle } from '../../meter/bundle-format.js';
import { decryptBundle, DecryptionError, measureKdf, UserKeyError } from '../../meter/encryption/index.js';
import { KINDS } from '../../kinds/registry.js';
import { proveWithArtifacts } from '../../prover/prove-core.js';
import { ArtifactError, loadArtifact } from './artifacts.js';
import { provingVerdict } from './capacity.js';
import type { ArtifactRef, Failure, FromWorker, Reply, Request, Stage } from './protocol.js';
import { chooseProver, prepareProver, proverFor, proverInUse } from './wasm-core.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent<{ id: number; request: Request }>) => void) | null;
  postMessage(message: FromWorker): void;
}
const scope = self as unknown as WorkerScope;

/** Both artifacts, with one byte counter for the progress bar. */
async function loadAll(refs: ArtifactRef[], progress: (stage: Stage, loaded?: number, total?: number) => void) {
  const total = refs.reduce((n, r) => n + r.bytes, 0);
  let loaded = 0;
  progress('download', 0, total);
  const results = await Promise.all(refs.map((r) => loadArtifact(r, (n) => progress('download', (loaded += n), total))));
  return { bytes: results.map((r) => r.bytes), fromNetwork: results.reduce((n, r) => n + r.fromNetwork, 0) };
}

async function handle(request: Request, progress: (stage: Stage, loaded?: number, total?: number) => void): Promise<Reply> {
  switch (request.type) {
    case 'open': {
      progress('decrypt');
      const t0 = performance.now();
      const json = await decryptBundle(request.envelope, request.key);
      try {
        parseBundle(json);
      } catch (e) {
        throw { code: 'invalid_bundle', message: (e as Error).message } satisfies Failure;
      }
      return { type: 'opened', bundle: json, decryptMs: performance.now() - t0 };
    }
    case 'prefetch':
      // The prover (its WebAssembly and threads) starts while the files download, both before "Prove and send".
      await Promise.all([loadAll(request.artifacts, progress), prepareProver()]);
      return { type: 'prefetched' };
    case 'configure':
      chooseProver(request.prover);
      return { type: 'configured' };
    case 'prover':
      return { type: 'prover', prover: await proverInUse() };
    case 'kdf':
      return { type: 'kdf', ms: await measureKdf() };
    case 'prove': {
      const t0 = performance.now();
      const { bytes, fromNetwork } = await loadAll([request.wasm, request.zkey], progress);
      const downloadMs = performance.now() - t0;
      let stage: Stage = 'witness';
      // a core failing mid-proof hands over to snarkjs only where the device was sized for snarkjs too
      const prover = await proverFor(() => provingVerdict(request.circuit.params.maxDays, 'snarkjs', request.device));
      try {
        const result = await proveWithArtifacts({
          kind: KINDS[request.kind],
          bundle: parseBundle(request.bundle),
          fields: request.fields,
          request: request.request,
          circuit: request.circuit,
          wasm: bytes[0],
          zkey: bytes[1],
          backend: prover.backend,
          onStage: (s) => progress((stage = s)),
        });
        return { type: 'proved', result, timings: { downloadMs, downloadedBytes: fromNetwork, witnessMs: result.prover!.witnessMs, proveMs: result.prover!.proveMs, prover: prover.description() } };
      } catch (e) {
        throw { code: stage === 'witness' ? 'witness_failed' : 'prove_failed', message: (e as Error).message } satisfies Failure;
      }
    }
  }
}

function failure(e: unknown): Failure {
  if (e instanceof DecryptionError) return { code: e.code, message: e.message };
  if (e instanceof UserKeyError) return { code: 'invalid_key', message: e.message };
  if (e instanceof ArtifactError) return e.failure;
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) return e as Failure;
  return { code: 'prove_failed', message: e instanceof Error ? e.message : String(e) };
}

scope.onmessage = (e) => {
  const { id, request } = e.data;
  const progress = (stage: Stage, loaded?: number, total?: number) => scope.postMessage({ id, type: 'progress', stage, loaded, total });
  handle(request, progress).then(
    (reply) => scope.postMessage({ id, type: 'done', reply }),
    (err) => scope.postMessage({ id, type: 'failed', failure: failure(err) }),
  );
};
