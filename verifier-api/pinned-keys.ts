/**
 * Verification keys pinned server-side, one per circuit id, read from the ceremony output
 * (build/<circuit>/keys/). A client never supplies a key. A key is refused when its ceremony transcript is
 * missing, does not describe this very key file, or shows no phase-2 contribution (without one, whoever
 * ran phase 1 alone could forge proofs; a snarkjs key without contribution also has δ = γ).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsOf } from '../core/paths.js';
import { loadCircuits } from '../kinds/registry.js';
import type { CircuitConfig } from '../circuits/config.js';
import { KINDS } from '../kinds/registry.js';
import type { VerificationKeyJson } from './groth16.js';

export interface PinnedKey {
  circuit: CircuitConfig;
  vkey: VerificationKeyJson;
  vkeySha256: string;
  ceremonyMode: string;
  contributions: number;
}

export class KeyRefused extends Error {}

export function loadPinnedKey(circuit: CircuitConfig, keysDir = artifactsOf(circuit.id).keysDir): PinnedKey {
  const vkeyPath = join(keysDir, 'verification_key.json');
  const transcriptPath = join(keysDir, 'ceremony.json');
  if (!existsSync(vkeyPath)) throw new KeyRefused(`${circuit.id}: no verification key at ${vkeyPath} (run "meterproof setup")`);
  if (!existsSync(transcriptPath)) throw new KeyRefused(`${circuit.id}: no ceremony transcript (ceremony.json) next to the verification key`);
  const bytes = readFileSync(vkeyPath);
  const vkeySha256 = createHash('sha256').update(bytes).digest('hex');
  let transcript: any;
  let vkey: VerificationKeyJson;
  try {
    transcript = JSON.parse(readFileSync(transcriptPath, 'utf8'));
    vkey = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new KeyRefused(`${circuit.id}: unreadable key or transcript: ${(e as Error).message}`);
  }
  if (transcript?.format !== 'meterproof-ceremony/1') throw new KeyRefused(`${circuit.id}: ceremony.json is not a meterproof-ceremony/1 transcript`);
  if (transcript.vkeySha256 !== vkeySha256) throw new KeyRefused(`${circuit.id}: the verification key is not the one the ceremony transcript describes (sha256 differs)`);
  const contributions = Array.isArray(transcript.contributions) ? transcript.contributions.filter((c: any) => c?.type === 'contribution').length : 0;
  if (contributions === 0) throw new KeyRefused(`${circuit.id}: the zkey had no phase-2 contribution; refusing its verification key`);
  if (JSON.stringify(vkey.vk_delta_2) === JSON.stringify(vkey.vk_gamma_2)) throw new KeyRefused(`${circuit.id}: δ equals γ in the verification key (no phase-2 contribution)`);
  if (vkey.protocol !== 'groth16' || vkey.curve !== 'bn128') throw new KeyRefused(`${circuit.id}: not a groth16 bn128 key`);
  const kind = KINDS[circuit.kind];
  if (!kind) throw new KeyRefused(`${circuit.id}: no result kind "${circuit.kind}" is known (prover/kinds/)`);
  if (vkey.nPublic !== kind.signalCount(circuit)) {
    throw new KeyRefused(`${circuit.id}: the key has ${vkey.nPublic} public inputs, the circuit layout ${kind.signalCount(circuit)}`);
  }
  return { circuit, vkey, vkeySha256, ceremonyMode: String(transcript.mode), contributions };
}

/** Every configured circuit whose keys are built (or only `only`); the others are reported, not fatal. */
export function loadPinnedKeys(only?: string[]): { keys: Map<string, PinnedKey>; refused: string[] } {
  const keys = new Map<string, PinnedKey>();
  const refused: string[] = [];
  for (const c of loadCircuits()) {
    if (only && !only.includes(c.id)) continue;
    try {
      keys.set(c.id, loadPinnedKey(c));
    } catch (e) {
      if (!(e instanceof KeyRefused)) throw e;
      refused.push(e.message);
    }
  }
  return { keys, refused };
}
