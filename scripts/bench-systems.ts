/**
 * The proof-system benchmark (issue #12, docs/proof-systems.md): Groth16, PLONK and FFLONK, snarkjs and the
 * native prover, on the project's real circuits and a scaling series of the bill. `npm run bench -- --systems …`
 * comes here (scripts/bench.ts dispatches):
 *
 *   npm run bench -- --systems groth16,plonk,fflonk [--provers snarkjs,native] [--kind bill] [--circuit id]
 *                    [--days 31] [--series] [--runs 3] [--passes 2] [--universal-runs 1] [--budget 1800] [--minutes 85] [--quick]
 *   npm run bench -- --recheck [--circuit id,…] [--systems …] [--rebuild-keys] [--add]   (rerun rows of the table
 *                    against its rerun bands; --rebuild-keys: build their keys anew, so that their setup is
 *                    compared too; --add: then record it in the table — how far outside the min–max it landed, its samples)
 *   npm run bench -- --render        (rewrite docs/bench-systems.md and the README's summary from the JSON)
 *   npm run bench -- --regas         (measure the gas column again from the run's proofs, then --render)
 *
 * Groth16 rows come first, on every circuit, in --passes passes of --runs proofs (pass 1 over every row, then
 * pass 2…), so that a row's spread covers how the machine drifts over the run and not only a minute's noise;
 * then PLONK and FFLONK rows cheapest first (by domain), each run only when its cost predicted from the rows
 * measured so far fits what is left of --minutes: the others are rows saying why, with the prediction and the
 * row it came from.
 *
 * Per row (system × prover × circuit): readings, r1cs constraints and PLONK gates, public inputs, domain,
 * setup time and trust model, proving / verification key sizes, witness / prove / verify times (median,
 * min, max of all its proofs, each pass after a warm-up; the samples kept in the JSON; and, once a recheck is
 * recorded, the band a rerun lands in: rerunBand), peak RSS (each pass of a row in its own child process: a
 * sample per pass, median and min–max like the times; setup likewise, a sample per key build), the proof as snarkjs
 * JSON, raw, compressed and Solidity calldata bytes, and the gas of verifying it with that system's
 * Solidity verifier (snarkjs's template, solc 0.8.28 like hardhat.config.ts) on Hardhat's in-process
 * network. A step that does not finish within --budget seconds is a row saying so, never a hang.
 *
 * Writes docs/bench-systems.json (machine, versions, date, command), docs/bench-systems.csv (zk-Harness-style
 * columns, one line per operation), docs/bench-systems-*.svg (drawn here), docs/bench-systems.md (the whole
 * table) and the README's summary between its bench-systems markers. --quick proves the 1-day bill
 * (or --circuit) once in every system, checks every column and writes to build/bench-systems-quick/ instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import * as snarkjs from 'snarkjs';
import type { CircuitConfig } from '../circuits/config.js';
import { compileCircuit, r1csInfo } from '../circuits/compile.js';
import type { Groth16Proof } from '../core/groth16.js';
import { artifactsOf, REPO_ROOT } from '../core/paths.js';
import { PROOF_SYSTEMS, parseProofSystem, systemKeysOf, type ProofSystem } from '../core/proof-systems.js';
import { SLOTS_PER_DAY } from '../core/time.js';
import { buildKeys } from '../keys/ceremony.js';
import { buildUniversalKeys, domainPowerOf, g1PowersNeeded, MAX_DEV_UNIVERSAL_POWER, plonkConstraintCount } from '../keys/universal.js';
import { getCircuit, loadCircuits } from '../kinds/registry.js';
import { releaseCurve } from '../prover/backend.js';
import { compressedProofHex } from '../prover/groth16-compressed.js';
import { nativeWitnessGenerator } from '../prover/native-backend.js';
import { backendFor, verifyInSystem, type AnyProof } from '../prover/systems.js';
import { benchStatement } from './bench-statement.js';

const require = createRequire(import.meta.url);
export const PROVERS = ['snarkjs', 'native', 'rapidsnark'] as const;
export type ProverName = (typeof PROVERS)[number];
/** the bill's scaling series (days); sizes the registry lacks are compiled as bench-only instances */
export const SERIES_DAYS = [1, 2, 4, 7, 14, 31, 62, 92];

/** What one row measures: a compiled circuit, its input, and where its keys go (core/proof-systems.ts). */
export interface BenchTarget {
  id: string;
  kind: string;
  readings: number;
  r1cs: string;
  wasm: string;
  input: Record<string, unknown>;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface SystemRow {
  system: ProofSystem;
  prover: ProverName;
  circuit: string;
  kind: string;
  readings: number;
  constraints: number;
  /** PLONK gates (snarkjs's count, additions included); the same circuit's for every system */
  plonkGates?: number;
  publicInputs: number;
  /** log2 of the system's evaluation domain */
  domainPower: number;
  trust: string;
  setupMode: string;
  /** the circuit's setup (Groth16: initial zkey + phase 2; PLONK/FFLONK: snarkjs setup), as recorded when the keys were built */
  setupMs: number;
  /** every key build's setupMs: the table run's, then each recorded recheck's that built the keys anew (absent: setupMs alone) */
  setupSamplesMs?: number[];
  /** writing the development universal phase-1 file, when that build wrote it (shared by every circuit it fits) */
  ptauMs?: number;
  provingKeyBytes: number;
  verificationKeyBytes: number;
  /** measured proofs, all passes together */
  runs: number;
  /** how many times the row was measured, each time in a new process (all runs together) */
  passes: number;
  /** how many runs of the benchmark the samples come from: the table's run and the reruns added by `--recheck --add` (absent: 1) */
  recordedRuns?: number;
  /** whether an unmeasured proof ran first in each pass (Groth16's start-up — WebAssembly compilation, key loading — is a sizeable share of its proof; PLONK's and FFLONK's are under 2 %) */
  warmUp: boolean;
  /** the witness generator the prover used: the circuit's WebAssembly, or its C++ build (native prover, when built) */
  witnessWith: 'wasm' | 'C++';
  witnessMs: Spread;
  proveMs: Spread;
  verifyMs: Spread;
  /** every measured time, in the order taken (pass 1's first): what the spreads are computed from */
  samplesMs: { witness: number[]; prove: number[]; verify: number[] };
  /** the machine's speed just before each pass (probeMachine), in the order taken: how a rerun's miss is told from a change of code */
  probes?: MachineProbe[];
  /** the largest peak RSS of any pass: the memory the row needs (what the planner predicts from) */
  maxRssMB: number;
  /**
   * each pass's peak RSS (its own process's), in the order taken. Absent in a row measured before it was kept
   * (2026-12-05): that row's maxRssMB, the largest of its passes, stands as its one sample (samplesOf).
   */
  rssSamplesMB?: number[];
  proofBytes: { json: number; raw: number; compressed: number; calldata?: number };
  /** false for PLONK/FFLONK: the size of a point-compressed form, counted, not encoded */
  compressedEncoded: boolean;
  verifyGas?: number;
  /** why verifyGas is missing from a measured row (its verifier could not be deployed) */
  gasNotMeasured?: string;
  /** wall time the row took in this run (its setup, when not cached, and its proofs): what the planner predicts from */
  wallMs?: number;
  /** set instead of the measurements when the row could not run: the measured reason */
  skipped?: string;
}

export const spread = (xs: number[]): Spread => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s[s.length - 1] };
};

/** The timed figures of a row, each with a spread and samples. */
export const TIMED = ['witness', 'prove', 'verify'] as const;
/** Every figure of a row that a rerun can land outside of: the timed ones, the peak RSS of a pass, the setup of a key build. */
export const FIGURES = ['setup', ...TIMED, 'rss'] as const;
export type Figure = (typeof FIGURES)[number];
const FIGURE_NAMES: Record<Figure, string> = { setup: 'setup', witness: 'witness', prove: 'prove', verify: 'verify', rss: 'peak RSS' };
/** Per figure, how far its rerun band widens its min–max; a figure no recorded recheck measured has none. */
export type Widening = Partial<Record<Figure, number>>;

/** A figure's samples in a row: times in ms, peak RSS in MB (a row from before the per-pass RSS or setup samples: its one recorded figure). */
export const samplesOf = (r: SystemRow, f: Figure): number[] => (f === 'setup' ? (r.setupSamplesMs ?? [r.setupMs]) : f === 'rss' ? (r.rssSamplesMB ?? [r.maxRssMB]) : r.samplesMs[f]);
export const spreadOf = (r: SystemRow, f: Figure): Spread => (f === 'setup' || f === 'rss' ? spread(samplesOf(r, f)) : r[`${f}Ms`]);

/**
 * Where a rerun's median is expected to land: the min–max of every sample, widened either way by how far
 * rerun medians have landed outside it (widening). A run's passes, minutes apart, miss the machine's slower
 * moves and its bursts; rechecks measure them.
 */
export const rerunBand = (s: Spread, widening: number): { low: number; high: number } => ({ low: s.min / (1 + widening), high: s.max * (1 + widening) });

/** A fixed single-thread computation, and 48 MB of fresh memory touched page by page, timed. */
export interface MachineProbe {
  cpuMs: number;
  pageTouchMs: number;
}

/**
 * The machine's speed now. This virtual machine drifts between runs (≈10 % overall, some rows' passes by
 * 25–50 %), and touching a fresh page costs ≈10 µs here, a cost that differs between provers by orders of
 * magnitude (docs/proof-systems.md): both are probed before each pass, in the parent (the probe's memory stays
 * out of the row's peak RSS), so that a recheck can say whether the machine moved. 48 MB is above glibc's
 * largest mmap threshold: always fresh pages.
 */
export function probeMachine(): MachineProbe {
  // warmed up first, so that the timed loop runs optimised code and not the moment the JIT switches tiers
  for (let i = 0; i < 3; i++) spin(100_000);
  let t = performance.now();
  const x = spin(30_000_000);
  const cpuMs = performance.now() - t;
  t = performance.now();
  const fresh = Buffer.allocUnsafeSlow(48 * 2 ** 20);
  for (let i = 0; i < fresh.length; i += 4096) fresh[i] = x;
  return { cpuMs, pageTouchMs: performance.now() - t };
}

