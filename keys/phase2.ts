/**
 * A multi-party Groth16 phase 2 (`meterproof ceremony`), kept in one directory anyone can re-verify:
 *
 *   ceremony.json    the manifest: circuit, r1cs and phase-1 hashes, every step with its file hash and
 *                    contribution hash (format meterproof-phase2/1)
 *   circuit.r1cs     the circuit the keys are for
 *   phase1.ptau      the phase-1 file: a Hermez/Polygon file known by its BLAKE2b-512 hash, or the
 *                    INSECURE development phase 1 (known tau), labelled so everywhere
 *   steps/NNNN.zkey  step 0 is `zkey new` (no contribution); each later step adds exactly one contribution
 *                    or, last, a public beacon
 *
 * Every change is all-or-nothing: a new step's file is checked (same circuit, extends the last step by
 * exactly one contribution, `zkey verify` from the initial zkey) before it is renamed into steps/, and the
 * manifest is replaced atomically afterwards.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as snarkjs from 'snarkjs';
import { BinFileReader } from './binfile.js';
import { terminateSharedCurve } from './curve.js';
import { writeDevPtau } from './dev-ptau.js';
import { circuitPower, writeDevZkey } from './dev-zkey.js';
import { blake2b512File, knownPtau, KNOWN_PTAU, sha256File } from './known-ptau.js';
import { readR1cs } from './r1cs.js';
import { ToxicWaste } from './toxic.js';

export const PHASE2_FORMAT = 'meterproof-phase2/1';
export const INSECURE_LABEL = 'INSECURE: development phase 1 (a single party knew tau); do not use in production';
export const MANIFEST_FILE = 'ceremony.json';
const R1CS_FILE = 'circuit.r1cs';
const PTAU_FILE = 'phase1.ptau';

export class CeremonyError extends Error {}

export type StepType = 'init' | 'contribution' | 'beacon';

export interface Phase2Step {
  index: number;
  type: StepType;
  name: string;
  file: string;
  sha256: string;
  /** BLAKE2b-512 contribution hash (what a contributor writes down), hex; none for init. */
  contributionHash?: string;
  beacon?: { hash: string; iterationsExp: number };
  at: string;
}

export interface Phase2Manifest {
  format: typeof PHASE2_FORMAT;
  circuit: string;
  insecure: boolean;
  label: string;
  r1cs: { file: string; sha256: string; constraints: number; wires: number; publicSignals: number; domainPower: number };
  phase1: { source: string; file: string; blake2b512: string; power: number };
  /** BLAKE2b-512 circuit hash (`zkey new`), hex. */
  csHash: string;
  steps: Phase2Step[];
}

interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

type Progress = (message: string) => void;

const zKey = snarkjs.zKey as {
  newZKey(r1cs: string, ptau: string, zkey: string | { type: 'mem' }, logger?: Logger): Promise<Uint8Array | -1>;
  contribute(from: string, to: string, name: string, entropy: string, logger?: Logger): Promise<Uint8Array>;
  beacon(from: string, to: string, name: string, hashHex: string, itExp: number, logger?: Logger): Promise<Uint8Array | false>;
  verifyFromInit(init: string, ptau: string, zkey: string, logger?: Logger): Promise<boolean>;
};

export async function readManifest(dir: string): Promise<Phase2Manifest> {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) throw new CeremonyError(`${dir} is not a ceremony directory (no ${MANIFEST_FILE})`);
  let m: Phase2Manifest;
  try {
    m = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new CeremonyError(`${path}: unreadable manifest: ${(e as Error).message}`);
  }
  if (m?.format !== PHASE2_FORMAT || !Array.isArray(m.steps) || m.steps.length === 0) throw new CeremonyError(`${path} is not a ${PHASE2_FORMAT} manifest`);
  return m;
}

export interface InitOptions {
  dir: string;
  circuit: string;
  r1csPath: string;
  /** A Hermez/Polygon phase-1 file (checked by hash); without it, insecureDev must be set. */
  ptauPath?: string;
  insecureDev?: boolean;
  onProgress?: Progress;
}

