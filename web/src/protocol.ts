/** Messages between the page and its proving worker (prover.worker.ts). */
import type { CircuitConfig } from '../../circuits/config.js';
import type { BundleJson } from '../../meter/bundle-format.js';
import type { ResultJson } from '../../prover/result.js';
import type { Device } from './capacity.js';

/** A proving artifact as the proving context names it: a content-addressed URL and its SHA-256. */
export interface ArtifactRef {
  url: string;
  sha256: string;
  bytes: number;
}

export type Stage = 'download' | 'decrypt' | 'witness' | 'prove' | 'submit';

/** Why a worker job failed; the page turns each into a sentence (messages.ts). */
export type FailureCode =
  | 'wrong_key'
  | 'invalid_key'
  | 'authentication_failed'
  | 'invalid_envelope'
  | 'invalid_bundle'
  | 'unreachable'
  | 'download_failed'
  | 'integrity'
  | 'witness_failed'
  | 'prove_failed';

export interface Failure {
  code: FailureCode;
  /** the library's own sentence, shown as the detail */
  message: string;
}

export interface Timings {
  downloadMs: number;
  /** bytes fetched from the network (0 when both artifacts came from the browser's cache) */
  downloadedBytes: number;
  witnessMs: number;
  proveMs: number;
  /** which prover made the proof, in plain words, with why snarkjs was used when the WebAssembly core was not (wasm-core.ts) */
  prover: string;
}

/** The prover the page asks for (`?prover=snarkjs` in its address forces snarkjs): `auto` is the WebAssembly core when it works, else snarkjs. */
export type ProverChoice = 'auto' | 'snarkjs';

/** The prover the worker will prove with: the WebAssembly core, or snarkjs (chosen, or the core not usable). */
export type ProverInUse = 'core' | 'snarkjs';

export type Request =
  | { type: 'open'; envelope: unknown; key: string }
  | { type: 'prefetch'; artifacts: ArtifactRef[] }
  | { type: 'prove'; kind: string; bundle: BundleJson; fields: Record<string, unknown>; circuit: CircuitConfig; wasm: ArtifactRef; zkey: ArtifactRef; /** what the page sized the proof for (capacity.ts) */ device: Device; /** the digest of the service request the result answers */ request?: string }
  | { type: 'kdf' }
  | { type: 'configure'; prover: ProverChoice }
  | { type: 'prover' };

export type Reply =
  | { type: 'opened'; bundle: BundleJson; decryptMs: number }
  | { type: 'prefetched' }
  | { type: 'proved'; result: ResultJson; timings: Timings }
  | { type: 'kdf'; ms: number }
  | { type: 'configured' }
  | { type: 'prover'; prover: ProverInUse };

export type FromWorker =
  | { id: number; type: 'progress'; stage: Stage; loaded?: number; total?: number }
  | { id: number; type: 'done'; reply: Reply }
  | { id: number; type: 'failed'; failure: Failure };
