// `meterproof setup` key generation: a Groth16 zkey and verification key per circuit, in one of two modes.
//
//   development    no .ptau: the initial zkey is computed directly from fresh toxic waste (dev-zkey.ts),
//                  which is wiped right after. INSECURE: a single party knew tau, alpha and beta.
//   imported-ptau  a verified phase-1 .ptau (e.g. from a public multi-party ceremony) and `zkey new`.
//
// Both then add one phase-2 contribution and a beacon with snarkjs and export the verification key.
// Artifacts are cached by content hash: a rerun with the same r1cs (and ptau) returns at once.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as snarkjs from 'snarkjs';
import { BinFileReader } from './binfile.js';
import { terminateSharedCurve } from './curve.js';
import { BN254_Q, readU256LE } from './field.js';
import { circuitPower, writeDevZkey } from './dev-zkey.js';
import { readR1cs } from './r1cs.js';
import { ToxicWaste } from './toxic.js';

/** multi-party: keys published by `meterproof ceremony` and installed from a bundle or an API. */
export type CeremonyMode = 'development' | 'imported-ptau' | 'multi-party';

export const DEV_CEREMONY_LABEL = 'INSECURE DEVELOPMENT CEREMONY — single party, do not use in production';
const TRANSCRIPT_FORMAT = 'meterproof-ceremony/1';
export const transcriptFormat = TRANSCRIPT_FORMAT;
const BEACON_ITERATIONS_EXP = 10;

export const ZKEY_FILE = 'circuit_final.zkey';
export const VKEY_FILE = 'verification_key.json';
export const TRANSCRIPT_FILE = 'ceremony.json';

export interface BuildKeysOptions {
  r1csPath: string;
  outDir: string;
  /** Phase-1 file (prepared for phase 2); without it the insecure development ceremony runs. */
  ptauPath?: string;
  /** Extra entropy for the phase-2 contribution (snarkjs always mixes in 64 random bytes as well). */
  entropy?: string;
  onProgress?: (message: string) => void;
}

export interface CeremonyTranscript {
  format: typeof TRANSCRIPT_FORMAT;
  mode: CeremonyMode;
  label: string;
  r1csSha256: string;
  ptau?: { file: string; sha256: string; power: number };
  circuit: { constraints: number; wires: number; publicSignals: number; domainPower: number };
  /** BLAKE2b-512 circuit hash of the initial zkey, hex. */
  csHash: string;
  contributions: { type: 'contribution' | 'beacon'; name: string; hash: string; beaconHash?: string; iterationsExp?: number }[];
  zkeySha256: string;
  vkeySha256: string;
  timingsMs: Record<string, number>;
  createdAt: string;
}

export interface BuildKeysResult {
  zkeyPath: string;
  vkeyPath: string;
  transcriptPath: string;
  ceremony: CeremonyMode;
  /** True when outDir already held keys for this input and nothing was rebuilt. */
  cached: boolean;
  transcript: CeremonyTranscript;
}

/** What the steps before the shared phase-2 tail produce. */
interface InitialZkey {
  csHash: string;
  circuit: CeremonyTranscript['circuit'];
  ptau?: CeremonyTranscript['ptau'];
}

interface SnarkjsLogger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

// types/untyped-modules.d.ts declares snarkjs as `any`; these are the signatures we rely on.
const zKey = snarkjs.zKey as {
  newZKey(r1cs: string, ptau: string, zkey: string, logger?: SnarkjsLogger): Promise<Uint8Array | -1>;
  contribute(from: string, to: string, name: string, entropy: string, logger?: SnarkjsLogger): Promise<Uint8Array>;
  beacon(from: string, to: string, name: string, hashHex: string, itExp: number, logger?: SnarkjsLogger): Promise<Uint8Array | false>;
  exportVerificationKey(zkey: string, logger?: SnarkjsLogger): Promise<Record<string, unknown>>;
};
const powersOfTau = snarkjs.powersOfTau as { verify(ptau: string, logger?: SnarkjsLogger): Promise<boolean> };

export async function buildKeys(options: BuildKeysOptions): Promise<BuildKeysResult> {
  const { r1csPath, outDir, ptauPath, onProgress = () => {} } = options;
  const mode: CeremonyMode = ptauPath ? 'imported-ptau' : 'development';
  const r1csSha256 = await sha256File(r1csPath);
  const ptauSha256 = ptauPath ? await sha256File(ptauPath) : undefined;

  const cached = await cachedBuild(outDir, mode, r1csSha256, ptauSha256);
  if (cached) return cached;

  await mkdir(outDir, { recursive: true });
  const work = await mkdtemp(join(outDir, '.build-'));
  try {
    const timings: Record<string, number> = {};
    const started = Date.now();
    const initialPath = join(work, 'circuit_0000.zkey');
    const initial = ptauPath
      ? await importedInitialZkey(r1csPath, ptauPath, ptauSha256!, initialPath, onProgress, timings)
      : await developmentInitialZkey(r1csPath, initialPath, onProgress, timings);
    const { contributions, finalPath } = await phase2(work, initialPath, options.entropy, onProgress, timings);

    onProgress('exporting verification key');
    const vkeyJson = JSON.stringify(await exportVerificationKey(finalPath), null, 1);
    timings.total = Date.now() - started;

    const transcript: CeremonyTranscript = {
      format: TRANSCRIPT_FORMAT,
      mode,
      label: mode === 'development' ? DEV_CEREMONY_LABEL : 'imported phase 1; phase 2: one contribution + beacon (add contributions for production)',
      r1csSha256,
      ...(initial.ptau && { ptau: initial.ptau }),
      circuit: initial.circuit,
      csHash: initial.csHash,
      contributions,
      zkeySha256: await sha256File(finalPath),
      vkeySha256: sha256(vkeyJson),
      timingsMs: timings,
      createdAt: new Date().toISOString(),
    };
    return await install(outDir, finalPath, vkeyJson, transcript);
  } finally {
    await rm(work, { recursive: true, force: true });
    await terminateSharedCurve();
  }
}