export async function initCeremony(o: InitOptions): Promise<Phase2Manifest> {
  const progress = o.onProgress ?? (() => {});
  if (!o.ptauPath === !o.insecureDev) throw new CeremonyError('give a phase-1 file (--ptau FILE) or --insecure-dev, not both or neither');
  if (existsSync(o.dir)) throw new CeremonyError(`${o.dir} already exists: a ceremony starts in a new directory`);
  const r1cs = await readR1cs(o.r1csPath);
  const domainPower = circuitPower(r1cs);

  let phase1: Phase2Manifest['phase1'] | undefined;
  if (o.ptauPath) {
    progress(`hashing ${o.ptauPath} (BLAKE2b-512)`);
    const hash = await blake2b512File(o.ptauPath);
    const known = knownPtau(hash);
    if (!known) {
      throw new CeremonyError(
        `${o.ptauPath}: unknown phase-1 file (BLAKE2b-512 ${hash.slice(0, 16)}…); accepted: ${KNOWN_PTAU.map((p) => p.name).join(', ')}, or --insecure-dev`,
      );
    }
    if (known.power < domainPower) throw new CeremonyError(`${known.name} has power ${known.power}; this circuit needs at least ${domainPower}`);
    phase1 = { source: known.name, file: PTAU_FILE, blake2b512: hash, power: known.power };
  }

  await mkdir(dirname(resolve(o.dir)), { recursive: true });
  const work = await mkdtemp(`${resolve(o.dir)}.tmp-`);
  try {
    await mkdir(join(work, 'steps'));
    await copyFile(o.r1csPath, join(work, R1CS_FILE));
    const ptau = join(work, PTAU_FILE);
    const step0 = join(work, 'steps', stepFile(0));
    let csHash: string;
    if (o.ptauPath) {
      await copyFile(o.ptauPath, ptau);
      progress('initial zkey (snarkjs zkey new)');
      const log = capture();
      const h = await zKey.newZKey(join(work, R1CS_FILE), ptau, step0, log);
      if (!(h instanceof Uint8Array)) throw new CeremonyError(`snarkjs zkey new failed: ${log.errors.join('; ')}`);
      csHash = hex(h);
    } else {
      // Known tau: the phase-1 file and the initial zkey come from the same toxic waste, which is wiped.
      const power = domainPower + 1;
      progress(`${INSECURE_LABEL}: writing a development phase 1 of power ${power}`);
      const toxic = ToxicWaste.generate();
      try {
        await writeDevPtau({ toxic, power, ptauPath: ptau });
        csHash = hex((await writeDevZkey({ r1csPath: o.r1csPath, toxic, zkeyPath: step0, ptauPower: power })).csHash);
      } finally {
        toxic.wipe();
      }
      phase1 = { source: 'insecure-development', file: PTAU_FILE, blake2b512: await blake2b512File(ptau), power };
    }
    const manifest: Phase2Manifest = {
      format: PHASE2_FORMAT,
      circuit: o.circuit,
      insecure: !!o.insecureDev,
      label: o.insecureDev ? INSECURE_LABEL : `phase 1: ${phase1!.source} (Hermez/Polygon); phase 2: multi-party`,
      r1cs: { file: R1CS_FILE, sha256: await sha256File(o.r1csPath), constraints: r1cs.constraints.length, wires: r1cs.nWires, publicSignals: r1cs.nPublic, domainPower },
      phase1: phase1!,
      csHash,
      steps: [{ index: 0, type: 'init', name: 'zkey new', file: `steps/${stepFile(0)}`, sha256: await sha256File(step0), at: new Date().toISOString() }],
    };
    await writeManifest(work, manifest);
    await rename(work, o.dir);
    return manifest;
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  } finally {
    await terminateSharedCurve();
  }
}

