/**
 * `meterproof keys fetch --from <api>`: installs the proving keys a verifier API serves, for the command
 * line, after checking them against the verification keys that API pins; and the global `--production`
 * switch, which refuses development keys before `prove` or `verify` use them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Command } from 'commander';
import { artifactsOf, BUILD_DIR } from '../core/paths.js';
import { UsageError } from './io.js';

// snarkjs, the kind registry and the bundle reader are imported when a command needs them (cli/main.ts).
const ZKEY_FILE = 'circuit_final.zkey';
const VKEY_FILE = 'verification_key.json';
const TRANSCRIPT_FILE = 'ceremony.json';

interface Listing {
  production: boolean;
  circuits: { id: string; kind: string; development: boolean; vkeySha256: string; vkey: string; transcript: string; artifacts: Record<string, { url: string; sha256: string; bytes: number }> }[];
}

interface Fetched {
  id: string;
  development: boolean;
  vkey: Buffer;
  transcript: Buffer;
  zkey: Buffer;
  wasm?: Buffer;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function get(base: URL, path: string): Promise<Buffer> {
  const url = new URL(path, base);
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new UsageError(`cannot reach ${url.origin}: ${(e as Error).cause ?? (e as Error).message}`);
  }
  if (!res.ok) throw new UsageError(`${url.pathname}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** Downloads one circuit's files and checks them; throws a one-line reason, installs nothing. */
async function fetchChecked(base: URL, c: Listing['circuits'][number], work: string): Promise<Fetched> {
  const refuse = (why: string) => new UsageError(`${c.id}: ${why}; nothing was installed`);
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
  // The proving key must be the pinned verification key's: export it from the zkey and compare.
  const zkeyPath = join(work, `${c.id}.zkey`);
  await writeFile(zkeyPath, zkey);
  const { exportVerificationKey } = await import('../keys/ceremony.js');
  if (!isDeepStrictEqual(await exportVerificationKey(zkeyPath), JSON.parse(vkey.toString('utf8')))) throw refuse("the proving key is not the pinned verification key's");
  let wasm: Buffer | undefined;
  if (c.artifacts.wasm) {
    wasm = await get(base, c.artifacts.wasm.url);
    if (sha256(wasm) !== c.artifacts.wasm.sha256) throw refuse('the witness generator does not match its content address');
  }
  return { id: c.id, development: c.development || t.mode === 'development', vkey, transcript, zkey, wasm };
}

/** Replaces build/<id>/keys/ (and the witness generator) by renames, so a reader sees old or new, not half. */
async function install(f: Fetched, a: Pick<ReturnType<typeof artifactsOf>, 'keysDir' | 'wasm'>): Promise<void> {
  await mkdir(dirname(a.keysDir), { recursive: true });
  const staged = await mkdtemp(join(dirname(a.keysDir), '.keys-fetch-'));
  try {
    await mkdir(join(staged, 'keys'));
    await writeFile(join(staged, 'keys', ZKEY_FILE), f.zkey);
    await writeFile(join(staged, 'keys', VKEY_FILE), f.vkey);
    await writeFile(join(staged, 'keys', TRANSCRIPT_FILE), f.transcript);
    if (f.wasm) {
      await mkdir(dirname(a.wasm), { recursive: true });
      await writeFile(join(staged, 'circuit.wasm'), f.wasm);
    }
    if (existsSync(a.keysDir)) await rename(a.keysDir, join(staged, 'old-keys'));
    await rename(join(staged, 'keys'), a.keysDir);
    if (f.wasm) await rename(join(staged, 'circuit.wasm'), a.wasm);
  } finally {
    await rm(staged, { recursive: true, force: true });
  }
}

export interface FetchOptions {
  from: string;
  circuits?: string[];
  production?: boolean;
  log?: (m: string) => void;
  /** where a circuit's keys and witness generator go (default build/<id>/) */
  artifacts?: (id: string) => Pick<ReturnType<typeof artifactsOf>, 'keysDir' | 'wasm'>;
}