/**
 * snarkjs's verification-key export, refusing a zkey without phase-2 contributions: its delta is the
 * generator, so anyone can forge proofs for it.
 */
export async function exportVerificationKey(zkeyPath: string): Promise<Record<string, unknown>> {
  if ((await countPhase2Contributions(zkeyPath)) === 0) {
    throw new Error(`${zkeyPath} has no phase-2 contribution (delta = 1 allows forged proofs): refusing to export a verification key`);
  }
  return zKey.exportVerificationKey(zkeyPath);
}

/** Number of phase-2 contributions recorded in a Groth16 zkey (section 10: csHash, then the count). */
export async function countPhase2Contributions(zkeyPath: string): Promise<number> {
  const file = await BinFileReader.open(zkeyPath, 'zkey');
  try {
    if ((await file.readSection(1)).readUInt32LE(0) !== 1) throw new Error(`${zkeyPath} is not a Groth16 zkey`);
    return (await file.readSection(10)).readUInt32LE(64);
  } finally {
    await file.close();
  }
}

async function developmentInitialZkey(
  r1csPath: string,
  zkeyPath: string,
  onProgress: (message: string) => void,
  timings: Record<string, number>,
): Promise<InitialZkey> {
  onProgress(`${DEV_CEREMONY_LABEL}: generating toxic waste and the initial zkey`);
  const started = Date.now();
  const toxic = ToxicWaste.generate();
  const result = await writeDevZkey({ r1csPath, toxic, zkeyPath, onProgress }).finally(() => toxic.wipe());
  timings.initialZkey = Date.now() - started;
  return {
    csHash: hex(result.csHash),
    circuit: {
      constraints: result.nConstraints,
      wires: result.nVars,
      publicSignals: result.nPublic,
      domainPower: result.domainPower,
    },
  };
}

async function importedInitialZkey(
  r1csPath: string,
  ptauPath: string,
  ptauSha256: string,
  zkeyPath: string,
  onProgress: (message: string) => void,
  timings: Record<string, number>,
): Promise<InitialZkey> {
  const r1cs = await readR1cs(r1csPath);
  const domainPower = circuitPower(r1cs);
  const power = await preparedPtauPower(ptauPath);
  if (power < domainPower) {
    throw new Error(`${ptauPath} has power ${power}, too small for this circuit (needs at least ${domainPower})`);
  }

  onProgress(`verifying ${basename(ptauPath)} (snarkjs powersoftau verify)`);
  let started = Date.now();
  const verifyLog = progressLogger(onProgress, 'ptau verify');
  const ok = await powersOfTau.verify(ptauPath, verifyLog).catch((err: Error) => verifyLog.fail(err.message));
  if (ok !== true) throw new Error(`${ptauPath} failed verification: ${verifyLog.errors().join('; ') || 'invalid powers of tau'}`);
  timings.ptauVerify = Date.now() - started;

  onProgress('initial zkey (snarkjs zkey new)');
  started = Date.now();
  const newLog = progressLogger(onProgress, 'zkey new');
  const csHash = await zKey.newZKey(r1csPath, ptauPath, zkeyPath, newLog);
  if (!(csHash instanceof Uint8Array)) throw new Error(`snarkjs zkey new failed: ${newLog.errors().join('; ')}`);
  timings.initialZkey = Date.now() - started;
  return {
    csHash: hex(csHash),
    circuit: { constraints: r1cs.constraints.length, wires: r1cs.nWires, publicSignals: r1cs.nPublic, domainPower },
    ptau: { file: basename(ptauPath), sha256: ptauSha256, power },
  };
}

/** Power of a phase-2-ready BN254 .ptau, from its header (section 1: n8, q, power, ceremony power). */
async function preparedPtauPower(ptauPath: string): Promise<number> {
  const file = await BinFileReader.open(ptauPath, 'ptau');
  try {
    const header = await file.readSection(1);
    if (header.readUInt32LE(0) !== 32 || readU256LE(header, 4) !== BN254_Q) throw new Error(`${ptauPath} is not a BN254 powers of tau file`);
    if (!file.sections.has(12)) throw new Error(`${ptauPath} is not prepared for phase 2 (run snarkjs powersoftau prepare phase2)`);
    return header.readUInt32LE(36);
  } finally {
    await file.close();
  }
}

