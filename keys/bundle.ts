/**
 * Key bundles: what a finished ceremony publishes and `meterproof api serve --keys` loads. A directory:
 *
 *   manifest.json                 format meterproof-key-bundle/1: per circuit its r1cs hash, circuit hash,
 *                                 contribution count and the SHA-256 of each file below; `development`
 *                                 says whether any key comes from the INSECURE development phase 1
 *   <circuit>/circuit_final.zkey  proving key (the final step of the ceremony)
 *   <circuit>/verification_key.json
 *   <circuit>/ceremony.json       the key transcript (meterproof-ceremony/1, as `meterproof setup` writes)
 *   <circuit>/phase2.json         the ceremony's own manifest (every step and contribution hash)
 *
 * A bundle is written to a temporary directory and renamed into place; loading checks every hash before
 * anything is used, so a bundle is loaded whole or not at all.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type CeremonyTranscript, exportVerificationKey, TRANSCRIPT_FILE, VKEY_FILE, ZKEY_FILE, transcriptFormat } from './ceremony.js';
import { sha256File } from './known-ptau.js';
import { CeremonyError, INSECURE_LABEL, verifyCeremony, type Phase2Manifest } from './phase2.js';
import { createHash } from 'node:crypto';

export const BUNDLE_FORMAT = 'meterproof-key-bundle/1';
export const BUNDLE_MANIFEST = 'manifest.json';
const PHASE2_COPY = 'phase2.json';

interface FileRef {
  file: string;
  sha256: string;
}

export interface BundleCircuit {
  r1csSha256: string;
  csHash: string;
  development: boolean;
  contributions: number;
  zkey: FileRef;
  vkey: FileRef;
  transcript: FileRef;
  phase2: FileRef;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  createdAt: string;
  development: boolean;
  label: string;
  circuits: Record<string, BundleCircuit>;
}

/** Verifies each ceremony in full, then writes one bundle of their final keys. */
export async function publishBundle(o: { ceremonies: string[]; out: string; onProgress?: (m: string) => void }): Promise<BundleManifest> {
  if (existsSync(o.out)) throw new CeremonyError(`${o.out} already exists: a bundle is published into a new directory`);
  const reports: Phase2Manifest[] = [];
  for (const dir of o.ceremonies) {
    o.onProgress?.(`verifying ${dir}`);
    const { manifest } = await verifyCeremony(dir, o.onProgress);
    const last = manifest.steps[manifest.steps.length - 1];
    if (last.type !== 'beacon') throw new CeremonyError(`${dir}: the ceremony is not closed by a beacon yet (meterproof ceremony beacon)`);
    if (reports.some((r) => r.circuit === manifest.circuit)) throw new CeremonyError(`two ceremonies for circuit ${manifest.circuit}`);
    reports.push(manifest);
  }
  await mkdir(dirname(resolve(o.out)), { recursive: true });
  const work = await mkdtemp(`${resolve(o.out)}.tmp-`);
  try {
    const circuits: Record<string, BundleCircuit> = {};
    for (const [i, m] of reports.entries()) {
      const dir = join(work, m.circuit);
      await mkdir(dir);
      const final = m.steps[m.steps.length - 1];
      await copyFile(join(o.ceremonies[i], final.file), join(dir, ZKEY_FILE));
      const vkeyJson = JSON.stringify(await exportVerificationKey(join(dir, ZKEY_FILE)), null, 1);
      await writeFile(join(dir, VKEY_FILE), vkeyJson);
      await copyFile(join(o.ceremonies[i], 'ceremony.json'), join(dir, PHASE2_COPY));
      const transcript: CeremonyTranscript = {
        format: transcriptFormat,
        mode: m.insecure ? 'development' : 'multi-party',
        label: m.insecure ? INSECURE_LABEL : m.label,
        r1csSha256: m.r1cs.sha256,
        ptau: { file: m.phase1.source, sha256: '', power: m.phase1.power },
        circuit: { constraints: m.r1cs.constraints, wires: m.r1cs.wires, publicSignals: m.r1cs.publicSignals, domainPower: m.r1cs.domainPower },
        csHash: m.csHash,
        contributions: m.steps.slice(1).map((s) => ({
          type: s.type === 'beacon' ? 'beacon' : 'contribution',
          name: s.name,
          hash: s.contributionHash ?? '',
          ...(s.beacon && { beaconHash: s.beacon.hash, iterationsExp: s.beacon.iterationsExp }),
        })),
        zkeySha256: final.sha256,
        vkeySha256: sha256(vkeyJson),
        timingsMs: {},
        createdAt: new Date().toISOString(),
      };
      await writeFile(join(dir, TRANSCRIPT_FILE), `${JSON.stringify(transcript, null, 2)}\n`);
      const ref = async (file: string): Promise<FileRef> => ({ file: `${m.circuit}/${file}`, sha256: await sha256File(join(dir, file)) });
      circuits[m.circuit] = {
        r1csSha256: m.r1cs.sha256,
        csHash: m.csHash,
        development: m.insecure,
        contributions: m.steps.filter((s) => s.type === 'contribution').length,
        zkey: await ref(ZKEY_FILE),
        vkey: await ref(VKEY_FILE),
        transcript: await ref(TRANSCRIPT_FILE),
        phase2: await ref(PHASE2_COPY),
      };
    }
    const development = reports.some((r) => r.insecure);
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      createdAt: new Date().toISOString(),
      development,
      label: development ? INSECURE_LABEL : 'multi-party phase 2 on a Hermez/Polygon phase 1',
      circuits,
    };
    await writeFile(join(work, BUNDLE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(work, o.out);
    return manifest;
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  }
}

export interface LoadedBundleCircuit extends BundleCircuit {
  id: string;
  /** Directory holding the circuit's zkey, verification key and transcript. */
  keysDir: string;
}

/** A bundle's manifest after checking every file's hash; throws a one-line reason otherwise. */
export async function loadBundle(dir: string): Promise<{ manifest: BundleManifest; circuits: LoadedBundleCircuit[] }> {
  const path = join(dir, BUNDLE_MANIFEST);
  if (!existsSync(path)) throw new CeremonyError(`${dir} is not a key bundle (no ${BUNDLE_MANIFEST})`);
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new CeremonyError(`${path}: unreadable: ${(e as Error).message}`);
  }
  if (manifest?.format !== BUNDLE_FORMAT || typeof manifest.circuits !== 'object') throw new CeremonyError(`${path} is not a ${BUNDLE_FORMAT} manifest`);
  const circuits: LoadedBundleCircuit[] = [];
  for (const [id, c] of Object.entries(manifest.circuits)) {
    for (const ref of [c.zkey, c.vkey, c.transcript, c.phase2]) {
      if (typeof ref?.file !== 'string' || ref.file.includes('..') || !ref.file.startsWith(`${id}/`)) throw new CeremonyError(`bundle: ${id} names a file outside its folder`);
      const file = join(dir, ref.file);
      if (!existsSync(file)) throw new CeremonyError(`bundle: ${ref.file} is missing`);
      if ((await sha256File(file)) !== ref.sha256) throw new CeremonyError(`bundle: ${ref.file} does not match the manifest's sha256`);
    }
    if (c.development && !manifest.development) throw new CeremonyError(`bundle: ${id} has development keys but the bundle does not say so`);
    circuits.push({ ...c, id, keysDir: join(dir, id) });
  }
  return { manifest, circuits };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