function spin(n: number): number {
  let x = 1;
  for (let i = 0; i < n; i++) x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + i) | 0;
  return x;
}

/** One row from its passes: the spreads of all their samples, each pass's peak RSS and the largest, the wall time of all of them. */
export function mergePasses(passes: SystemRow[]): SystemRow {
  const samplesMs = { witness: passes.flatMap((p) => p.samplesMs.witness), prove: passes.flatMap((p) => p.samplesMs.prove), verify: passes.flatMap((p) => p.samplesMs.verify) };
  return {
    ...passes[0],
    runs: samplesMs.prove.length,
    passes: passes.reduce((sum, p) => sum + p.passes, 0),
    witnessMs: spread(samplesMs.witness),
    proveMs: spread(samplesMs.prove),
    verifyMs: spread(samplesMs.verify),
    samplesMs,
    probes: passes.flatMap((p) => p.probes ?? []),
    maxRssMB: Math.max(...passes.map((p) => p.maxRssMB)),
    rssSamplesMB: passes.flatMap((p) => p.rssSamplesMB ?? [p.maxRssMB]),
    wallMs: passes.reduce((sum, p) => sum + (p.wallMs ?? 0), 0),
  };
}

// ------------------------------------------------------------------------------------------------ setup

export type SetupFigures = Pick<SystemRow, 'trust' | 'setupMode' | 'setupMs' | 'ptauMs' | 'domainPower' | 'plonkGates'>;

/** The keys of a target in a system (cached by the key builders); the setup figures from their transcript, and whether they were built now. */
export async function setupTarget(t: BenchTarget, system: ProofSystem, log: (m: string) => void): Promise<SetupFigures & { built: boolean }> {
  const onProgress = (m: string) => log(`  [${t.id} ${system}] ${m}`);
  if (system === 'groth16') {
    const k = await buildKeys({ r1csPath: t.r1cs, outDir: systemKeysOf(t.id, 'groth16').dir, onProgress });
    return { trust: 'per-circuit ceremony (phase 2 on a phase 1)', setupMode: k.transcript.mode, setupMs: k.transcript.timingsMs.total, domainPower: k.transcript.circuit.domainPower, built: !k.cached };
  }
  const k = await buildUniversalKeys({ circuitId: t.id, r1csPath: t.r1cs, system, onProgress });
  const tr = k.transcript;
  return { trust: 'universal (phase 1 only, no per-circuit secret)', setupMode: tr.mode, setupMs: tr.timingsMs.setup, ptauMs: tr.timingsMs.ptau || undefined, domainPower: tr.domainPower, plonkGates: tr.plonkConstraints, built: !k.cached };
}

// ------------------------------------------------------------------------------------------------ proof sizes

/** Uncompressed bytes of a snarkjs proof object: 64 per G1 point ([x, y, 1]), 128 per G2 point, 32 per scalar. */
function rawSizes(proof: AnyProof): { raw: number; compressed: number } {
  let raw = 0;
  let compressed = 0;
  const visit = (v: unknown): void => {
    if (Array.isArray(v) && v.length === 3 && v.every((c) => typeof c === 'string')) {
      raw += 64;
      compressed += 32;
    } else if (Array.isArray(v) && v.length === 3 && v.every((c) => Array.isArray(c))) {
      raw += 128;
      compressed += 64;
    } else if (typeof v === 'string' && /^\d+$/.test(v)) {
      raw += 32;
      compressed += 32;
    } else if (v && typeof v === 'object' && !Array.isArray(v)) for (const x of Object.values(v)) visit(x);
  };
  const { protocol: _p, curve: _c, ...body } = proof as Record<string, unknown>;
  visit(body);
  return { raw, compressed };
}

// ------------------------------------------------------------------------------------------------ one row

/** One pass of a row in this process: a warm-up proof when asked, then `runs` measured proofs. */
export async function measureRow(t: BenchTarget, system: ProofSystem, prover: ProverName, runs: number, proofOut: string, warmUp = true): Promise<Omit<SystemRow, keyof SetupFigures>> {
  const keys = systemKeysOf(t.id, system);
  const vkeyText = readFileSync(keys.vkey, 'utf8');
  const vkey = JSON.parse(vkeyText);
  const backend = backendFor(system, prover === 'native' ? 'native' : 'snarkjs');
  const witness: number[] = [];
  const prove: number[] = [];
  const verify: number[] = [];
  let last: { proof: AnyProof; publicSignals: string[] } | undefined;
  for (let i = warmUp ? 0 : 1; i <= runs; i++) {
    const { proof, publicSignals, timings } = await backend.prove(t.input, t.wasm, keys.zkey);
    const started = performance.now();
    if (!(await verifyInSystem(system, vkey, publicSignals, proof))) throw new Error(`a ${system} proof of ${t.id} did not verify`);
    if (i === 0) continue; // warm-up: WebAssembly compilation and key loading
    verify.push(performance.now() - started);
    witness.push(timings.witnessMs);
    prove.push(timings.proveMs);
    last = { proof, publicSignals };
  }
  writeFileSync(proofOut, JSON.stringify(last));
  const info = await r1csInfo(t.r1cs);
  const sizes = rawSizes(last!.proof);
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  return {
    system,
    prover,
    circuit: t.id,
    kind: t.kind,
    readings: t.readings,
    constraints: info.nConstraints,
    publicInputs: last!.publicSignals.length,
    provingKeyBytes: statSync(keys.zkey).size,
    verificationKeyBytes: Buffer.byteLength(vkeyText),
    runs,
    passes: 1,
    warmUp,
    witnessWith: prover === 'native' && nativeWitnessGenerator(t.wasm) ? 'C++' : 'wasm',
    witnessMs: spread(witness),
    proveMs: spread(prove),
    verifyMs: spread(verify),
    samplesMs: { witness, prove, verify },
    maxRssMB: peakRssMB,
    rssSamplesMB: [peakRssMB],
    proofBytes: {
      json: Buffer.byteLength(JSON.stringify(last!.proof)),
      raw: sizes.raw,
      compressed: system === 'groth16' ? compressedProofHex(last!.proof as Groth16Proof).length / 2 : sizes.compressed,
    },
    compressedEncoded: system === 'groth16',
  };
}

// ------------------------------------------------------------------------------------------------ gas

const VERIFIER_TEMPLATES = Object.fromEntries(PROOF_SYSTEMS.map((s) => [s, readFileSync(join(REPO_ROOT, 'node_modules', 'snarkjs', 'templates', `verifier_${s}.sol.ejs`), 'utf8')]));