export async function fetchKeys(o: FetchOptions): Promise<string[]> {
  let base: URL;
  try {
    base = new URL(o.from);
  } catch {
    throw new UsageError(`--from must be the API's URL, e.g. http://127.0.0.1:8080, got "${o.from}"`);
  }
  let listing: Listing;
  try {
    listing = JSON.parse((await get(base, '/v1/keys')).toString('utf8'));
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError(`${base.origin}/v1/keys is not a key listing`);
  }
  const wanted = o.circuits ?? listing.circuits.map((c) => c.id);
  const unknown = wanted.filter((id) => !listing.circuits.some((c) => c.id === id));
  if (unknown.length) throw new UsageError(`the API has no keys for ${unknown.join(', ')}`);
  if (wanted.length === 0) throw new UsageError(`the API at ${base.origin} has no keys yet`);
  await mkdir(BUILD_DIR, { recursive: true });
  const work = await mkdtemp(join(BUILD_DIR, '.keys-fetch-check-'));
  const fetched: Fetched[] = [];
  try {
    for (const id of wanted) {
      const f = await fetchChecked(base, listing.circuits.find((c) => c.id === id)!, work);
      if (o.production && f.development) throw new UsageError(`${id}: the API serves development keys; refused with --production, nothing was installed`);
      fetched.push(f);
      o.log?.(`${id}: checked against the API's pinned verification key${f.development ? ' (DEVELOPMENT keys: insecure)' : ''}`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
    await (await import('../keys/curve.js')).terminateSharedCurve();
  }
  for (const f of fetched) await install(f, (o.artifacts ?? artifactsOf)(f.id));
  return wanted;
}

/** The circuit a `prove` or `verify` command is about to use, when it can be told from its arguments. */
async function circuitOf(command: Command): Promise<string | undefined> {
  const opts = command.opts<{ bundle?: string }>();
  if (command.parent?.name() === 'prove' && opts.bundle) {
    const days = (await import('../meter/bundle.js')).readBundle(opts.bundle).days;
    return (await import('../kinds/registry.js')).circuitForDays(command.name(), days).id;
  }
  if (command.name() === 'verify' && command.args[0]) {
    const circuit = (JSON.parse(readFileSync(command.args[0], 'utf8')) as { circuit?: unknown }).circuit;
    return typeof circuit === 'string' ? circuit : undefined;
  }
  return undefined;
}

export function registerKeyCommands(program: Command): void {
  program.option('--production', 'refuse development keys (also: METERPROOF_PRODUCTION=1)');
  program.hook('preAction', async (_program, action) => {
    if (!program.opts().production && process.env.METERPROOF_PRODUCTION !== '1') return;
    let id: string | undefined;
    try {
      id = await circuitOf(action);
    } catch {
      return; // the command itself reports an unreadable file
    }
    if (!id || !/^[A-Za-z0-9_]+$/.test(id)) return;
    const path = join(artifactsOf(id).keysDir, TRANSCRIPT_FILE);
    const mode = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { mode?: string }).mode : undefined;
    if (mode === 'development') throw new UsageError(`${id}: the installed keys are development keys; refused in production (meterproof keys fetch --from <api>)`);
  });

  const keys = program.command('keys').description('proving and verification keys');
  keys
    .command('fetch')
    .description("install the keys a verifier API serves, after checking them against the verification keys it pins (into build/<circuit>/keys/)")
    .requiredOption('--from <url>', 'the verifier API, e.g. http://127.0.0.1:8080')
    .option('--circuit <id...>', 'only these circuits (default: every circuit the API serves)')
    .action(async (o: { from: string; circuit?: string[] }) => {
      const production = program.opts().production || process.env.METERPROOF_PRODUCTION === '1';
      const installed = await fetchKeys({ from: o.from, circuits: o.circuit, production, log: (m) => console.log(`  ${m}`) });
      console.log(`installed keys for ${installed.join(', ')}`);
    });
}
