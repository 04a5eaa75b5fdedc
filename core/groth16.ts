/**
 * The shapes every layer shares for a Groth16 proof in snarkjs's JSON form, and what a prover reads its
 * circuit from: the prover backends (snarkjs, native), result files and the verifier use them.
 */
export interface Groth16Proof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
}

/** A circuit's witness generator (.wasm) or proving key (.zkey): a file path, or its bytes (the browser). */
export type ProvingArtifact = string | Uint8Array;