/** The file a contributor starts from: the last step's zkey. */
export async function latestStep(dir: string): Promise<{ manifest: Phase2Manifest; step: Phase2Step; path: string }> {
  const manifest = await readManifest(dir);
  const step = manifest.steps[manifest.steps.length - 1];
  return { manifest, step, path: join(dir, step.file) };
}

/** A contribution made here: fresh randomness (node:crypto) plus the contributor's own entropy. */
export async function contribute(dir: string, o: { name: string; entropy?: string; onProgress?: Progress }): Promise<Phase2Step> {
  const { manifest, path } = await latestStep(dir);
  refuseAfterBeacon(manifest);
  const work = await mkdtemp(join(dir, '.contribution-'));
  try {
    const out = join(work, 'next.zkey');
    o.onProgress?.('phase-2 contribution (snarkjs zkey contribute)');
    await zKey.contribute(path, out, o.name, `${randomBytes(64).toString('hex')}${o.entropy ?? ''}`, capture());
    return await acceptStep(dir, out, 'contribution', o.onProgress);
  } finally {
    await rm(work, { recursive: true, force: true });
    await terminateSharedCurve();
  }
}

/** A contribution made elsewhere (a browser, another machine, plain snarkjs): checked, then appended. */
export async function acceptContribution(dir: string, file: string, onProgress?: Progress): Promise<Phase2Step> {
  try {
    return await acceptStep(dir, file, 'contribution', onProgress);
  } finally {
    await terminateSharedCurve();
  }
}

/** The closing step: a public random beacon (e.g. a future block hash), 2^iterationsExp SHA-256 rounds. */
export async function beacon(dir: string, o: { hash: string; iterationsExp?: number; name?: string; onProgress?: Progress }): Promise<Phase2Step> {
  if (!/^([0-9a-fA-F]{2}){16,}$/.test(o.hash)) throw new CeremonyError('the beacon hash must be at least 16 bytes of hex');
  const iterationsExp = o.iterationsExp ?? 10;
  if (!Number.isInteger(iterationsExp) || iterationsExp < 10 || iterationsExp > 63) throw new CeremonyError('the beacon iterations exponent must be 10..63 (snarkjs)');
  const { manifest, path } = await latestStep(dir);
  refuseAfterBeacon(manifest);
  if (!manifest.steps.some((s) => s.type === 'contribution')) throw new CeremonyError('a beacon closes a ceremony with at least one contribution');
  const work = await mkdtemp(join(dir, '.beacon-'));
  try {
    const out = join(work, 'next.zkey');
    o.onProgress?.('phase-2 beacon (snarkjs zkey beacon)');
    const log = capture();
    const h = await zKey.beacon(path, out, o.name ?? 'final beacon', o.hash, iterationsExp, log);
    if (!(h instanceof Uint8Array)) throw new CeremonyError(`snarkjs zkey beacon failed: ${log.errors.join('; ')}`);
    return await acceptStep(dir, out, 'beacon', o.onProgress);
  } finally {
    await rm(work, { recursive: true, force: true });
    await terminateSharedCurve();
  }
}

function refuseAfterBeacon(m: Phase2Manifest): void {
  if (m.steps[m.steps.length - 1].type === 'beacon') throw new CeremonyError('the ceremony is closed by its beacon: no further steps');
}

/**
 * Appends `file` as the next step after checking it: the same circuit, the previous step's contributions
 * unchanged plus exactly one new one of the expected type, and `zkey verify` from the initial zkey.
 */