/** solc-js with hardhat.config.ts's settings (0.8.28, optimizer 10,000 runs, Cancun): the verifier's ABI and bytecode. */
function compileVerifier(source: string): { abi: unknown[]; bytecode: string } {
  const solc = require('solc');
  const input = {
    language: 'Solidity',
    sources: { 'Verifier.sol': { content: source } },
    settings: { optimizer: { enabled: true, runs: 10_000 }, evmVersion: 'cancun', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors ?? []).filter((e: { severity: string }) => e.severity === 'error');
  if (errors.length) throw new Error(`solc: ${errors.map((e: { formattedMessage: string }) => e.formattedMessage).join('\n')}`);
  const [contract] = Object.values(out.contracts['Verifier.sol']) as { abi: unknown[]; evm: { bytecode: { object: string } } }[];
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
}

// the whole block for a deployment: a quarter's verifier costs more than the network's default per-transaction gas
const DEPLOY_GAS_LIMIT = 1_000_000_000;

/** EIP-7825 (Ethereum's Osaka fork): no transaction may use more gas than this. */
export const OSAKA_TX_GAS_CAP = 2 ** 24;

const OVER_CAP_NOTE = '† over the 2^24 gas per transaction Ethereum allows since Osaka (EIP-7825): not verifiable there in one call.';
const overCap = (gas: number | undefined) => (gas ?? 0) > OSAKA_TX_GAS_CAP;
const overCapNote = (rows: SystemRow[]) => (rows.some((r) => overCap(r.verifyGas)) ? ` ${OVER_CAP_NOTE}` : '');
const gasText = (gas: number | undefined) => `${fmtN(gas)}${overCap(gas) ? ' †' : ''}`;

/** snarkjs's calldata text for the system, as the verifier's arguments. */
async function calldataArguments(system: ProofSystem, proof: AnyProof, publicSignals: string[]): Promise<unknown[]> {
  const text: string = system === 'fflonk' ? await snarkjs.fflonk.exportSolidityCallData(publicSignals, proof) : await snarkjs[system].exportSolidityCallData(proof, publicSignals);
  // snarkjs's PLONK text has no comma between its two arrays, its FFLONK text unquoted hex numbers
  return JSON.parse(`[${text.replace(/\]\s*\[/g, '],[').replace(/(?<!")0x([0-9a-fA-F]+)/g, '"0x$1"')}]`);
}

/**
 * Deploys the system's verifier of each row's keys on Hardhat's in-process network and measures one
 * verifyProof call as a transaction (21,000 base and calldata included); the call must return true.
 */
export async function measureGas(rows: { row: SystemRow; proofFile: string }[], log: (m: string) => void): Promise<void> {
  if (rows.length === 0) return;
  const { hardhat } = await import('../cli/hardhat.js');
  const hre = await hardhat();
  // A Groth16 verifier of hundreds of public inputs is over the 24 kB code limit, and a quarter's (2,218
  // inputs) costs more to deploy than Osaka's per-transaction cap (EIP-7825): measured under Prague's rules,
  // whose gas prices of calldata and the pairing precompiles are Osaka's, and a figure over the cap is said.
  // Set before the in-process network starts (at the first request).
  Object.assign(hre.config.networks.hardhat, { allowUnlimitedContractSize: true, hardfork: 'prague', blockGasLimit: DEPLOY_GAS_LIMIT });
  const [signer] = await hre.ethers.getSigners();
  const verifiers = new Map<string, { address: string; abi: unknown[] } | { failed: string }>();
  for (const { row, proofFile } of rows) {
    const key = `${row.circuit}/${row.system}`;
    if (!verifiers.has(key)) {
      log(`  [${key}] compiling and deploying its Solidity verifier`);
      try {
        const source = (await snarkjs.zKey.exportSolidityVerifier(systemKeysOf(row.circuit, row.system).zkey, VERIFIER_TEMPLATES, undefined)) as string;
        const { abi, bytecode } = compileVerifier(source);
        const contract = await new hre.ethers.ContractFactory(abi as never, bytecode, signer).deploy({ gasLimit: DEPLOY_GAS_LIMIT });
        await contract.waitForDeployment();
        verifiers.set(key, { address: await contract.getAddress(), abi });
      } catch (e) {
        // one verifier that cannot be deployed costs its rows their gas column, never the table
        verifiers.set(key, { failed: `its verifier could not be deployed: ${(e as Error).message.split('\n')[0]}` });
      }
    }
    const v = verifiers.get(key)!;
    if ('failed' in v) {
      row.gasNotMeasured = v.failed;
      log(`  [${key}] no gas: ${v.failed}`);
      continue;
    }
    const { proof, publicSignals } = JSON.parse(readFileSync(proofFile, 'utf8')) as { proof: AnyProof; publicSignals: string[] };
    const args = await calldataArguments(row.system, proof, publicSignals);
    const contract = new hre.ethers.Contract(v.address, v.abi as never, signer);
    if ((await contract.verifyProof(...args)) !== true) throw new Error(`the ${row.system} Solidity verifier of ${row.circuit} refused a valid proof`);
    const data = contract.interface.encodeFunctionData('verifyProof', args);
    row.proofBytes.calldata = (data.length - 2) / 2;
    row.verifyGas = Number(await signer.estimateGas({ to: v.address, data }));
  }
}

// ------------------------------------------------------------------------------------------------ checks

/** Every column of a measured row is there and sane (existence and consistency; never a timing limit). */
export function checkRow(r: SystemRow): void {
  const fail = (what: string) => {
    throw new Error(`${r.system}/${r.prover}/${r.circuit}: ${what}`);
  };
  if (r.skipped) return;
  for (const [name, v] of Object.entries({ readings: r.readings, constraints: r.constraints, publicInputs: r.publicInputs, setupMs: r.setupMs, provingKeyBytes: r.provingKeyBytes, verificationKeyBytes: r.verificationKeyBytes, maxRssMB: r.maxRssMB, runs: r.runs })) {
    if (!Number.isFinite(v) || v <= 0) fail(`${name} is ${v}`);
  }
  for (const [name, s] of Object.entries({ witnessMs: r.witnessMs, proveMs: r.proveMs, verifyMs: r.verifyMs })) {
    if (!(s.min > 0 && s.min <= s.median && s.median <= s.max)) fail(`${name} spread ${JSON.stringify(s)}`);
  }
  if (!(r.passes >= 1) || Object.values(r.samplesMs).some((xs) => xs.length !== r.runs)) fail(`${r.runs} proofs in ${r.passes} passes, samples ${JSON.stringify(r.samplesMs)}`);
  if (r.probes && r.probes.length !== r.passes) fail(`${r.probes.length} machine probes for ${r.passes} passes`);
  // one sample per pass, or fewer: a row measured before they were kept holds its largest as one sample (samplesOf)
  if (r.rssSamplesMB && (r.rssSamplesMB.length > r.passes || Math.max(...r.rssSamplesMB) !== r.maxRssMB)) fail(`peak RSS per pass ${JSON.stringify(r.rssSamplesMB)} for ${r.passes} passes, max ${r.maxRssMB}`);
  if (r.setupSamplesMs && !r.setupSamplesMs.every((x) => x > 0)) fail(`setup samples ${JSON.stringify(r.setupSamplesMs)}`);
  if (!Number.isInteger(r.domainPower) || 2 ** r.domainPower < (r.system === 'groth16' ? r.constraints : (r.plonkGates ?? 0))) fail(`domain 2^${r.domainPower}`);
  if (r.system !== 'groth16' && !(r.plonkGates! >= r.constraints)) fail(`PLONK gates ${r.plonkGates}`);
  if (!r.trust || !r.setupMode) fail('trust model');
  const b = r.proofBytes;
  if (!(b.json > b.raw && b.raw > 0 && b.compressed > 0 && b.compressed < b.raw)) fail(`proof sizes ${JSON.stringify(b)}`);
  if (r.system === 'groth16' && (b.raw !== 256 || b.compressed !== 128)) fail(`Groth16 proof sizes ${JSON.stringify(b)}`);
  if (b.calldata === undefined || b.calldata < 4 + 32 * r.publicInputs) fail(`calldata ${b.calldata}`);
  if (!(r.verifyGas! > 21_000)) fail(`verification gas ${r.verifyGas}`);
}

// ------------------------------------------------------------------------------------------------ outputs

const CSV_HEADER = ['framework', 'category', 'backend', 'curve', 'circuit', 'input', 'operation', 'nbConstraints', 'nbPlonkGates', 'nbPublic', 'ram', 'time', 'timeMin', 'timeMax', 'count', 'proofSize', 'nbPhysicalCores', 'cpu', 'rerunLow', 'rerunHigh', 'ramMin', 'ramMax', 'ramRerunLow', 'ramRerunHigh'];

/**
 * zk-Harness-style CSV, then the rerun band of the time and the peak RSS's min–max and band (empty where no
 * recorded recheck measured that figure): one line per row and operation (setup, witness, prove, verify);
 * ram (the median peak RSS of a pass) on the prove line, in MB; times in ms; count: the samples of the time.
 */
export function csv(rows: SystemRow[], machine: Machine, widening: Widening | undefined): string {
  const lines = [CSV_HEADER.join(',')];
  const band = (s: Spread, w: number | undefined) => (w === undefined ? ['', ''] : Object.values(rerunBand(s, w)).map((x) => x.toFixed(0)));
  for (const r of rows.filter((x) => !x.skipped)) {
    const rss = spreadOf(r, 'rss');
    for (const op of ['setup', ...TIMED] as const) {
      const s = spreadOf(r, op);
      const ram = op === 'prove' ? [rss.median, rss.min, rss.max].map((x) => x.toFixed(0)).concat(band(rss, widening?.rss)) : ['', '', '', '', ''];
      lines.push(
        [r.prover === 'native' ? 'meterproof-native' : 'snarkjs', 'circuit', r.system, 'bn254', r.circuit, `${r.readings} readings`, op, r.constraints, r.plonkGates ?? '', r.publicInputs, ram[0], s.median.toFixed(0), s.min.toFixed(0), s.max.toFixed(0), samplesOf(r, op).length, r.proofBytes.raw, machine.cores, machine.cpu.replace(/,/g, ' '), ...band(s, widening?.[op]), ...ram.slice(1)].join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  snarkjs: string;
  solc: string;
  hardhat: string;
  loadAverage: number[];
}

export async function machineInfo(): Promise<Machine> {
  const version = (p: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', p, 'package.json'), 'utf8')).version as string;
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, snarkjs: version('snarkjs'), solc: version('solc'), hardhat: version('hardhat'), loadAverage: loadavg() };
}

const fmtS = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
const fmtN = (n: number | undefined) => (n === undefined ? '–' : n.toLocaleString('en-GB'));
const fmtPercent = (x: number) => `${(100 * x).toFixed(1)} %`;
const fmtMB = (mb: number) => `${mb.toFixed(0)} MB`;
const fmtFigure = (f: Figure) => (f === 'rss' ? fmtMB : fmtS);

/** A figure's cell: median (min–max, when its samples differ; its rerun band once a recheck has measured the figure, w), then any counts. */
const spreadCell = (s: Spread, fmt: (x: number) => string, w: number | undefined, counts: string[] = []) => {
  const band = w === undefined ? undefined : rerunBand(s, w);
  const spreadText = [s.min === s.max ? '' : `${fmt(s.min)}–${fmt(s.max)}`, band ? `rerun ${fmt(band.low)}–${fmt(band.high)}` : ''].filter(Boolean).join('; ');
  const inner = [spreadText, ...counts].filter(Boolean).join(', ');
  return inner ? `${fmt(s.median)} (${inner})` : fmt(s.median);
};
const figureCell = (r: SystemRow, f: Figure, widening: Widening | undefined, counts: string[] = []) => spreadCell(spreadOf(r, f), fmtFigure(f), widening?.[f], counts);

/** The table; with the widening of the rechecks recorded (bandWidening), each time's rerun band. */
export function markdownTable(rows: SystemRow[], widening?: Widening): string {
  const head = '| system | prover | circuit | readings | r1cs | PLONK gates | public | domain | trust | setup | pk | vk | witness | prove | verify | peak RSS | proof JSON / raw / compressed / calldata | verify gas |';
  const sep = '|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const line = (r: SystemRow) =>
    r.skipped
      ? `| ${r.system} | ${r.prover} | ${r.circuit} | ${fmtN(r.readings)} | ${fmtN(r.constraints)} | ${fmtN(r.plonkGates)} | | ${r.domainPower ? `2^${r.domainPower}` : ''} | | | | | | not run: ${r.skipped} | | | | |`
      : `| ${r.system} | ${r.prover} | ${r.circuit} | ${fmtN(r.readings)} | ${fmtN(r.constraints)} | ${fmtN(r.plonkGates)} | ${r.publicInputs} | 2^${r.domainPower} | ${r.system === 'groth16' ? 'per circuit' : 'universal'} (${r.setupMode}) | ${figureCell(r, 'setup', widening, samplesOf(r, 'setup').length > 1 ? [`${samplesOf(r, 'setup').length} builds`] : [])}${r.ptauMs ? ` + ptau ${fmtS(r.ptauMs)}` : ''} | ${(r.provingKeyBytes / 2 ** 20).toFixed(1)} MB | ${(r.verificationKeyBytes / 1024).toFixed(1)} kB | ${figureCell(r, 'witness', widening)}${r.witnessWith === 'C++' ? ' (C++)' : ''} | ${figureCell(r, 'prove', widening, [`N=${r.runs}${r.passes > 1 ? ` in ${r.passes} passes` : ''}`, (r.recordedRuns ?? 1) > 1 ? `${r.recordedRuns} runs` : ''])} | ${figureCell(r, 'verify', widening)} | ${figureCell(r, 'rss', widening)} | ${r.proofBytes.json} / ${r.proofBytes.raw} / ${r.proofBytes.compressed}${r.compressedEncoded ? '' : '*'} / ${fmtN(r.proofBytes.calldata)} B | ${r.gasNotMeasured ? `not measured: ${r.gasNotMeasured}` : gasText(r.verifyGas)} |`;
  return [head, sep, ...rows.map(line)].join('\n');
}

/** What a run writes to docs/bench-systems.json, and what --render reads back. */
export interface SystemsTable {
  command: string;
  date: string;
  machine: Machine;
  /** proofs per pass (Groth16's, PLONK's and FFLONK's) and passes */
  runs: { groth16: number; passes: number; universal: number };
  took: { totalMs: number; budgetMinutes: number; byPartMs: Record<string, number>; loadAtStart?: number[] };
  rows: SystemRow[];
  /** the gas column measured again from the run's proofs (`--regas`), when it was */
  regas?: { command: string; date: string };
  /** the rechecks recorded in the table (`--recheck --add`), oldest first: what the rerun bands are taken from (bandWidening) */
  rechecks?: Recheck[];
}

/** A rerun of rows of the table (`--recheck`): how many of its medians landed within the table's figures as they stood, and how far the machine had moved. */
export interface Recheck {
  command: string;
  date: string;
  /** at its end */
  loadAverage: number[];
  rows: number;
  /** how many keys it built anew (--rebuild-keys, or keys missing on the machine): the setup figures it compared, one per key */
  keysBuilt?: number;
  /** medians within the rerun bands as they stood (rerunBand), and within the bare min–max */
  within: number;
  withinSpread: number;
  of: number;
  /** the machine's move: the median, over the figures compared, of the rerun's median against the table's (1.08: 8 % slower) */
  shift: number;
  /** per figure it measured, how far beyond the bare min–max (as it stood) its medians landed, the furthest of each: 0.2 for a median 20 % over a max, or a min 20 % over a median; 0 when all were inside (rechecks before 2026-12-05's evening measured only the times) */
  outside: Widening;
  /** whether its samples were added to the rows it measured; false only for a recheck recorded before `--add` recorded each one (2026-12-05) */
  added: boolean;
}

/**
 * How far to widen each figure's min–max for its rerun band: the furthest any recorded recheck's median of that
 * figure landed outside the min–max as it stood; a figure no recorded recheck measured has none, and before any
 * recheck is recorded there is no band to give (undefined).
 */
export function bandWidening(t: Pick<SystemsTable, 'rechecks'>): Widening | undefined {
  if (!t.rechecks?.length) return undefined;
  const measured = (f: Figure) => t.rechecks!.map((r) => r.outside[f]).filter((x) => x !== undefined);
  return Object.fromEntries(FIGURES.filter((f) => measured(f).length).map((f) => [f, Math.max(...measured(f))]));
}

const loads = (xs: number[] | undefined) => (xs ? xs.map((x) => x.toFixed(2)).join(' ') : 'not recorded');
const machineLine = (t: SystemsTable) =>
  `${t.machine.cores} × ${t.machine.cpu}, ${t.machine.memoryGiB} GiB, Node ${t.machine.node}, snarkjs ${t.machine.snarkjs}, solc ${t.machine.solc}, Hardhat ${t.machine.hardhat}; load average (1, 5, 15 min) ${loads(t.took.loadAtStart)} at the start, ${loads(t.machine.loadAverage)} at the end`;

/** Where the run's time went, largest first: "groth16 41 min (55 %), plonk …". */
function tookLine(t: SystemsTable): string {
  const parts = Object.entries(t.took.byPartMs).sort((a, b) => b[1] - a[1]);
  const min = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
  return `${min(t.took.totalMs)} of a ${t.took.budgetMinutes}-minute budget: ${parts.map(([k, v]) => `${k} ${min(v)} (${((100 * v) / t.took.totalMs).toFixed(0)} %)`).join(', ')}; the rest compiling the circuits and reading their statements`;
}

const runsLine = (t: SystemsTable) =>
  `Groth16 rows: median and spread (min–max) of ${t.runs.groth16 * t.runs.passes} proofs taken in ${t.runs.passes} passes of ${t.runs.groth16} spread over the run (pass 1 over every circuit, then pass 2${t.runs.passes > 2 ? '…' : ''}), each pass in a new process after an unmeasured warm-up; PLONK and FFLONK rows: of ${t.runs.universal * t.runs.passes} proofs in ${t.runs.passes} passes of ${t.runs.universal} (each row's first pass as the plan reaches it, the others after the plan's last row), no warm-up.`;

/** The machine probes of every pass (probeMachine), or nothing for a table from before them. */
function probesLine(t: SystemsTable): string {
  const probes = t.rows.flatMap((r) => r.probes ?? []);
  if (!probes.length) return '';
  const of = (p: keyof MachineProbe) => spread(probes.map((q) => q[p]));
  const text = (x: Spread) => `${x.median.toFixed(0)} ms (${x.min.toFixed(0)}–${x.max.toFixed(0)})`;
  return `\n- The machine before each of the ${probes.length} passes (\`probeMachine\`: a fixed single-thread loop; 48 MB of fresh memory touched): loop ${text(of('cpuMs'))}, page touch ${text(of('pageTouchMs'))}; \`--recheck\` compares a rerun's with these.`;
}

/** The rechecks recorded in the table and the rerun bands they give, or that there are none yet. */
function rechecksLine(t: SystemsTable): string {
  const widening = bandWidening(t);
  if (!t.rechecks?.length || !widening) return ' No recheck recorded yet: the min–max is one run\'s, and a rerun on this machine can land outside it (`--recheck --add` records how far a rerun lands outside it, and the rerun bands follow).';
  const each = (r: Recheck) =>
    `${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.rows} rows${r.keysBuilt ? ` (${r.keysBuilt} key${r.keysBuilt === 1 ? '' : 's'} built anew)` : ''}, the machine ×${r.shift.toFixed(3)}, ${r.within} of ${r.of} medians within the rerun bands as they stood (${r.withinSpread} within the bare min–max), load ${r.loadAverage.map((x) => x.toFixed(1)).join(' ')} at its end${r.added ? ', samples added' : ''}`;
  const unbanded = FIGURES.filter((f) => widening[f] === undefined).map((f) => FIGURE_NAMES[f]);
  return ` Rerun bands ("rerun" in a cell: where a rerun's median is expected): the min–max widened either way by ${FIGURES.filter((f) => widening[f] !== undefined).map((f) => `${fmtPercent(widening[f]!)} (${FIGURE_NAMES[f]})`).join(', ')} — the furthest any recorded recheck's median of that figure landed outside the min–max as it stood${unbanded.length ? ` (${unbanded.join(', ')}: no band, no recorded recheck measured it)` : ''}; the rechecks (the machine's move: the median over a recheck's figures of its median against the table's), each compared with the bands as they stood, then recorded (a row's prove cell counts the runs whose samples it holds): ${t.rechecks.map(each).join('; ')}.`;
}

/** docs/bench-systems.md: the whole table, the plots and how they were made, regenerated by every run. */
export function reportPage(t: SystemsTable): string {
  const skipped = t.rows.filter((r) => r.skipped).length;
  return `# Proof-system benchmark: the table

Generated by \`${t.command}\` on ${t.date.slice(0, 16).replace('T', ' ')} UTC (scripts/bench-systems.ts; how each column is
measured: docs/proof-systems.md). Do not edit: rerun the command, or redraw this page from
\`bench-systems.json\` with \`npm run bench -- --render\`. Also written: \`bench-systems.csv\` (zk-Harness columns).

- Machine: ${machineLine(t)}.
- ${runsLine(t)}${rechecksLine(t)}${probesLine(t)}
- Took ${tookLine(t)}.
- ${t.regas ? `Verification gas measured again from this run's proofs by \`${t.regas.command}\` on ${t.regas.date.slice(0, 16).replace('T', ' ')} UTC.\n- ` : ''}${t.rows.length - skipped} rows measured, ${skipped} not run (each says why: a prediction from the rows measured before it, or the step that failed).

![Prove time against readings](bench-systems-prove.svg)
![Proof size per system](bench-systems-proof-size.svg)
![Verification gas against public inputs](bench-systems-gas.svg)

${markdownTable(t.rows, bandWidening(t))}

\\* counted, not encoded (only Groth16's compressed form is implemented).${overCapNote(t.rows)}
`;
}

/** The README's part of the table: the bill's scaling series, one line per period, each system side by side. */
export function readmeSummary(t: SystemsTable): string {
  const bills = [...new Set(t.rows.filter((r) => r.kind === 'bill').map((r) => r.circuit))].map((c) => t.rows.filter((r) => r.circuit === c));
  const widening = bandWidening(t);
  bills.sort((a, b) => a[0].readings - b[0].readings);
  const cell = (rows: SystemRow[], system: ProofSystem, prover: ProverName) => {
    const r = rows.find((x) => x.system === system && x.prover === prover);
    if (!r) return '';
    if (r.skipped) return 'not run';
    return `${figureCell(r, 'prove', widening)}, ${figureCell(r, 'rss', widening)}`;
  };
  const gas = (rows: SystemRow[], system: ProofSystem) => gasText(rows.find((x) => x.system === system && x.prover === 'snarkjs' && !x.skipped)?.verifyGas);
  const line = (rows: SystemRow[]) => {
    const r = rows.find((x) => !x.skipped) ?? rows[0];
    return `| ${r.circuit} | ${fmtN(r.readings)} | ${fmtN(r.constraints)} (${(r.constraints / r.readings).toFixed(1)}) | ${fmtN(rows.find((x) => x.plonkGates)?.plonkGates)} | ${r.publicInputs ?? ''} | ${cell(rows, 'groth16', 'snarkjs')} | ${cell(rows, 'groth16', 'native')} | ${cell(rows, 'plonk', 'snarkjs')} | ${cell(rows, 'fflonk', 'snarkjs')} | ${gas(rows, 'groth16')} / ${gas(rows, 'plonk')} / ${gas(rows, 'fflonk')} |`;
  };
  const smallest = bills[0]?.filter((r) => !r.skipped && r.prover === 'snarkjs') ?? [];
  const sizes = smallest.map((r) => `${r.system} ${r.proofBytes.json} / ${r.proofBytes.raw} / ${r.proofBytes.compressed}${r.compressedEncoded ? '' : '*'} / ${fmtN(r.proofBytes.calldata)} B`).join('; ');
  return `Measured by \`${t.command}\` on ${t.date.slice(0, 10)}: ${machineLine(t)}. ${runsLine(t)}${rechecksLine(t)} The run took ${tookLine(t)}.

The bill's scaling series (prove time and peak RSS of a pass, each median (min–max; rerun band); the whole table, every kind and column, is
[docs/bench-systems.md](docs/bench-systems.md), with the reason of every row not run):

| circuit | readings | r1cs (per reading) | PLONK gates | public | Groth16 snarkjs | Groth16 native | PLONK | FFLONK | verify gas G16 / PLONK / FFLONK |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${bills.map(line).join('\n')}

Proof sizes (${smallest[0]?.circuit ?? 'none measured'}; JSON / raw / compressed / calldata): ${sizes || 'none measured'}. \\* counted, not encoded.${overCapNote(t.rows)}

![Prove time against readings](docs/bench-systems-prove.svg)
![Proof size per system](docs/bench-systems-proof-size.svg)
![Verification gas against public inputs](docs/bench-systems-gas.svg)`;
}

export const SUMMARY_BEGIN = '<!-- bench-systems: written by scripts/bench-systems.ts (npm run bench -- --render); do not edit -->';
export const SUMMARY_END = '<!-- /bench-systems -->';

/** A README with its summary replaced (between the markers, which must be there once each). */
export function withReadmeSummary(readme: string, t: SystemsTable): string {
  const [b, e] = [readme.indexOf(SUMMARY_BEGIN), readme.indexOf(SUMMARY_END)];
  if (b < 0 || e < b || readme.indexOf(SUMMARY_BEGIN, b + 1) >= 0) throw new Error(`README.md: the summary's markers (${SUMMARY_BEGIN} … ${SUMMARY_END}) are missing or repeated`);
  return `${readme.slice(0, b + SUMMARY_BEGIN.length)}\n${readmeSummary(t)}\n${readme.slice(e)}`;
}

/** A table and everything drawn from it: the JSON, the CSV and the pages (a run, --recheck --add, --regas). */
function writeTable(t: SystemsTable, outDir: string, readme: boolean): void {
  writeFileSync(join(outDir, 'bench-systems.json'), JSON.stringify(t, null, 2) + '\n');
  writeFileSync(join(outDir, 'bench-systems.csv'), csv(t.rows, t.machine, bandWidening(t)));
  writePages(t, outDir, readme);
}

/** What is drawn from a table, by a run and by --render: the plots, the page and (unless --quick) the README's summary. */
function writePages(t: SystemsTable, outDir: string, readme: boolean): void {
  for (const [file, svg] of Object.entries(plots(t.rows))) if (svg) writeFileSync(join(outDir, file), svg);
  writeFileSync(join(outDir, 'bench-systems.md'), reportPage(t));
  if (!readme) return;
  const file = join(REPO_ROOT, 'README.md');
  writeFileSync(file, withReadmeSummary(readFileSync(file, 'utf8'), t));
}

// ------------------------------------------------------------------------------------------------ plots

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A line chart on log-log axes: one series per name. */
function lineChart(title: string, xLabel: string, yLabel: string, series: { name: string; points: [number, number][] }[]): string {
  const W = 640;
  const H = 400;
  const m = { l: 70, r: 170, t: 40, b: 50 };
  const all = series.flatMap((s) => s.points);
  const lx = all.map((p) => Math.log10(p[0]));
  const ly = all.map((p) => Math.log10(p[1]));
  const [x0, x1] = [Math.min(...lx), Math.max(...lx) + 1e-9];
  const [y0, y1] = [Math.floor(Math.min(...ly)), Math.ceil(Math.max(...ly) + 1e-9)];
  const X = (x: number) => m.l + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const Y = (y: number) => H - m.b - ((Math.log10(y) - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`, `<text x="${W / 2 - m.r / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`];
  out.push(`<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`);
  for (let e = y0; e <= y1; e++) out.push(`<text x="${m.l - 6}" y="${Y(10 ** e) + 4}" text-anchor="end">${fmtN(10 ** e)}</text><line x1="${m.l}" y1="${Y(10 ** e)}" x2="${W - m.r}" y2="${Y(10 ** e)}" stroke="#ddd"/>`);
  for (const x of [...new Set(all.map((p) => p[0]))]) out.push(`<text x="${X(x)}" y="${H - m.b + 16}" text-anchor="middle">${fmtN(x)}</text>`);
  out.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">${esc(xLabel)}</text><text x="16" y="${(m.t + H - m.b) / 2}" transform="rotate(-90 16 ${(m.t + H - m.b) / 2})" text-anchor="middle">${esc(yLabel)}</text>`);
  series.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length];
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map((p) => `${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) out.push(`<circle cx="${X(p[0]).toFixed(1)}" cy="${Y(p[1]).toFixed(1)}" r="3" fill="${c}"/>`);
    out.push(`<rect x="${W - m.r + 12}" y="${m.t + i * 18}" width="12" height="12" fill="${c}"/><text x="${W - m.r + 30}" y="${m.t + i * 18 + 10}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Grouped bars on a log axis: one group per label, one bar per series. */
function barChart(title: string, yLabel: string, labels: string[], series: { name: string; values: (number | undefined)[] }[]): string {
  const W = 640;
  const H = 400;
  const m = { l: 70, r: 170, t: 40, b: 60 };
  const vals = series.flatMap((s) => s.values).filter((v): v is number => v !== undefined && v > 0);
  const [y0, y1] = [Math.floor(Math.log10(Math.min(...vals))), Math.ceil(Math.log10(Math.max(...vals)) + 1e-9)];
  const Y = (v: number) => H - m.b - ((Math.log10(v) - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const group = (W - m.l - m.r) / labels.length;
  const bar = (group * 0.8) / series.length;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`, `<text x="${W / 2 - m.r / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`];
  for (let e = y0; e <= y1; e++) out.push(`<text x="${m.l - 6}" y="${Y(10 ** e) + 4}" text-anchor="end">${fmtN(10 ** e)}</text><line x1="${m.l}" y1="${Y(10 ** e)}" x2="${W - m.r}" y2="${Y(10 ** e)}" stroke="#ddd"/>`);
  out.push(`<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/><text x="16" y="${(m.t + H - m.b) / 2}" transform="rotate(-90 16 ${(m.t + H - m.b) / 2})" text-anchor="middle">${esc(yLabel)}</text>`);
  labels.forEach((label, g) => {
    out.push(`<text x="${m.l + group * (g + 0.5)}" y="${H - m.b + 16}" text-anchor="middle">${esc(label)}</text>`);
    series.forEach((s, i) => {
      const v = s.values[g];
      if (v === undefined || v <= 0) return;
      const x = m.l + group * g + group * 0.1 + bar * i;
      out.push(`<rect x="${x.toFixed(1)}" y="${Y(v).toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${(H - m.b - Y(v)).toFixed(1)}" fill="${COLOURS[i % COLOURS.length]}"><title>${esc(`${label} ${s.name}: ${fmtN(v)}`)}</title></rect>`);
    });
  });
  series.forEach((s, i) => out.push(`<rect x="${W - m.r + 12}" y="${m.t + i * 18}" width="12" height="12" fill="${COLOURS[i % COLOURS.length]}"/><text x="${W - m.r + 30}" y="${m.t + i * 18 + 10}">${esc(s.name)}</text>`));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The three plots: prove time against readings (bill series) per system and prover, proof size and verification gas per system. */
export function plots(rows: SystemRow[]): Record<string, string> {
  const ok = rows.filter((r) => !r.skipped);
  const bill = ok.filter((r) => r.kind === 'bill');
  const lines = [...new Set(bill.map((r) => `${r.system} / ${r.prover}`))].map((name) => ({ name, points: bill.filter((r) => `${r.system} / ${r.prover}` === name).map((r) => [r.readings, r.proveMs.median / 1000] as [number, number]) }));
  const systems = PROOF_SYSTEMS.filter((s) => ok.some((r) => r.system === s));
  // sizes and gas of the smallest bill circuit measured (else of the first row's circuit)
  const circuit = (bill.length ? bill.sort((a, b) => a.readings - b.readings)[0] : ok[0])?.circuit;
  const of = (s: ProofSystem) => ok.find((r) => r.system === s && r.circuit === circuit);
  const gasSeries = systems.map((s) => ({ name: s, points: ok.filter((r) => r.system === s && r.verifyGas && r.prover === 'snarkjs').map((r) => [r.publicInputs, r.verifyGas!] as [number, number]) })).filter((s) => s.points.length);
  return {
    'bench-systems-prove.svg': lines.length ? lineChart('Prove time against readings (the bill)', 'half-hourly readings', 'prove time (s, median)', lines) : '',
    'bench-systems-proof-size.svg': barChart(`Proof size per system (${circuit})`, 'bytes', ['snarkjs JSON', 'raw', 'compressed', 'calldata'], systems.map((s) => ({ name: s, values: [of(s)?.proofBytes.json, of(s)?.proofBytes.raw, of(s)?.proofBytes.compressed, of(s)?.proofBytes.calldata] }))),
    'bench-systems-gas.svg': gasSeries.length ? lineChart('Verification gas against public inputs', 'public inputs', 'gas (verifyProof transaction)', gasSeries) : '',
  };
}

// ------------------------------------------------------------------------------------------------ targets

/** A registry circuit, or a bench-only instance of the bill of `days` days (the scaling series). */
export function benchCircuit(idOrDays: string | number): CircuitConfig {
  if (typeof idOrDays === 'string') return getCircuit(idOrDays);
  const existing = loadCircuits().find((c) => c.kind === 'bill' && c.params.maxDays === idOrDays);
  if (existing) return existing;
  const base = getCircuit('billing_1d');
  return { ...base, id: `bench-billing_${idOrDays}d`, params: { ...base.params, maxDays: idOrDays, minDays: idOrDays }, budget: undefined };
}

export async function registryTarget(c: CircuitConfig): Promise<BenchTarget> {
  await compileCircuit(c);
  const a = artifactsOf(c.id);
  return { id: c.id, kind: c.kind, readings: c.params.maxDays * SLOTS_PER_DAY, r1cs: a.r1cs, wasm: a.wasm, input: (await benchStatement(c)).input };
}

// ------------------------------------------------------------------------------------------------ command line

interface Options {
  systems: ProofSystem[];
  provers: ProverName[];
  circuits: (string | number)[];
  /** Groth16's measured proofs per pass (each pass after a warm-up) */
  runs: number;
  /** passes over every row (Groth16's and, after the plan, PLONK's and FFLONK's) */
  passes: number;
  /** PLONK's and FFLONK's measured proofs per pass (no warm-up: their start-up is under 2 % of a proof of tens of seconds) */
  universalRuns: number;
  /** per step (one setup, one row) */
  budgetS: number;
  /** the whole run: universal rows that the prediction says would not fit in what is left are not run */
  minutes: number;
  quick: boolean;
  outDir: string;
}

function options(argv: string[]): Options {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (name: string, fallback: string) => (arg(name) ?? fallback).split(',').filter(Boolean);
  const count = (name: string, fallback: number, min: number) => {
    const v = Number(arg(name) ?? fallback);
    if (!Number.isInteger(v) || v < min) throw new Error(`--${name}: an integer ≥ ${min} expected, got ${arg(name)}`);
    return v;
  };
  const quick = argv.includes('--quick');
  const provers = list('provers', 'snarkjs').map((p) => {
    if (!(PROVERS as readonly string[]).includes(p)) throw new Error(`--provers: unknown prover ${p} (known: ${PROVERS.join(', ')})`);
    return p as ProverName;
  });
  let circuits: (string | number)[];
  if (arg('circuit')) circuits = list('circuit', '');
  else if (quick) circuits = ['billing_1d'];
  else {
    const kind = arg('kind');
    const days = arg('days');
    circuits = loadCircuits()
      .filter((c) => (!kind || c.kind === kind) && (!days || c.params.maxDays === Number(days)))
      .map((c) => c.id);
    if (argv.includes('--series')) circuits.push(...SERIES_DAYS.filter((d) => !circuits.includes(benchCircuit(d).id)));
  }
  return {
    systems: list('systems', PROOF_SYSTEMS.join(',')).map(parseProofSystem),
    provers,
    circuits,
    runs: quick ? 1 : count('runs', 3, 1),
    passes: quick ? 1 : count('passes', 2, 1),
    universalRuns: count('universal-runs', 1, 1),
    budgetS: count('budget', 1800, 1),
    minutes: count('minutes', 85, 1),
    quick,
    outDir: quick ? join(REPO_ROOT, 'build', 'bench-systems-quick') : join(REPO_ROOT, 'docs'),
  };
}

const idOf = (c: string | number) => benchCircuit(c).id;

/** In a child process (own max RSS, killed at the budget): setup of one circuit in one system, or one row. */
function child(args: string[], budgetS: number): { ok: true; value: unknown } | { ok: false; reason: string } {
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'bench-systems.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: budgetS * 1000, maxBuffer: 64 * 2 ** 20 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { ok: false, reason: `${args[0].replace('--', '')} did not finish within the ${budgetS} s budget` };
  if (r.status !== 0) return { ok: false, reason: `${args[0].replace('--', '')} failed after ${fmtS(Date.now() - started)}: ${(r.stdout ?? '').trim().split('\n').pop() ?? `exit ${r.status}`}` };
  return { ok: true, value: JSON.parse(r.stdout.trim().split('\n').pop()!) };
}

async function childMain(argv: string[]): Promise<boolean> {
  const [mode, circuit, system, prover, runs, proofOut, warmUp] = argv;
  if (mode !== '--setup-child' && mode !== '--row-child') return false;
  const log = (m: string) => console.error(m);
  try {
    const t = await registryTarget(benchCircuit(/^\d+$/.test(circuit) ? Number(circuit) : circuit));
    const out = mode === '--setup-child' ? await setupTarget(t, parseProofSystem(system), log) : await measureRow(t, parseProofSystem(system), prover as ProverName, Number(runs), proofOut, warmUp === 'warm-up');
    console.log(JSON.stringify(out));
  } catch (e) {
    console.log(`error: ${(e as Error).message.split('\n')[0]}`);
    process.exitCode = 1;
  } finally {
    await releaseCurve();
  }
  return true;
}

/** A row to measure: the child's circuit argument, how, and what its row carries besides the measurements. */
interface PassSpec {
  c: string;
  system: ProofSystem;
  prover: ProverName;
  proofFile: string;
  runsPerPass: number;
  passes: number;
  warmUp: boolean;
  base: Partial<SystemRow>;
  setup?: Partial<SystemRow>;
}

/**
 * Rows measured in passes, each pass of a row in a new child: pass 1 over every row, then pass 2…, so that
 * a row's spread covers the machine's drift over the whole run. A row whose first pass fails is a reason; one
 * whose later pass fails keeps the passes it has (its row says how many).
 */
function measureInPasses(specs: PassSpec[], budgetS: number, log: (m: string) => void, afterEach: (soFar: SystemRow[]) => void = () => {}): [PassSpec, SystemRow | { reason: string }][] {
  const done = specs.map(() => [] as SystemRow[]);
  const stopped: (string | undefined)[] = specs.map(() => undefined);
  const passes = Math.max(0, ...specs.map((s) => s.passes));
  for (let pass = 1; pass <= passes; pass++)
    specs.forEach((s, i) => {
      if (stopped[i] || pass > s.passes) return;
      log(`${s.base.circuit} ${s.system} ${s.prover}: ${s.passes > 1 ? `pass ${pass} of ${s.passes}, ` : ''}${s.runsPerPass} run(s)${s.warmUp ? ' after a warm-up' : ''}…`);
      const probe = probeMachine();
      const r0 = Date.now();
      const r = child(['--row-child', s.c, s.system, s.prover, String(s.runsPerPass), s.proofFile, s.warmUp ? 'warm-up' : 'none'], budgetS);
      if (r.ok) done[i].push({ ...(r.value as SystemRow), probes: [probe], wallMs: Date.now() - r0 });
      else {
        stopped[i] = r.reason;
        if (done[i].length) log(`  pass ${pass} failed (${r.reason}): the row keeps the ${done[i].length} pass(es) it has`);
      }
      afterEach(done.filter((d) => d.length).map(mergePasses));
    });
  return specs.map((s, i) => [s, done[i].length ? mergePasses(done[i]) : { reason: stopped[i]! }]);
}

/**
 * What a PLONK or FFLONK row will cost from scratch (setup, phase 1 and proofs), predicted from the largest
 * row of the same system measured so far: time n·log n in the domain, memory linear in it.
 */
export function predictRow(measured: SystemRow[], system: ProofSystem, domainPower: number): { ms: number; rssMB: number; from: SystemRow } | undefined {
  const from = measured
    .filter((r) => r.system === system && !r.skipped && r.wallMs && r.domainPower <= domainPower)
    .sort((a, b) => b.domainPower - a.domainPower || b.wallMs! - a.wallMs!)[0];
  if (!from) return undefined;
  const scale = 2 ** (domainPower - from.domainPower) * (domainPower / from.domainPower);
  return { ms: from.wallMs! * scale, rssMB: from.maxRssMB * 2 ** (domainPower - from.domainPower), from };
}

/** Why a universal row is not run, before running it; undefined when it should run. */
export function universalRefusal(measured: SystemRow[], system: ProofSystem, domainPower: number, leftMs: number, budgetS: number, memoryMB: number): string | undefined {
  if (domainPower > MAX_DEV_UNIVERSAL_POWER) {
    const g1 = g1PowersNeeded(system as 'plonk' | 'fflonk', domainPower);
    return `its 2^${domainPower} domain needs a phase 1 of ${fmtN(g1)} G1 powers (${((g1 * 64) / 2 ** 30).toFixed(1)} GB); the development writer stops at 2^${MAX_DEV_UNIVERSAL_POWER} (a real ceremony's file serves it: setup --ptau)`;
  }
  const p = predictRow(measured, system, domainPower);
  if (!p) return undefined;
  const basis = `${p.from.circuit} measured ${fmtS(p.from.wallMs!)} and ${p.from.maxRssMB.toFixed(0)} MB at 2^${p.from.domainPower}`;
  if (p.rssMB > 0.85 * memoryMB) return `predicted ${(p.rssMB / 1024).toFixed(1)} GB of memory, over 85 % of this machine's ${(memoryMB / 1024).toFixed(0)} GiB (${basis})`;
  if (p.ms > budgetS * 1000) return `predicted ${fmtS(p.ms)}, over the ${budgetS} s step budget (${basis}, scaled n·log n)`;
  if (p.ms > leftMs) return `predicted ${fmtS(p.ms)}, more than the ${fmtS(Math.max(0, leftMs))} left of the run's budget (${basis}, scaled n·log n)`;
  return undefined;
}

// verification gas: the time kept for it at the end, per distinct verifier (solc-js compile and a deployment)
const GAS_MS_PER_VERIFIER = 10_000;

export async function runSystemsBench(argv: string[], log: (m: string) => void = (m) => console.log(m)): Promise<SystemRow[]> {
  const o = options(argv);
  const started = Date.now();
  const loadAtStart = loadavg();
  const deadline = started + o.minutes * 60_000;
  mkdirSync(o.outDir, { recursive: true });
  const proofsDir = join(REPO_ROOT, 'build', 'bench-systems-proofs');
  mkdirSync(proofsDir, { recursive: true });
  const rows: SystemRow[] = [];
  const measured: { row: SystemRow; proofFile: string }[] = [];
  const spentMs: Record<string, number> = {};
  const infos = new Map<string, { readings: number; kind: string; constraints: number; r1cs: string }>();
  for (const c of o.circuits) {
    const t = await registryTarget(benchCircuit(c));
    infos.set(idOf(c), { readings: t.readings, kind: t.kind, constraints: (await r1csInfo(t.r1cs)).nConstraints, r1cs: t.r1cs });
  }

  // what is measured so far (rows, and the passes of rows still being measured) survives a run that fails later
  const saveProgress = (inProgress: SystemRow[] = []) => writeFileSync(join(o.outDir, 'bench-systems.partial.json'), JSON.stringify({ command: `npm run bench -- ${argv.join(' ')}`, rows: [...rows, ...inProgress] }, null, 2) + '\n');
  /** Setup of one circuit in one system (cached when built before), in a child: the rows' setup figures, or why there are none. */
  const setupOf = (c: string | number, system: ProofSystem) => {
    log(`${idOf(c)} ${system}: setup (cached when built before; budget ${o.budgetS} s)…`);
    const setup = child(['--setup-child', String(c), system], o.budgetS);
    if (!setup.ok) return { reason: setup.reason };
    const { built: _built, ...figures } = setup.value as SetupFigures & { built: boolean };
    return { figures };
  };
  /** The rows of one system × circuit × provers after its setup: measured in passes, or rows saying why not. */
  const specsOf = (c: string | number, system: ProofSystem, provers: ProverName[], extra: Partial<SystemRow> = {}): PassSpec[] => {
    const setup = setupOf(c, system);
    const specs: PassSpec[] = [];
    for (const prover of provers) {
      const info = infos.get(idOf(c))!;
      const base = { system, prover, circuit: idOf(c), kind: info.kind, readings: info.readings, constraints: info.constraints, ...extra };
      const unavailable = prover === 'rapidsnark' ? 'rapidsnark is not installed on this machine (scripts/bench-native.ts runs it with RAPIDSNARK=…)' : 'reason' in setup ? setup.reason : undefined;
      if (unavailable) rows.push({ ...base, skipped: unavailable } as SystemRow);
      else {
        const groth16 = system === 'groth16';
        specs.push({ c: String(c), system, prover, proofFile: join(proofsDir, `${idOf(c)}.${system}.${prover}.json`), runsPerPass: groth16 ? o.runs : o.universalRuns, passes: o.passes, warmUp: groth16, base, setup: (setup as { figures: Partial<SystemRow> }).figures });
      }
    }
    return specs;
  };
  const setupMsOf = (spec: PassSpec) => spec.setup!.setupMs! + (spec.setup!.ptauMs ?? 0);
  /** Measures rows in their passes (only the first `passesNow` when given; the rest later) and records them. */
  const measureSpecs = (specs: PassSpec[], passesNow = Infinity) => {
    const recorded: { spec: PassSpec; row: SystemRow; childMs: number }[] = [];
    const results = measureInPasses(specs.map((s) => ({ ...s, passes: Math.min(s.passes, passesNow) })), o.budgetS, log, saveProgress);
    for (const [i, [, result]] of results.entries()) {
      const spec = specs[i];
      if ('reason' in result) {
        rows.push({ ...spec.base, skipped: result.reason } as SystemRow);
        continue;
      }
      const row = { ...result, ...spec.setup, wallMs: setupMsOf(spec) + result.wallMs! } as SystemRow;
      rows.push(row);
      measured.push({ row, proofFile: spec.proofFile });
      recorded.push({ spec, row, childMs: result.wallMs! });
    }
    saveProgress();
    return recorded;
  };

  // Groth16 first, every circuit: the product's system, and cheap beside the universal ones; every setup
  // first, then the rows in passes over all of them
  if (o.systems.includes('groth16')) {
    const t0 = Date.now();
    measureSpecs(o.circuits.flatMap((c) => specsOf(c, 'groth16', o.provers)));
    spentMs.groth16 = Date.now() - t0;
  }

  // PLONK and FFLONK (snarkjs only), cheapest first so that the budget buys the most rows: by domain, the
  // bill first at each domain, then by readings; a row predicted not to fit is a row saying why
  const universal = o.systems.filter((s): s is 'plonk' | 'fflonk' => s !== 'groth16');
  if (universal.length && o.provers.includes('snarkjs')) {
    const plan: { c: string | number; system: 'plonk' | 'fflonk'; gates: number; domainPower: number }[] = [];
    for (const c of o.circuits) {
      const gates = await plonkConstraintCount(infos.get(idOf(c))!.r1cs);
      for (const system of universal) plan.push({ c, system, gates, domainPower: domainPowerOf(system, gates) });
    }
    const isBill = (c: string | number) => infos.get(idOf(c))!.kind === 'bill';
    plan.sort((a, b) => a.domainPower - b.domainPower || Number(isBill(b.c)) - Number(isBill(a.c)) || infos.get(idOf(a.c))!.readings - infos.get(idOf(b.c))!.readings || universal.indexOf(a.system) - universal.indexOf(b.system));
    const memoryMB = totalmem() / 2 ** 20;
    // each row's first pass as the plan reaches it, its later passes after the plan's last row (minutes apart,
    // like Groth16's): the time they will take, as long as the first, is kept out of what the plan may spend
    const later: { spec: PassSpec; row: SystemRow; childMs: number }[] = [];
    const laterMs = () => later.reduce((sum, l) => sum + l.childMs * (l.spec.passes - 1), 0);
    for (const p of plan) {
      const gasReserve = (new Set(measured.map((m) => `${m.row.circuit}/${m.row.system}`)).size + 1) * GAS_MS_PER_VERIFIER;
      const why = universalRefusal(measured.map((m) => m.row), p.system, p.domainPower, deadline - Date.now() - gasReserve - laterMs(), o.budgetS, memoryMB);
      const extra = { plonkGates: p.gates, domainPower: p.domainPower };
      if (why) {
        const info = infos.get(idOf(p.c))!;
        log(`${idOf(p.c)} ${p.system}: not run, ${why}`);
        rows.push({ system: p.system, prover: 'snarkjs', circuit: idOf(p.c), kind: info.kind, readings: info.readings, constraints: info.constraints, ...extra, skipped: why } as SystemRow);
      } else {
        const t0 = Date.now();
        for (const r of measureSpecs(specsOf(p.c, p.system, ['snarkjs'], extra), 1).filter((x) => x.spec.passes > 1)) {
          r.row.wallMs! += r.childMs * (r.spec.passes - 1); // what the planner predicts from until the later passes are measured
          later.push(r);
        }
        spentMs[p.system] = (spentMs[p.system] ?? 0) + Date.now() - t0;
      }
    }
    if (later.length) log('PLONK and FFLONK: the later passes of the rows measured…');
    const rest = measureInPasses(later.map((l) => ({ ...l.spec, passes: l.spec.passes - 1 })), o.budgetS, log);
    rest.forEach(([, result], i) => {
      const { spec, row, childMs } = later[i];
      const restMs = 'reason' in result ? 0 : result.wallMs!;
      if (!('reason' in result)) Object.assign(row, mergePasses([row, result]));
      row.wallMs = setupMsOf(spec) + childMs + restMs;
      spentMs[spec.system] += restMs;
    });
    saveProgress();
  }
  // one PLONK gate count per circuit, whichever universal system counted it
  for (const r of rows) r.plonkGates ??= rows.find((x) => x.circuit === r.circuit && x.plonkGates)?.plonkGates;
  log('verification gas on Hardhat’s in-process network…');
  const gasStarted = Date.now();
  await measureGas(measured, log);
  spentMs.gas = Date.now() - gasStarted;
  if (o.quick) for (const r of rows) checkRow(r);

  const machine = await machineInfo();
  const command = `npm run bench -- ${argv.join(' ')}`.trim();
  const took = { totalMs: Date.now() - started, budgetMinutes: o.minutes, byPartMs: spentMs, loadAtStart };
  const table: SystemsTable = { command, date: new Date().toISOString(), machine, runs: { groth16: o.runs, passes: o.passes, universal: o.universalRuns }, took, rows };
  writeTable(table, o.outDir, !o.quick);
  rmSync(join(o.outDir, 'bench-systems.partial.json'), { force: true });
  log(`\n${markdownTable(rows)}\n\n* counted, not encoded (only Groth16's compressed form is implemented). Machine: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, snarkjs ${machine.snarkjs}, load average ${machine.loadAverage.map((x) => x.toFixed(1)).join(' ')}`);
  log(`took ${fmtS(took.totalMs)} of a ${o.minutes}-minute budget: ${Object.entries(spentMs).map(([k, v]) => `${k} ${fmtS(v)}`).join(', ')}`);
  log(`written to ${o.outDir}: bench-systems.json, .csv, .md, bench-systems-*.svg${o.quick ? '' : '; README.md summary'}`);
  return rows;
}

// ------------------------------------------------------------------------------------------------ recheck

export interface RecheckFigure {
  row: string;
  figure: Figure;
  reference: Spread;
  /** rerunBand of the reference with the table's widening as it stood */
  band: { low: number; high: number };
  rerun: number;
  /** within the band, and within the bare min–max */
  within: boolean;
  withinSpread: boolean;
  /** the machine's probes before the rerun's passes against before the row's passes in the table, all its runs (medians' ratios; 1.10: 10 % slower), when both were probed */
  machine?: { cpu: number; pageTouch: number };
}

/**
 * Whether a rerun's medians land within the rerun bands a table reports (its min–max widened: bandWidening): one
 * entry per row and figure — the times and the peak RSS of a pass; the setup when the rerun built the key anew
 * (setupSamplesMs), once per key (a circuit's snarkjs and native rows share theirs).
 */
export function compareToReference(reference: SystemRow[], rerun: SystemRow[], widening: Widening | undefined): RecheckFigure[] {
  const out: RecheckFigure[] = [];
  const keysCompared = new Set<string>();
  for (const r of rerun.filter((x) => !x.skipped)) {
    const ref = reference.find((x) => !x.skipped && x.system === r.system && x.prover === r.prover && x.circuit === r.circuit);
    if (!ref) continue;
    const probe = (x: SystemRow, p: keyof MachineProbe) => spread(x.probes!.map((q) => q[p])).median;
    const machine = ref.probes?.length && r.probes?.length ? { cpu: probe(r, 'cpuMs') / probe(ref, 'cpuMs'), pageTouch: probe(r, 'pageTouchMs') / probe(ref, 'pageTouchMs') } : undefined;
    const key = `${r.circuit}/${r.system}`;
    const setupCompared = r.setupSamplesMs !== undefined && !keysCompared.has(key);
    keysCompared.add(key);
    for (const figure of FIGURES.filter((f) => f !== 'setup' || setupCompared)) {
      const [median, reference] = [spreadOf(r, figure).median, spreadOf(ref, figure)];
      const band = rerunBand(reference, widening?.[figure] ?? 0);
      out.push({ row: `${r.system}/${r.prover}/${r.circuit}`, figure, reference, band, rerun: median, within: median >= band.low && median <= band.high, withinSpread: median >= reference.min && median <= reference.max, machine });
    }
  }
  return out;
}

/** A rerun's move against the table: the median over its figures of its median against the table's, so that one noisy figure does not count as the machine. */
export const shiftOf = (figures: RecheckFigure[]): number => spread(figures.map((f) => f.rerun / f.reference.median)).median;

/** Per figure compared, the furthest a rerun's medians landed outside the bare min–max, either way (0 when all were inside). */
export const outsideOf = (figures: RecheckFigure[]): Widening =>
  Object.fromEntries(FIGURES.filter((fig) => figures.some((f) => f.figure === fig)).map((fig) => [fig, Math.max(0, ...figures.filter((f) => f.figure === fig).map((f) => Math.max(f.rerun / f.reference.max, f.reference.min / f.rerun) - 1))]));

/**
 * A recheck recorded in the table (`--recheck --add`): how far its medians landed outside the min–max widens
 * every row's rerun band when it is the furthest yet (bandWidening), and its samples (times, each pass's peak
 * RSS, the setup of a key it built anew) join the rows it measured, whose min–max then spans runs. The
 * planner's wall time stays the table run's, and setupMs the table run's key build.
 */
export function addRecheck(table: SystemsTable, rerun: SystemRow[], recheck: Recheck): SystemsTable {
  const rows = table.rows.map((ref) => {
    const r = rerun.find((x) => x.system === ref.system && x.prover === ref.prover && x.circuit === ref.circuit);
    if (!r || ref.skipped) return ref;
    const setupSamplesMs = r.setupSamplesMs ? [...samplesOf(ref, 'setup'), ...r.setupSamplesMs] : ref.setupSamplesMs;
    return { ...mergePasses([ref, r]), wallMs: ref.wallMs, recordedRuns: (ref.recordedRuns ?? 1) + 1, ...(setupSamplesMs && { setupSamplesMs }) };
  });
  return { ...table, rows, rechecks: [...(table.rechecks ?? []), recheck] };
}

/**
 * `--recheck`: measures again the rows of docs/bench-systems.json that --circuit/--systems/--provers select
 * (all its measured rows without them), with the proofs and passes of one of its runs, and says which medians
 * land within the rerun bands the table reports and how far the machine moved (docs/bench-systems-recheck.json);
 * with `--add`, then records it in the table (addRecheck) and redraws the pages. Keys are cached; a key it builds
 * (missing on this machine, or all of them with --rebuild-keys, which keeps the shared phase-1 files) is a setup
 * sample compared like the other figures.
 */
export async function recheckSystemsBench(argv: string[], log: (m: string) => void = (m) => console.log(m)): Promise<RecheckFigure[]> {
  const docs = join(REPO_ROOT, 'docs');
  const referenceFile = join(docs, 'bench-systems.json');
  const reference = JSON.parse(readFileSync(referenceFile, 'utf8')) as SystemsTable;
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1]?.split(',') : undefined;
  };
  const [circuits, systems, provers] = [arg('circuit'), arg('systems'), arg('provers')];
  const chosen = reference.rows.filter((r) => !r.skipped && (!circuits || circuits.includes(r.circuit)) && (!systems || systems.includes(r.system)) && (!provers || provers.includes(r.prover)));
  if (chosen.length === 0) throw new Error(`--recheck: no measured row of ${referenceFile} matches`);
  const proofsDir = join(REPO_ROOT, 'build', 'bench-systems-proofs');
  mkdirSync(proofsDir, { recursive: true });
  const childArg = (circuit: string) => /^bench-billing_(\d+)d$/.exec(circuit)?.[1] ?? circuit;
  const builtMs = new Map<string, number>();
  for (const key of new Set(chosen.map((r) => `${r.circuit} ${r.system}`))) {
    const [circuit, system] = key.split(' ') as [string, ProofSystem];
    if (argv.includes('--rebuild-keys')) for (const file of ['zkey', 'vkey', 'transcript'] as const) rmSync(systemKeysOf(circuit, system)[file], { force: true });
    log(`${key}: setup${argv.includes('--rebuild-keys') ? ' anew' : ' (cached when built before)'}…`);
    const setup = child(['--setup-child', childArg(circuit), system], 1800);
    if (!setup.ok) throw new Error(`${key}: ${setup.reason}`);
    const figures = setup.value as SetupFigures & { built: boolean };
    if (figures.built) builtMs.set(key, figures.setupMs);
  }
  // the protocol of one of the table's runs: its proofs per pass and its passes, pass 1 over the chosen rows, then pass 2…
  const specs = chosen.map((ref) => {
    const passes = ref.passes / (ref.recordedRuns ?? 1);
    return { c: childArg(ref.circuit), system: ref.system, prover: ref.prover, proofFile: join(proofsDir, `recheck.${ref.circuit}.${ref.system}.${ref.prover}.json`), runsPerPass: ref.runs / ref.passes, passes, warmUp: ref.warmUp, base: ref };
  });
  const rerun = measureInPasses(specs, 1800, log).map(([s, r]) => {
    if ('reason' in r) throw new Error(`${s.base.circuit} ${s.system} ${s.prover}: ${r.reason}`);
    const setupMs = builtMs.get(`${r.circuit} ${r.system}`);
    return setupMs === undefined ? r : { ...r, setupSamplesMs: [setupMs] };
  });
  const widening = bandWidening(reference);
  const figures = compareToReference(chosen, rerun, widening);
  const machine = await machineInfo();
  const recheck: Recheck = {
    command: `npm run bench -- ${argv.join(' ')}`,
    date: new Date().toISOString(),
    loadAverage: machine.loadAverage,
    rows: rerun.length,
    ...(builtMs.size && { keysBuilt: builtMs.size }),
    within: figures.filter((f) => f.within).length,
    withinSpread: figures.filter((f) => f.withinSpread).length,
    of: figures.length,
    shift: shiftOf(figures),
    outside: outsideOf(figures),
    added: argv.includes('--add'),
  };
  const { command, date, within, withinSpread, of, shift } = recheck;
  writeFileSync(join(docs, 'bench-systems-recheck.json'), JSON.stringify({ command, date, reference: { command: reference.command, date: reference.date, runs: 1 + (reference.rechecks?.filter((r) => r.added).length ?? 0), widening }, machine, within, withinSpread, of, shift, figures }, null, 2) + '\n');
  const ratio = (x: number | undefined) => (x === undefined ? '–' : `×${x.toFixed(2)}`);
  log(['| row | figure | table: median (min–max; rerun band) | rerun median | within the band | machine probes, rerun / table: CPU, page touch |', '|---|---|---:|---:|---|---:|', ...figures.map((f) => `| ${f.row} | ${f.figure} | ${spreadCell(f.reference, fmtFigure(f.figure), widening?.[f.figure])} | ${fmtFigure(f.figure)(f.rerun)} | ${f.within ? 'yes' : 'no'} | ${ratio(f.machine?.cpu)}, ${ratio(f.machine?.pageTouch)} |`)].join('\n'));
  const percents = (w: Widening | undefined) => (w ? FIGURES.filter((f) => w[f] !== undefined).map((f) => `${FIGURE_NAMES[f]} ${fmtPercent(w[f]!)}`).join(', ') : 'none: no recheck recorded yet');
  log(`${within} of ${of} rerun medians within the table's rerun bands (its min–max widened by ${percents(widening)}), ${withinSpread} within the bare min–max; furthest outside it: ${percents(recheck.outside)}; the machine ×${shift.toFixed(3)} (load average ${machine.loadAverage.map((x) => x.toFixed(1)).join(' ')}); docs/bench-systems-recheck.json`);
  if (recheck.added) {
    const table = addRecheck(reference, rerun, recheck);
    writeTable(table, docs, true);
    log(`recorded in docs/bench-systems.json: its samples added to ${rerun.length} rows; the rerun bands now widen the min–max by ${percents(bandWidening(table))}; pages redrawn`);
  }
  return figures;
}

/**
 * `--regas`: the gas column measured again from the proofs the table's run left in build/bench-systems-proofs/
 * (after a change to the gas measurement), without proving again; the table says so.
 */
async function regasSystemsBench(argv: string[], docs: string): Promise<void> {
  const table = JSON.parse(readFileSync(join(docs, 'bench-systems.json'), 'utf8')) as SystemsTable;
  const proofsDir = join(REPO_ROOT, 'build', 'bench-systems-proofs');
  const measured = table.rows.filter((row) => !row.skipped).map((row) => ({ row, proofFile: join(proofsDir, `${row.circuit}.${row.system}.${row.prover}.json`) }));
  const missing = measured.find((m) => !existsSync(m.proofFile));
  if (missing) throw new Error(`--regas: ${missing.proofFile} is missing: the table's proofs are those of a run on this checkout`);
  for (const { row } of measured) delete row.gasNotMeasured;
  await measureGas(measured, (m) => console.log(m));
  table.regas = { command: `npm run bench -- ${argv.join(' ')}`, date: new Date().toISOString() };
  writeTable(table, docs, true);
}

/** The command line: the table, with --recheck a rerun of its rows against it, with --render its pages again, with --regas its gas. */
export const systemsBenchMain = async (argv: string[]) => {
  if (argv.includes('--recheck')) return recheckSystemsBench(argv);
  const docs = join(REPO_ROOT, 'docs');
  if (argv.includes('--regas')) await regasSystemsBench(argv, docs);
  else if (argv.includes('--render')) writePages(JSON.parse(readFileSync(join(docs, 'bench-systems.json'), 'utf8')) as SystemsTable, docs, true);
  else return runSystemsBench(argv);
  console.log('rewritten from docs/bench-systems.json: docs/bench-systems.md, docs/bench-systems-*.svg, the README summary');
};

if (process.argv[1]?.endsWith('bench-systems.ts')) {
  // explicit exits: Hardhat's runtime (and, in a child, circomlibjs's curve) keep the event loop alive
  if (await childMain(process.argv.slice(2))) process.exit();
  try {
    await systemsBenchMain(process.argv.slice(2));
  } finally {
    await releaseCurve();
  }
  process.exit(0);
}

