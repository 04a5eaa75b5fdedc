/**
 * Verification keys pinned server-side, one per circuit id, read from the ceremony output
 * (build/<circuit>/keys/). A client never supplies a key. A key is refused when its ceremony transcript is
 * missing, does not describe this very key file, or shows no phase-2 contribution (without one, whoever
 * ran phase 1 alone could forge proofs; a snarkjs key without contribution also has δ = γ).
 *
 * With a key bundle (`api serve --keys`, keys/bundle.ts) the keys come from the bundle instead, after every
 * file's hash is checked: a bundle is loaded whole or not at all. In production (`--production`) keys from
 * a development ceremony are refused.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsOf } from '../core/paths.js';
import { loadBundle } from '../keys/bundle.js';
import { loadCircuits } from '../kinds/registry.js';
import type { CircuitConfig } from '../circuits/config.js';
import { KINDS } from '../kinds/registry.js';
import type { VerificationKeyJson } from './groth16.js';

export interface PinnedKey {
  circuit: CircuitConfig;
  vkey: VerificationKeyJson;
  vkeySha256: string;
  ceremonyMode: string;
  /** From a development ceremony: a single party could forge proofs. */
  development: boolean;
  contributions: number;
  /** The proving key served to households and `keys fetch` (build/<id>/keys/ or the bundle's). */
  zkeyPath: string;
  keysDir: string;
  /** The witness generator served with it: the key root's, else build/'s. */
  wasmPath: string;
}

/** Where a circuit's keys and witness generator are under a key root (default build/). */
export function keyTarget(id: string, root?: string): { keysDir: string; wasm: string } {
  if (!root) return artifactsOf(id);
  return { keysDir: join(root, id, 'keys'), wasm: join(root, id, 'circuit_js', 'circuit.wasm') };
}

export class KeyRefused extends Error {}
/** No key at all yet (a fresh checkout): not a refusal of a key, just nothing to load. */
export class KeyAbsent extends KeyRefused {}

export function loadPinnedKey(circuit: CircuitConfig, keysDir = artifactsOf(circuit.id).keysDir, wasm = artifactsOf(circuit.id).wasm): PinnedKey {
  const vkeyPath = join(keysDir, 'verification_key.json');
  const transcriptPath = join(keysDir, 'ceremony.json');
  if (!existsSync(vkeyPath)) throw new KeyAbsent(`${circuit.id}: no verification key at ${vkeyPath} (run "meterproof setup")`);
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
  if (!kind) throw new KeyRefused(`${circuit.id}: no result kind "${circuit.kind}" is known (kinds/)`);
  if (vkey.nPublic !== kind.signalCount(circuit)) {
    throw new KeyRefused(`${circuit.id}: the key has ${vkey.nPublic} public inputs, the circuit layout ${kind.signalCount(circuit)}`);
  }
  const ceremonyMode = String(transcript.mode);
  return { circuit, vkey, vkeySha256, ceremonyMode, development: ceremonyMode === 'development', contributions, zkeyPath: join(keysDir, 'circuit_final.zkey'), keysDir, wasmPath: existsSync(wasm) ? wasm : artifactsOf(circuit.id).wasm };
}

export interface KeySource {
  /** only these circuits */
  only?: string[];
  /** a published key bundle instead of build/<id>/keys/ */
  bundle?: string;
  /** refuse development keys */
  production?: boolean;
  /** the key root (default build/) */
  root?: string;
}

/**
 * Every configured circuit whose keys are built (or only `only`); the others are reported (`refused`: keys
 * found but not acceptable, with why; `absent`: no keys at all), not fatal. A
 * bundle is all or nothing: any bad file, unknown circuit or (in production) development key refuses it.
 */
export async function loadPinnedKeys(o: KeySource = {}): Promise<{ keys: Map<string, PinnedKey>; refused: Map<string, string>; absent: string[] }> {
  const keys = new Map<string, PinnedKey>();
  /** circuit id → why its keys were not loaded */
  const refused = new Map<string, string>();
  /** circuits without any key yet */
  const absent: string[] = [];
  if (o.bundle) {
    const { manifest, circuits } = await loadBundle(o.bundle);
    if (o.production && manifest.development) throw new KeyRefused(`${o.bundle}: the bundle holds development keys; refused in production`);
    const configured = new Map(loadCircuits().map((c) => [c.id, c]));
    for (const b of circuits) {
      const circuit = configured.get(b.id);
      if (!circuit) throw new KeyRefused(`${o.bundle}: circuit ${b.id} is not one this service knows`);
      if (only(o, b.id)) keys.set(b.id, loadPinnedKey(circuit, b.keysDir));
    }
    return { keys, refused, absent };
  }
  for (const c of loadCircuits()) {
    if (!only(o, c.id)) continue;
    try {
      keys.set(c.id, loadRootKey(c, o));
    } catch (e) {
      if (!(e instanceof KeyRefused)) throw e;
      if (e instanceof KeyAbsent) absent.push(c.id);
      else refused.set(c.id, e.message);
    }
  }
  return { keys, refused, absent };
}

/** A circuit's key under the key root, refused in production when it comes from a development ceremony. */
export function loadRootKey(c: CircuitConfig, o: Pick<KeySource, 'root' | 'production'>): PinnedKey {
  const at = keyTarget(c.id, o.root);
  const key = loadPinnedKey(c, at.keysDir, at.wasm);
  if (o.production && key.development) throw new KeyRefused(`${c.id}: development keys are refused in production (install published keys: meterproof keys fetch, or api serve --keys)`);
  return key;
}

const only = (o: KeySource, id: string): boolean => !o.only || o.only.includes(id);