async function acceptStep(dir: string, file: string, type: 'contribution' | 'beacon', onProgress?: Progress): Promise<Phase2Step> {
  const { manifest, step: last, path: lastPath } = await latestStep(dir);
  refuseAfterBeacon(manifest);
  await checkExtends(lastPath, file);
  const index = manifest.steps.length;
  onProgress?.(`verifying step ${index} (snarkjs zkey verify from the initial zkey)`);
  const checked = await verifyStep(dir, manifest, file, index);
  if (checked.type !== type) throw new CeremonyError(`step ${index} is a ${checked.type}, expected a ${type}`);
  const name = basename(stepFile(index));
  const staged = join(dir, 'steps', `.${name}.tmp`);
  await copyFile(file, staged);
  const step: Phase2Step = {
    index,
    type,
    name: checked.name,
    file: `steps/${name}`,
    sha256: await sha256File(staged),
    contributionHash: checked.contributionHash,
    ...(checked.beacon && { beacon: checked.beacon }),
    at: new Date().toISOString(),
  };
  await rename(staged, join(dir, step.file));
  // Re-read: a concurrent step (two uploads at once) must not be overwritten silently.
  if ((await readManifest(dir)).steps.length !== index || last !== manifest.steps[index - 1]) throw new CeremonyError('the ceremony changed while this step was checked; retry');
  await writeManifest(dir, { ...manifest, steps: [...manifest.steps, step] });
  return step;
}

/** Section 10 (MPC parameters): csHash (64 bytes), contribution count (u32), then the contributions. */
async function mpcParams(path: string): Promise<{ csHash: Buffer; count: number; records: Buffer }> {
  let file: BinFileReader;
  try {
    file = await BinFileReader.open(path, 'zkey');
  } catch (e) {
    throw new CeremonyError(`${basename(path)} is not a zkey file: ${(e as Error).message}`);
  }
  try {
    if ((await file.readSection(1)).readUInt32LE(0) !== 1) throw new CeremonyError(`${basename(path)} is not a Groth16 zkey`);
    const s = await file.readSection(10);
    return { csHash: s.subarray(0, 64), count: s.readUInt32LE(64), records: s.subarray(68) };
  } finally {
    await file.close();
  }
}

async function checkExtends(lastPath: string, nextPath: string): Promise<void> {
  const [prev, next] = [await mpcParams(lastPath), await mpcParams(nextPath)];
  if (!prev.csHash.equals(next.csHash)) throw new CeremonyError('the zkey is for another circuit (its circuit hash differs from this ceremony\'s)');
  if (next.count !== prev.count + 1 || !next.records.subarray(0, prev.records.length).equals(prev.records)) {
    throw new CeremonyError(`the zkey does not extend the last step: it has ${next.count} contribution(s), expected the last step's ${prev.count} plus one`);
  }
}

interface CheckedStep {
  type: 'contribution' | 'beacon';
  name: string;
  contributionHash: string;
  beacon?: { hash: string; iterationsExp: number };
}

/** `zkey verify` of a step against the initial zkey; returns what snarkjs reports of its last contribution. */
async function verifyStep(dir: string, m: Phase2Manifest, file: string, index: number): Promise<CheckedStep> {
  const log = capture();
  const ok = await zKey.verifyFromInit(join(dir, m.steps[0].file), join(dir, m.phase1.file), file, log).catch((e: Error) => {
    log.errors.push(e.message);
    return false;
  });
  if (ok !== true) throw new CeremonyError(`step ${index} fails zkey verify: ${log.errors.join('; ') || 'invalid'}`);
  const reports = contributionReports(log.infos);
  if (reports.length !== index) throw new CeremonyError(`step ${index} has ${reports.length} contribution(s), expected ${index}`);
  return reports[index - 1];
}

/**
 * Parses snarkjs's `zkey verify` report, which lists the contributions last to first: "contribution #n
 * name:" and 4 lines of hash, then for a beacon its generator and iterations.
 */
function contributionReports(infos: string[]): CheckedStep[] {
  const out: CheckedStep[] = [];
  let current: CheckedStep | undefined;
  for (const line of infos) {
    const c = /^contribution #(\d+) ?(.*):\n([\s0-9a-f]+)$/s.exec(line);
    if (c) out[Number(c[1]) - 1] = current = { type: 'contribution', name: c[2], contributionHash: c[3].replace(/\s/g, '') };
    const g = /^Beacon generator: ([0-9a-f]+)$/.exec(line);
    if (g && current) Object.assign(current, { type: 'beacon', beacon: { hash: g[1], iterationsExp: NaN } });
    const it = /^Beacon iterations Exp: (\d+)$/.exec(line);
    if (it && current?.beacon) current.beacon.iterationsExp = Number(it[1]);
  }
  return out;
}

