/**
 * Keys from a verifier API (GET /v1/keys): the one implementation behind `meterproof keys fetch --from
 * <api>` and a running API's own fetch from its upstream (verifier-api/provision.ts). A circuit's files
 * are downloaded and checked against the verification key that API pins — the transcript describes that
 * key, the proving key matches its content address and exports exactly that key — before anything is
 * written; they are then staged in a temporary folder and moved into place by renames, so a reader sees
 * the old keys or the new ones, never half of them.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { exportVerificationKey, TRANSCRIPT_FILE, VKEY_FILE, ZKEY_FILE } from './ceremony.js';
import { terminateSharedCurve } from './curve.js';

/** A refusal with its one-line reason; nothing was installed. */
export class KeyFetchRefused extends Error {}

export interface KeyListing {
  production: boolean;
  circuits: { id: string; kind: string; development: boolean; vkeySha256: string; vkey: string; transcript: string; artifacts: Record<string, { url: string; sha256: string; bytes: number }> }[];
}

export interface FetchedKeys {
  id: string;
  development: boolean;
  vkey: Buffer;
  transcript: Buffer;
  zkey: Buffer;
  wasm?: Buffer;
}

/** Where one circuit's keys folder and witness generator go. */
export interface KeyTarget {
  keysDir: string;
  wasm: string;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export function apiBase(from: string): URL {
  try {
    return new URL(from);
  } catch {
    throw new KeyFetchRefused(`the API's address must be a URL, e.g. http://127.0.0.1:8080, got "${from}"`);
  }
}

async function get(base: URL, path: string): Promise<Buffer> {
  const url = new URL(path, base);
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new KeyFetchRefused(`cannot reach ${url.origin}: ${(e as Error).cause ?? (e as Error).message}`);
  }
  if (!res.ok) throw new KeyFetchRefused(`${url.origin}${url.pathname}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

export async function keyListing(base: URL): Promise<KeyListing> {
  const body = await get(base, '/v1/keys');
  try {
    const listing = JSON.parse(body.toString('utf8')) as KeyListing;
    if (!Array.isArray(listing?.circuits)) throw new Error('no circuits');
    return listing;
  } catch {
    throw new KeyFetchRefused(`${base.origin}/v1/keys is not a key listing`);
  }
}

/** Downloads one circuit's files and checks them (`work`: a scratch folder); throws a one-line reason. */
export async function downloadChecked(base: URL, c: KeyListing['circuits'][number], work: string): Promise<FetchedKeys> {
  const refuse = (why: string) => new KeyFetchRefused(`${c.id}: ${why}; nothing was installed`);
  const vkey = await get(base, c.vkey);
  if (sha256(vkey) !== c.vkeySha256) throw refuse('the verification key served differs from the one the API pins');
  const transcript = await get(base, c.transcript);
  let t: { vkeySha256?: string; zkeySha256?: string; mode?: string };
  try {
    t = JSON.parse(transcript.toString('utf8'));
  } catch {
    throw refuse('the ceremony transcript is not JSON');
  }
  if (t.vkeySha256 !== c.vkeySha256) throw refuse('the transcript describes another verification key');
  if (!c.artifacts.zkey) throw refuse('the API serves no proving key');
  const zkey = await get(base, c.artifacts.zkey.url);
  if (sha256(zkey) !== c.artifacts.zkey.sha256 || (t.zkeySha256 && t.zkeySha256 !== c.artifacts.zkey.sha256)) throw refuse('the proving key does not match its content address and transcript');
  // The proving key must be the pinned verification key's: export it from the zkey and check they are equal.
  const zkeyPath = join(work, `${c.id}.zkey`);
  await writeFile(zkeyPath, zkey);
  if (!isDeepStrictEqual(await exportVerificationKey(zkeyPath), JSON.parse(vkey.toString('utf8')))) throw refuse("the proving key is not the pinned verification key's");
  let wasm: Buffer | undefined;
  if (c.artifacts.wasm) {
    wasm = await get(base, c.artifacts.wasm.url);
    if (sha256(wasm) !== c.artifacts.wasm.sha256) throw refuse('the witness generator does not match its content address');
  }
  return { id: c.id, development: c.development || t.mode === 'development', vkey, transcript, zkey, wasm };
}

/** Writes fetched keys as a keys folder (and the witness generator beside it, when fetched). */
export async function writeKeys(f: FetchedKeys, to: KeyTarget): Promise<void> {
  await mkdir(to.keysDir, { recursive: true });
  await writeFile(join(to.keysDir, ZKEY_FILE), f.zkey);
  await writeFile(join(to.keysDir, VKEY_FILE), f.vkey);
  await writeFile(join(to.keysDir, TRANSCRIPT_FILE), f.transcript);
  if (f.wasm) {
    await mkdir(dirname(to.wasm), { recursive: true });
    await writeFile(to.wasm, f.wasm);
  }
}

/**
 * Moves a complete keys folder (and witness generator, when `from.wasm` exists) into `to` by renames; the
 * keys it replaces are removed after. `from` must be on the same file system as `to`.
 */
export async function moveKeysInto(from: KeyTarget, to: KeyTarget): Promise<void> {
  await mkdir(dirname(to.keysDir), { recursive: true });
  const old = await mkdtemp(join(dirname(to.keysDir), '.keys-old-'));
  try {
    if (existsSync(to.keysDir)) await rename(to.keysDir, join(old, 'keys'));
    await rename(from.keysDir, to.keysDir);
    if (existsSync(from.wasm)) {
      await mkdir(dirname(to.wasm), { recursive: true });
      await rename(from.wasm, to.wasm);
    }
  } finally {
    await rm(old, { recursive: true, force: true });
  }
}

/** Fetched keys into `to`, staged beside it first (same file system) so that the move is a rename. */
export async function installKeys(f: FetchedKeys, to: KeyTarget): Promise<void> {
  await mkdir(dirname(to.keysDir), { recursive: true });
  const staged = await mkdtemp(join(dirname(to.keysDir), '.keys-fetch-'));
  try {
    const at = { keysDir: join(staged, 'keys'), wasm: join(staged, 'circuit.wasm') };
    await writeKeys(f, at);
    await moveKeysInto(at, to);
  } finally {
    await rm(staged, { recursive: true, force: true });
  }
}

export interface FetchOptions {
  from: string;
  circuits?: string[];
  production?: boolean;
  log?: (m: string) => void;
  /** where a circuit's keys and witness generator go */
  target: (id: string) => KeyTarget;
  /** a scratch folder for the checks (removed after) */
  scratch: string;
}

/** Every wanted circuit downloaded and checked first, then installed: a refusal installs nothing. */
export async function fetchKeys(o: FetchOptions): Promise<string[]> {
  const base = apiBase(o.from);
  const listing = await keyListing(base);
  const wanted = o.circuits ?? listing.circuits.map((c) => c.id);
  const unknown = wanted.filter((id) => !listing.circuits.some((c) => c.id === id));
  if (unknown.length) throw new KeyFetchRefused(`the API at ${base.origin} has no keys for ${unknown.join(', ')}`);
  if (wanted.length === 0) throw new KeyFetchRefused(`the API at ${base.origin} has no keys yet`);
  await mkdir(o.scratch, { recursive: true });
  const work = await mkdtemp(join(o.scratch, '.keys-fetch-check-'));
  const fetched: FetchedKeys[] = [];
  try {
    for (const id of wanted) {
      const f = await downloadChecked(base, listing.circuits.find((c) => c.id === id)!, work);
      if (o.production && f.development) throw new KeyFetchRefused(`${id}: the API serves development keys; refused with --production, nothing was installed`);
      fetched.push(f);
      o.log?.(`${id}: checked against the API's pinned verification key${f.development ? ' (DEVELOPMENT keys: insecure)' : ''}`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
    await terminateSharedCurve();
  }
  for (const f of fetched) await installKeys(f, o.target(f.id));
  return wanted;
}
