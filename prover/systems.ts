/**
 * Proving and verifying in each proof system (docs/proof-systems.md): Groth16 with the snarkjs or native
 * backend (prover/native-backend.ts), PLONK and FFLONK with snarkjs. The system of a proof is its
 * `protocol`; each system has its own keys (core/proof-systems.ts).
 */
import type { ProofSystem, UniversalSystem } from '../core/proof-systems.js';
import { snarkjsProver, type Groth16Proof, type ProverBackend } from './backend.js';
import { pickBackend, type BackendName } from './native-backend.js';
import type { UniversalProof } from './result.js';

export { systemOfProof, type ProofSystem, type UniversalSystem } from '../core/proof-systems.js';
export { verifyInSystem } from './snark-verify.js';
export type AnyProof = Groth16Proof | UniversalProof;

/** snarkjs's PLONK or FFLONK prover on the circuit's WebAssembly witness generator. */
export const universalBackend = (system: UniversalSystem): ProverBackend<UniversalProof> => snarkjsProver<UniversalProof>(system);

/** The prover of `--system` and `--backend`: the native prover proves Groth16 only. */
export function backendFor(system: ProofSystem, name?: BackendName): ProverBackend<AnyProof> {
  if (system === 'groth16') return pickBackend(name);
  if (name === 'native') throw new Error(`--backend native proves Groth16 only; ${system} proofs are made by snarkjs`);
  return universalBackend(system);
}
