// PLONK and FFLONK keys (snarkjs's plonk / fflonk setup): no per-circuit ceremony, only a universal
// phase-1 file, either imported (a real ceremony's .ptau) or the development one written here from a known
// tau — INSECURE like the Groth16 development ceremony (keys/ceremony.ts): whoever ran it can forge proofs.
//
// The development universal .ptau holds only what the two setups read (snarkjs plonk_setup.js and
// fflonk_setup.js), which is much less than a full phase-2-ready file:
//   1  header (power P)
//   2  tau^i G1 for i < M: PLONK reads 2^p + 6 of them, FFLONK 9 · 2^p + 18 (domain 2^p)
//   3  G2 and tau G2
//   12 the Lagrange basis of every domain 2^0 .. 2^P at tau in G1 (PLONK reads its domain's block)
// Sections 4-7 and 13-15 (alpha, beta, the contribution record) serve Groth16 only and are left out, so
// `snarkjs powersoftau verify` does not accept this file: it is not meant to leave this machine.
// One file serves every circuit up to its size: it is cached in build/ptau/ and reused.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as snarkjs from 'snarkjs';
import { BUILD_DIR } from '../core/paths.js';
import { systemKeysOf, type UniversalSystem } from '../core/proof-systems.js';
import { writeBinFile } from './binfile.js';
import { terminateSharedCurve } from './curve.js';
import { ptauHeader } from './dev-ptau.js';
import { Fr, lagrangeBasisAt, powers } from './field.js';
import { FixedBaseMultiplier } from './fixed-base.js';
import { sha256File } from './known-ptau.js';
import { ToxicWaste } from './toxic.js';

export const DEV_UNIVERSAL_LABEL = 'INSECURE DEVELOPMENT UNIVERSAL SETUP — known tau, do not use in production';
const TRANSCRIPT_FORMAT = 'meterproof-universal-setup/1';
const PTAU_DIR = join(BUILD_DIR, 'ptau');

/**
 * Largest domain the development writer serves. FFLONK at 2^22 needs 9 · 2^22 G1 points (2.4 GB of file
 * and an hour or more of fixed-base multiplication on 2 cores): refused with that reason instead.
 */
export const MAX_DEV_UNIVERSAL_POWER = 20;

/** G1 powers of tau each system reads for a domain of 2^power (snarkjs 0.7.6's setups). */
export const g1PowersNeeded = (system: UniversalSystem, power: number): number => (system === 'plonk' ? 2 ** power + 6 : 9 * 2 ** power + 18);

export interface UniversalPtau {
  path: string;
  power: number;
  g1Powers: number;
  /** true when this call wrote it (else it was found in build/ptau/) */
  written: boolean;
  ms: number;
}

/** Writes a development universal .ptau from a fresh tau, wiped afterwards. */
export async function writeDevUniversalPtau(o: { power: number; g1Powers: number; ptauPath: string; onProgress?: (m: string) => void }): Promise<void> {
  const { power, g1Powers, ptauPath, onProgress = () => {} } = o;
  if (!Number.isInteger(power) || power < 1 || power > MAX_DEV_UNIVERSAL_POWER) throw new Error(`development universal ptau power must be an integer in [1, ${MAX_DEV_UNIVERSAL_POWER}], got ${power}`);
  const toxic = ToxicWaste.generate();
  const fixedBase = await FixedBaseMultiplier.start();
  try {
    const tau = toxic.tau;
    const lagrange: bigint[] = [];
    for (let p = 0; p <= power; p++) lagrange.push(...lagrangeBasisAt(tau, p));
    const tauG1 = await fixedBase.multiply('G1', powers(tau, g1Powers), (done) => onProgress(`tau G1 powers ${done}/${g1Powers}`));
    const tauG2 = await fixedBase.multiply('G2', [Fr.one, tau]);
    const lagrangeG1 = await fixedBase.multiply('G1', lagrange, (done, total) => onProgress(`Lagrange tau G1 ${done}/${total}`));
    await writeBinFile(ptauPath, 'ptau', 4, async (file) => {
      await file.writeSection(1, ptauHeader(power));
      await file.writeSection(2, tauG1.lem);
      await file.writeSection(3, tauG2.lem);
      await file.writeSection(12, lagrangeG1.lem);
    });
  } finally {
    toxic.wipe();
    await fixedBase.terminate();
  }
}

const ptauName = (power: number, g1Powers: number) => `dev-universal-p${power}-g${g1Powers}.ptau`;