export interface VerifyReport {
  manifest: Phase2Manifest;
  steps: { index: number; type: StepType; name: string; contributionHash?: string }[];
}

/**
 * Every step of a ceremony directory, by anyone: file hashes, the known phase-1 file, step 0 equal to
 * `zkey new` from the r1cs and phase 1, each step extending the previous by one contribution, each step's
 * `zkey verify`, and the contribution hashes recorded in the manifest. Throws on the first failure.
 */
export async function verifyCeremony(dir: string, onProgress?: Progress): Promise<VerifyReport> {
  const m = await readManifest(dir);
  try {
    if ((await sha256File(join(dir, m.r1cs.file))) !== m.r1cs.sha256) throw new CeremonyError(`${m.r1cs.file} does not match the manifest's sha256`);
    const ptauHash = await blake2b512File(join(dir, m.phase1.file));
    if (ptauHash !== m.phase1.blake2b512) throw new CeremonyError(`${m.phase1.file} does not match the manifest's BLAKE2b-512`);
    if (!m.insecure && !knownPtau(ptauHash)) throw new CeremonyError(`${m.phase1.file} is not a known Hermez/Polygon phase-1 file`);
    if (m.insecure && m.phase1.source !== 'insecure-development') throw new CeremonyError('the manifest is inconsistent about its phase 1');
    for (const s of m.steps) {
      if ((await sha256File(join(dir, s.file))) !== s.sha256) throw new CeremonyError(`step ${s.index} (${s.file}) does not match the manifest's sha256`);
    }
    for (let i = 1; i < m.steps.length; i++) {
      try {
        await checkExtends(join(dir, m.steps[i - 1].file), join(dir, m.steps[i].file));
      } catch (e) {
        throw new CeremonyError(`step ${i}: ${(e as Error).message}`);
      }
    }
    for (const s of m.steps.slice(1)) {
      onProgress?.(`step ${s.index}: zkey verify`);
      const checked = await verifyStep(dir, m, join(dir, s.file), s.index);
      if (checked.type !== s.type || checked.contributionHash !== s.contributionHash) {
        throw new CeremonyError(`step ${s.index}: the manifest records ${s.type} ${s.contributionHash?.slice(0, 16)}…, the zkey holds ${checked.type} ${checked.contributionHash.slice(0, 16)}…`);
      }
    }
    // last: the most expensive check
    onProgress?.('step 0: recomputing zkey new from the r1cs and phase 1');
    // snarkjs fills in the data of a {type: 'mem'} output file
    const initial: { type: 'mem'; data?: Uint8Array } = { type: 'mem' };
    await zKey.newZKey(join(dir, m.r1cs.file), join(dir, m.phase1.file), initial, capture());
    if (!initial.data || sha256(initial.data) !== m.steps[0].sha256) throw new CeremonyError('step 0 is not the zkey new of this r1cs and phase 1');
    if (m.steps[0].type !== 'init') throw new CeremonyError('step 0 is not the initial zkey');
    return { manifest: m, steps: m.steps.map(({ index, type, name, contributionHash }) => ({ index, type, name, contributionHash })) };
  } finally {
    await terminateSharedCurve();
  }
}

async function writeManifest(dir: string, m: Phase2Manifest): Promise<void> {
  const tmp = join(dir, `.${MANIFEST_FILE}.tmp`);
  await writeFile(tmp, `${JSON.stringify(m, null, 2)}\n`);
  await rename(tmp, join(dir, MANIFEST_FILE));
}

const stepFile = (i: number): string => `${String(i).padStart(4, '0')}.zkey`;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function capture(): Logger & { errors: string[]; infos: string[] } {
  const errors: string[] = [];
  const infos: string[] = [];
  return { debug() {}, info: (m) => infos.push(m), warn() {}, error: (m) => errors.push(m), errors, infos };
}
