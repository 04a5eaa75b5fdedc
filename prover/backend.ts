/**
 * Proving backends. snarkjs (WebAssembly, Node and browser: the household web page proves with it in a
 * Web Worker) is the one shipped; a native prover such as rapidsnark can be added by implementing the same
 * interface on the same .wasm/.zkey artifacts.
 */
import { buildBn128 } from 'ffjavascript';
import * as snarkjs from 'snarkjs';
import type { Groth16Proof, ProvingArtifact } from '../core/groth16.js';
import type { ProofSystem } from '../core/proof-systems.js';

export type { Groth16Proof, ProvingArtifact } from '../core/groth16.js';

export interface ProofTimings {
  witnessMs: number;
  proveMs: number;
}


export type ProvingStage = 'witness' | 'prove';

/** A prover of one proof system (`system`, Groth16 when absent) whose proofs have the shape P. */
export interface ProverBackend<P = Groth16Proof> {
  readonly name: string;
  readonly system?: ProofSystem;
  /** `onStage` is told when each stage starts (the web page's progress bar). */
  prove(input: Record<string, unknown>, wasm: ProvingArtifact, zkey: ProvingArtifact, onStage?: (stage: ProvingStage) => void): Promise<{ proof: P; publicSignals: string[]; timings: ProofTimings }>;
}

/** snarkjs's prover of `system` on the circuit's WebAssembly witness generator. */
export function snarkjsProver<P = Groth16Proof>(system: ProofSystem): ProverBackend<P> {
  return {
    name: `snarkjs-${system}`,
    ...(system === 'groth16' ? {} : { system }),
    async prove(input, wasm, zkey, onStage) {
      onStage?.('witness');
      const t0 = performance.now();
      const witness = { type: 'mem' };
      await snarkjs.wtns.calculate(input, wasm, witness);
      const t1 = performance.now();
      onStage?.('prove');
      const { proof, publicSignals } = await snarkjs[system].prove(zkey, witness);
      const t2 = performance.now();
      return { proof: proof as P, publicSignals, timings: { witnessMs: t1 - t0, proveMs: t2 - t1 } };
    },
  };
}

export const snarkjsBackend: ProverBackend = snarkjsProver('groth16');

/**
 * Builds snarkjs's BN254 curve (its WebAssembly and worker threads, shared through globalThis) ahead of a
 * proof, so that the proof does not wait for it: the web page does this while the household reads.
 */
export async function prepareCurve(): Promise<void> {
  await buildBn128();
}

/** snarkjs leaves worker threads running; call this before a process wants to exit. */
export async function releaseCurve(): Promise<void> {
  const curve = (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128;
  if (curve) {
    await curve.terminate();
    delete (globalThis as { curve_bn128?: unknown }).curve_bn128;
  }
}