/** A cached development universal .ptau large enough (domain 2^power, g1Powers), or a new one. */
export async function devUniversalPtau(power: number, g1Powers: number, onProgress: (m: string) => void = () => {}): Promise<UniversalPtau> {
  if (power > MAX_DEV_UNIVERSAL_POWER) {
    throw new Error(`a domain of 2^${power} needs a development ptau of ${g1Powers.toLocaleString('en-GB')} G1 points (${Math.round((g1Powers * 64) / 2 ** 20)} MB); the development writer stops at 2^${MAX_DEV_UNIVERSAL_POWER}: give an imported --ptau`);
  }
  await mkdir(PTAU_DIR, { recursive: true });
  const found = readdirSync(PTAU_DIR)
    .map((f) => /^dev-universal-p(\d+)-g(\d+)\.ptau$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) >= power && Number(m[2]) >= g1Powers)
    .sort((a, b) => Number(a[2]) - Number(b[2]))[0];
  if (found) return { path: join(PTAU_DIR, found[0]), power: Number(found[1]), g1Powers: Number(found[2]), written: false, ms: 0 };
  const path = join(PTAU_DIR, ptauName(power, g1Powers));
  onProgress(`${DEV_UNIVERSAL_LABEL}: writing ${basename(path)} (${g1Powers.toLocaleString('en-GB')} tau powers in G1, Lagrange bases up to 2^${power})`);
  const started = Date.now();
  const tmp = `${path}.${process.pid}.tmp`; // another process may be writing the same file
  await writeDevUniversalPtau({ power, g1Powers, ptauPath: tmp, onProgress });
  await rename(tmp, path);
  return { path, power, g1Powers, written: true, ms: Date.now() - started };
}

export interface UniversalTranscript {
  format: typeof TRANSCRIPT_FORMAT;
  system: UniversalSystem;
  mode: 'development' | 'imported-ptau';
  label: string;
  r1csSha256: string;
  ptau: { file: string; sha256: string; power: number };
  /** constraints after snarkjs turns the r1cs into PLONK gates (additions included) */
  plonkConstraints: number;
  domainPower: number;
  zkeySha256: string;
  vkeySha256: string;
  timingsMs: { ptau: number; setup: number; total: number };
  createdAt: string;
}

export interface UniversalKeys {
  zkeyPath: string;
  vkeyPath: string;
  transcript: UniversalTranscript;
  cached: boolean;
}

interface Logger {
  debug(m: string): void;
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
}

/** snarkjs's setup log, kept: the PLONK constraint count is read from it, and errors go into ours. */
function keptLogger(onProgress: (m: string) => void): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: () => {}, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => (lines.push(m), onProgress(m)) };
}

/**
 * The PLONK constraint count of an r1cs (snarkjs turns each r1cs constraint into one or more gates, adding
 * gates for long linear combinations): read from snarkjs's own setup run against a tiny development ptau,
 * which stops as soon as it has counted (or completes, for a circuit that small).
 */
