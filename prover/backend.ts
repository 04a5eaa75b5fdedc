/**
 * Proving backends. snarkjs (WebAssembly, Node and browser) is the one shipped; a native prover such as
 * rapidsnark can be added by implementing the same interface on the same .wasm/.zkey artifacts.
 */
import * as snarkjs from 'snarkjs';

export interface Groth16Proof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
}

export interface ProofTimings {
  witnessMs: number;
  proveMs: number;
}

export interface ProverBackend {
  readonly name: string;
  prove(input: Record<string, unknown>, wasmPath: string, zkeyPath: string): Promise<{ proof: Groth16Proof; publicSignals: string[]; timings: ProofTimings }>;
}

export const snarkjsBackend: ProverBackend = {
  name: 'snarkjs-groth16',
  async prove(input, wasmPath, zkeyPath) {
    const t0 = performance.now();
    const witness = { type: 'mem' };
    await snarkjs.wtns.calculate(input, wasmPath, witness);
    const t1 = performance.now();
    const { proof, publicSignals } = await snarkjs.groth16.prove(zkeyPath, witness);
    const t2 = performance.now();
    return { proof, publicSignals, timings: { witnessMs: t1 - t0, proveMs: t2 - t1 } };
  },
};

/** snarkjs leaves worker threads running; call this before a process wants to exit. */
export async function releaseCurve(): Promise<void> {
  const curve = (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128;
  if (curve) {
    await curve.terminate();
    delete (globalThis as { curve_bn128?: unknown }).curve_bn128;
  }
}