/** One random contribution and a beacon, as snarkjs `zkey contribute` and `zkey beacon` do them. */
async function phase2(
  work: string,
  initialPath: string,
  entropy: string | undefined,
  onProgress: (message: string) => void,
  timings: Record<string, number>,
): Promise<{ contributions: CeremonyTranscript['contributions']; finalPath: string }> {
  const contributedPath = join(work, 'circuit_0001.zkey');
  const finalPath = join(work, ZKEY_FILE);

  onProgress('phase-2 contribution (snarkjs zkey contribute)');
  let started = Date.now();
  const contributionName = 'meterproof setup contribution';
  const contributeLog = progressLogger(onProgress, 'contribution');
  const contributionHash = await zKey.contribute(initialPath, contributedPath, contributionName, entropy || randomHex(32), contributeLog);
  timings.contribution = Date.now() - started;

  onProgress('phase-2 beacon (snarkjs zkey beacon)');
  started = Date.now();
  const beaconName = 'meterproof setup beacon';
  const beaconHash = randomHex(32);
  const beaconLog = progressLogger(onProgress, 'beacon');
  const beaconResult = await zKey.beacon(contributedPath, finalPath, beaconName, beaconHash, BEACON_ITERATIONS_EXP, beaconLog);
  if (!(beaconResult instanceof Uint8Array)) throw new Error(`snarkjs zkey beacon failed: ${beaconLog.errors().join('; ')}`);
  timings.beacon = Date.now() - started;

  return {
    finalPath,
    contributions: [
      { type: 'contribution', name: contributionName, hash: hex(contributionHash) },
      { type: 'beacon', name: beaconName, hash: hex(beaconResult), beaconHash, iterationsExp: BEACON_ITERATIONS_EXP },
    ],
  };
}

/** Moves the artifacts into outDir; the transcript goes last, so a crash never leaves a valid-looking cache. */
async function install(outDir: string, finalPath: string, vkeyJson: string, transcript: CeremonyTranscript): Promise<BuildKeysResult> {
  const paths = artifactPaths(outDir);
  await rm(paths.transcriptPath, { force: true });
  await rename(finalPath, paths.zkeyPath);
  await writeFile(paths.vkeyPath, vkeyJson);
  await writeFile(`${paths.transcriptPath}.tmp`, `${JSON.stringify(transcript, null, 2)}\n`);
  await rename(`${paths.transcriptPath}.tmp`, paths.transcriptPath);
  return { ...paths, ceremony: transcript.mode, cached: false, transcript };
}

/** The existing build in outDir, if it was made in this mode from the same inputs and is intact. */
async function cachedBuild(outDir: string, mode: CeremonyMode, r1csSha256: string, ptauSha256?: string): Promise<BuildKeysResult | undefined> {
  const paths = artifactPaths(outDir);
  if (![paths.transcriptPath, paths.zkeyPath, paths.vkeyPath].every(existsSync)) return undefined;
  let transcript: CeremonyTranscript;
  try {
    transcript = JSON.parse(await readFile(paths.transcriptPath, 'utf8')) as CeremonyTranscript;
  } catch {
    return undefined;
  }
  // Keys from a multi-party ceremony (installed by `keys fetch`) serve this r1cs whatever the mode asked.
  const sameInputs =
    transcript.format === TRANSCRIPT_FORMAT &&
    (transcript.mode === 'multi-party' || transcript.mode === mode) &&
    transcript.r1csSha256 === r1csSha256 &&
    (transcript.mode === 'multi-party' || transcript.ptau?.sha256 === ptauSha256);
  if (!sameInputs) return undefined;
  const intact =
    transcript.zkeySha256 === (await sha256File(paths.zkeyPath)) && transcript.vkeySha256 === sha256(await readFile(paths.vkeyPath, 'utf8'));
  return intact ? { ...paths, ceremony: transcript.mode, cached: true, transcript } : undefined;
}

function artifactPaths(outDir: string): { zkeyPath: string; vkeyPath: string; transcriptPath: string } {
  return { zkeyPath: join(outDir, ZKEY_FILE), vkeyPath: join(outDir, VKEY_FILE), transcriptPath: join(outDir, TRANSCRIPT_FILE) };
}

/**
 * A snarkjs logger that keeps errors for our exception messages and forwards snarkjs's loop progress
 * (its debug lines), at most one a second.
 */
function progressLogger(onProgress: (message: string) => void, step: string): SnarkjsLogger & { errors(): string[]; fail(msg: string): false } {
  const errors: string[] = [];
  let last = 0;
  return {
    debug(msg: string) {
      if (Date.now() - last < 1000) return;
      last = Date.now();
      onProgress(`${step}: ${msg}`);
    },
    info() {},
    warn() {},
    error(msg: string) {
      errors.push(msg);
    },
    errors: () => errors,
    fail(msg: string) {
      errors.push(msg);
      return false;
    },
  };
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const randomHex = (nBytes: number): string => randomBytes(nBytes).toString('hex');