export async function plonkConstraintCount(r1csPath: string): Promise<number> {
  const probe = await devUniversalPtau(3, g1PowersNeeded('plonk', 3));
  const dir = await mkdtemp(join(PTAU_DIR, '.probe-'));
  try {
    const log = keptLogger(() => {});
    await (snarkjs.plonk.setup(r1csPath, probe.path, join(dir, 'probe.zkey'), log) as Promise<unknown>);
    const line = log.lines.find((l) => l.startsWith('Plonk constraints: '));
    if (!line) throw new Error(`snarkjs did not count the PLONK constraints of ${r1csPath}: ${log.lines.join('; ')}`);
    return Number(line.slice('Plonk constraints: '.length));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** snarkjs's domain for n PLONK gates: 2^(floor(log2(n − 1)) + 1), at least 2^3. FFLONK counts 2 more (blinding). */
export function domainPowerOf(system: UniversalSystem, plonkConstraints: number): number {
  const n = system === 'plonk' ? plonkConstraints : plonkConstraints + 2;
  return Math.max(3, Math.floor(Math.log2(n - 1)) + 1);
}

export interface UniversalSetupOptions {
  circuitId: string;
  r1csPath: string;
  system: UniversalSystem;
  /** a real ceremony's phase-1 file; without it the development universal ptau */
  ptauPath?: string;
  onProgress?: (m: string) => void;
}

/** PLONK or FFLONK keys for a circuit in build/<circuit>/keys/<system>/, cached by r1cs (and imported ptau) hash. */
export async function buildUniversalKeys(o: UniversalSetupOptions): Promise<UniversalKeys> {
  const { system, r1csPath, onProgress = () => {} } = o;
  const out = systemKeysOf(o.circuitId, system);
  const r1csSha256 = await sha256File(r1csPath);
  const cached = await cachedKeys(out, system, r1csSha256, o.ptauPath ? await sha256File(o.ptauPath) : undefined);
  if (cached) return cached;

  try {
    const started = Date.now();
    onProgress(`${system}: counting PLONK constraints`);
    const plonkConstraints = await plonkConstraintCount(r1csPath);
    const domainPower = domainPowerOf(system, plonkConstraints);
    const ptau = o.ptauPath
      ? { path: o.ptauPath, power: domainPower, g1Powers: 0, written: false, ms: 0 }
      : await devUniversalPtau(domainPower, g1PowersNeeded(system, domainPower), onProgress);

    await mkdir(out.dir, { recursive: true });
    const work = await mkdtemp(join(out.dir, '.build-'));
    try {
      const zkeyTmp = join(work, 'circuit_final.zkey');
      onProgress(`${system} setup of ${plonkConstraints.toLocaleString('en-GB')} gates, domain 2^${domainPower} (snarkjs ${system} setup)`);
      const setupStarted = Date.now();
      const log = keptLogger(onProgress);
      const made = await (snarkjs[system].setup(r1csPath, ptau.path, zkeyTmp, log) as Promise<unknown>).catch((e: Error) => {
        throw new Error(`snarkjs ${system} setup failed: ${e.message}`);
      });
      if (made === -1) throw new Error(`snarkjs ${system} setup failed: ${log.lines.filter((l) => /error|too big|not/i.test(l)).join('; ') || 'see its log'}`);
      const setupMs = Date.now() - setupStarted;
      const vkeyJson = JSON.stringify(await snarkjs.zKey.exportVerificationKey(zkeyTmp), null, 1);
      const transcript: UniversalTranscript = {
        format: TRANSCRIPT_FORMAT,
        system,
        mode: o.ptauPath ? 'imported-ptau' : 'development',
        label: o.ptauPath ? 'imported universal phase 1; no per-circuit phase' : DEV_UNIVERSAL_LABEL,
        r1csSha256,
        ptau: { file: basename(ptau.path), sha256: await sha256File(ptau.path), power: ptau.power },
        plonkConstraints,
        domainPower,
        zkeySha256: await sha256File(zkeyTmp),
        vkeySha256: sha256(vkeyJson),
        timingsMs: { ptau: ptau.ms, setup: setupMs, total: Date.now() - started },
        createdAt: new Date().toISOString(),
      };
      // the transcript last: a crash never leaves a valid-looking cache
      await rm(out.transcript, { force: true });
      await rename(zkeyTmp, out.zkey);
      await writeFile(out.vkey, vkeyJson);
      await writeFile(`${out.transcript}.tmp`, `${JSON.stringify(transcript, null, 2)}\n`);
      await rename(`${out.transcript}.tmp`, out.transcript);
      return { zkeyPath: out.zkey, vkeyPath: out.vkey, transcript, cached: false };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  } finally {
    await terminateSharedCurve();
  }
}

async function cachedKeys(out: ReturnType<typeof systemKeysOf>, system: UniversalSystem, r1csSha256: string, ptauSha256?: string): Promise<UniversalKeys | undefined> {
  if (![out.transcript, out.zkey, out.vkey].every(existsSync)) return undefined;
  let t: UniversalTranscript;
  try {
    t = JSON.parse(await readFile(out.transcript, 'utf8')) as UniversalTranscript;
  } catch {
    return undefined;
  }
  // a development setup serves any rerun without --ptau, whichever cached development ptau it used
  const same = t.format === TRANSCRIPT_FORMAT && t.system === system && t.r1csSha256 === r1csSha256 && (ptauSha256 ? t.ptau.sha256 === ptauSha256 : t.mode === 'development');
  if (!same) return undefined;
  const intact = t.zkeySha256 === (await sha256File(out.zkey)) && t.vkeySha256 === sha256(await readFile(out.vkey, 'utf8'));
  return intact ? { zkeyPath: out.zkey, vkeyPath: out.vkey, transcript: t, cached: true } : undefined;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
