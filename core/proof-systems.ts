/**
 * The proof systems a circuit can be set up and proved in (docs/proof-systems.md), and where each keeps its
 * keys: Groth16's stay where they always were (build/<circuit>/keys/, which the API, the web page and CI
 * read); PLONK's and FFLONK's go in a folder of their own under it (build/<circuit>/keys/<system>/).
 */
import { join } from 'node:path';
import { artifactsOf } from './paths.js';

export const PROOF_SYSTEMS = ['groth16', 'plonk', 'fflonk'] as const;
export type ProofSystem = (typeof PROOF_SYSTEMS)[number];
/** The systems set up from a universal phase-1 file alone (no per-circuit ceremony). */
export type UniversalSystem = Exclude<ProofSystem, 'groth16'>;

export function parseProofSystem(text: string): ProofSystem {
  if (!(PROOF_SYSTEMS as readonly string[]).includes(text)) throw new Error(`unknown proof system ${JSON.stringify(text)} (known: ${PROOF_SYSTEMS.join(', ')})`);
  return text as ProofSystem;
}

/** The system of a proof in snarkjs's JSON form: its `protocol`. */
export function systemOfProof(proof: { protocol?: unknown }): ProofSystem {
  if (proof.protocol === 'groth16' || proof.protocol === 'plonk' || proof.protocol === 'fflonk') return proof.protocol;
  throw new Error(`unknown proof protocol ${JSON.stringify(proof.protocol)}`);
}

export interface SystemKeys {
  dir: string;
  zkey: string;
  vkey: string;
  /** how the keys were made (keys/ceremony.ts, keys/universal.ts) */
  transcript: string;
}

export function systemKeysOf(circuitId: string, system: ProofSystem): SystemKeys {
  const a = artifactsOf(circuitId);
  const dir = system === 'groth16' ? a.keysDir : join(a.keysDir, system);
  return { dir, zkey: join(dir, 'circuit_final.zkey'), vkey: join(dir, 'verification_key.json'), transcript: join(dir, 'ceremony.json') };
}
