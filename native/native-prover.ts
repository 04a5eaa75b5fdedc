/**
 * The native Groth16 prover from TypeScript, without snarkjs (so that a process proving natively stays
 * small): the addon (build/native/, built by native/build.mjs), the circuit's C++ witness generator
 * (native/build-witness.ts). The addon checks every proof (one pairing product, native/src/pairing.cpp)
 * before returning it: a proof that would fail later is an error, naming the file; groth16Check() is an
 * independent check with ffjavascript's single-threaded curve (tests). prover/native-backend.ts wraps this
 * as a ProverBackend.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { BUILD_DIR, REPO_ROOT } from '../core/paths.js';
import type { Groth16Proof, ProvingArtifact } from '../core/groth16.js';
import { generateWitnessFile, stopWitnessServers, type WitnessGenerator } from './witness-server.js';

export { witnessServerPeakRssMB } from './witness-server.js';

export const NATIVE_BUILD_DIR = join(BUILD_DIR, 'native');
const FR = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export interface NativeProveResult {
  proof: Groth16Proof;
  publicSignals: string[];
  timings: { qapMs: number; fftMs: number; msmMs: number; checkMs: number };
}

interface NativeAddon {
  prove(zkey: string, witness: string | Uint8Array, options?: { threads?: number; witnessName?: string; vkey?: boolean }): Promise<{ proof: string; publicSignals: string; vkey?: string; timings: { qapMs: number; fftMs: number; msmMs: number; checkMs: number } }>;
  info(): { field: string; threads: number };
  releaseKeys(): void;
}

let addon: NativeAddon | null | undefined;
let unavailable: string | undefined;

/** The addon, or null (see nativeUnavailableReason()) when it is not built or does not load here. */
export function loadNativeAddon(): NativeAddon | null {
  if (addon !== undefined) return addon;
  const file = join(NATIVE_BUILD_DIR, 'addon', 'build', 'Release', 'meterproof_native.node');
  if (!existsSync(file) || !existsSync(join(NATIVE_BUILD_DIR, 'build.json'))) {
    unavailable = 'the native prover is not built (node native/build.mjs --strict shows why)';
    return (addon = null);
  }
  try {
    addon = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (e) {
    unavailable = `the native prover does not load: ${(e as Error).message.split('\n')[0]}`;
    addon = null;
  }
  return addon;
}

export function nativeAvailable(): boolean {
  return loadNativeAddon() !== null;
}

export function nativeUnavailableReason(): string | undefined {
  loadNativeAddon();
  return unavailable;
}

export function nativeInfo(): { field: string; threads: number } | undefined {
  return loadNativeAddon()?.info();
}

// ---------------------------------------------------------------------------------------------- check

let checkCurve: Promise<any> | undefined;

/** Groth16's verification equation e(−A,B)·e(vk_x,γ)·e(C,δ)·e(α,β) = 1 on a single-threaded curve. */
export async function groth16Check(vkey: any, publicSignals: string[], proof: Groth16Proof): Promise<boolean> {
  const { buildBn128, Scalar, utils } = await import('ffjavascript'); // only here: the addon checks by itself
  const curve = await (checkCurve ??= buildBn128(true));
  const { G1, G2 } = curve;
  const u = utils.unstringifyBigInts;
  if (publicSignals.length !== vkey.nPublic) return false;
  const pub = publicSignals.map((s) => BigInt(s));
  if (pub.some((x) => x < 0n || x >= FR)) return false;
  const a = G1.fromObject(u(proof.pi_a));
  const b = G2.fromObject(u(proof.pi_b));
  const c = G1.fromObject(u(proof.pi_c));
  if (!G1.isValid(a) || !G2.isValid(b) || !G1.isValid(c)) return false;
  const n8 = curve.G1.F.n8;
  const IC = new Uint8Array(n8 * 2 * pub.length);
  const w = new Uint8Array(curve.Fr.n8 * pub.length);
  for (let i = 0; i < pub.length; i++) {
    IC.set(G1.toAffine(G1.fromObject(u(vkey.IC[i + 1]))).slice(0, n8 * 2), i * n8 * 2);
    Scalar.toRprLE(w, curve.Fr.n8 * i, pub[i], curve.Fr.n8);
  }
  let vkx = pub.length ? await G1.multiExpAffine(IC, w) : G1.zero;
  vkx = G1.add(vkx, G1.fromObject(u(vkey.IC[0])));
  return curve.pairingEq(G1.neg(a), b, vkx, G2.fromObject(u(vkey.vk_gamma_2)), c, G2.fromObject(u(vkey.vk_delta_2)), G1.fromObject(u(vkey.vk_alpha_1)), G2.fromObject(u(vkey.vk_beta_2)));
}

// ---------------------------------------------------------------------------------------------- proving

/**
 * Proves with the addon from a .zkey file and a witness (.wtns path or bytes). The addon checks every proof
 * (the pairing product, in C++) before returning it; `independentCheck` checks it again here with
 * ffjavascript (tests). Errors name the file: a zkey of another circuit, a truncated witness, a witness that
 * does not satisfy the constraints.
 */
export async function proveNative(zkey: string, witness: string | Uint8Array, options: { threads?: number; witnessName?: string; independentCheck?: boolean } = {}): Promise<NativeProveResult> {
  const a = loadNativeAddon();
  if (!a) throw new Error(nativeUnavailableReason());
  const r = await a.prove(zkey, witness, { threads: options.threads, witnessName: options.witnessName, vkey: options.independentCheck });
  const proof = JSON.parse(r.proof) as Groth16Proof;
  const publicSignals = JSON.parse(r.publicSignals) as string[];
  if (options.independentCheck && !(await groth16Check(JSON.parse(r.vkey!), publicSignals, proof))) {
    const w = typeof witness === 'string' ? witness : (options.witnessName ?? 'the witness');
    throw new Error(`${w}: the proof made with ${zkey} passed the addon's check but not ffjavascript's: a bug of the native prover`);
  }
  return { proof, publicSignals, timings: r.timings };
}

// ---------------------------------------------------------------------------------------------- witness

/** Where build-witness puts a circuit's native witness generator. */
export function nativeWitnessDir(circuitId: string): string {
  return join(NATIVE_BUILD_DIR, circuitId);
}

/**
 * The hash of the witness generators' driver (native/src/witness_main.cpp, its request protocol), which their
 * stamp records: a generator built with another driver is rebuilt, never spoken to in the wrong protocol.
 */
export function witnessDriverHash(): string {
  driverHash ??= createHash('sha256').update(readFileSync(join(REPO_ROOT, 'native', 'src', 'witness_main.cpp'))).digest('hex');
  return driverHash;
}
let driverHash: string | undefined;

/**
 * The native witness generator of the circuit whose WebAssembly is `wasm` (build/<id>/circuit_js/circuit.wasm),
 * if built from the same compiled sources and driver; otherwise undefined (the WebAssembly is used).
 */
export function nativeWitnessGenerator(wasm: string): WitnessGenerator | undefined {
  const circuitDir = dirname(dirname(wasm));
  const dir = nativeWitnessDir(basename(circuitDir));
  const exe = join(dir, 'witness');
  const dat = join(dir, 'circuit.dat');
  try {
    const stamp = JSON.parse(readFileSync(join(dir, 'stamp.json'), 'utf8')) as { circuitDir: string; source: string; driver?: string };
    const source = readFileSync(join(circuitDir, 'source.sha256'), 'utf8');
    if (stamp.circuitDir !== circuitDir || stamp.source !== source || stamp.driver !== witnessDriverHash() || !existsSync(exe) || !existsSync(dat)) return undefined;
  } catch {
    return undefined;
  }
  return { exe, dat };
}

/** circom's input naming (a.b, a[0].b for arrays of objects), values flattened row-major, reduced mod r. */
export function formatWitnessInput(input: Record<string, unknown>): string {
  const lines: string[] = [];
  const scalar = (v: unknown, name: string): string => {
    let x: bigint;
    if (typeof v === 'bigint') x = v;
    else if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new Error(`input ${name}: ${v} is not an integer`);
      x = BigInt(v);
    } else if (typeof v === 'string') x = BigInt(v);
    else if (typeof v === 'boolean') x = v ? 1n : 0n;
    else throw new Error(`input ${name}: unsupported value ${String(v)}`);
    return (((x % FR) + FR) % FR).toString();
  };
  const flat = (v: unknown, name: string, out: string[]) => {
    if (Array.isArray(v)) for (const e of v) flat(e, name, out);
    else out.push(scalar(v, name));
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const firstLeaf = (v: unknown): unknown => (Array.isArray(v) && v.length ? firstLeaf(v[0]) : v);
  const walk = (prefix: string, v: unknown) => {
    if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
    } else if (Array.isArray(v) && isObj(firstLeaf(v))) {
      v.forEach((x, i) => walk(`${prefix}[${i}]`, x));
    } else {
      const values: string[] = [];
      flat(v, prefix, values);
      if (/\s/.test(prefix)) throw new Error(`input name "${prefix}" contains white space`);
      lines.push(`${prefix} ${values.length} ${values.join(' ')}`);
    }
  };
  walk('', input);
  return lines.join('\n') + '\n';
}

/** The .wtns bytes of `input` from the circuit's native witness generator (its child process: ./witness-server.ts). */
export async function computeWitnessNative(input: Record<string, unknown>, gen: WitnessGenerator): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'meterproof-witness-'));
  try {
    const file = join(dir, 'witness.wtns');
    await writeWitnessNative(input, gen, file);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same, written to `file` by the generator itself: the bytes never pass through JavaScript (a megabyte a
 * month's witness, which V8 frees only at its next collection), and the addon maps the file.
 */
export function writeWitnessNative(input: Record<string, unknown>, gen: WitnessGenerator, file: string): Promise<void> {
  return generateWitnessFile(gen, formatWitnessInput(input), file);
}

/** The witness in the circuit's WebAssembly (snarkjs), as .wtns bytes. */
export async function computeWitnessWasm(input: Record<string, unknown>, wasm: ProvingArtifact): Promise<Uint8Array> {
  const witness: { type: 'mem'; data?: Uint8Array } = { type: 'mem' };
  const snarkjs = await import('snarkjs'); // only here: the native path does not load snarkjs
  await snarkjs.wtns.calculate(input, wasm, witness);
  return witness.data!;
}

/**
 * Frees the check's curve, the mapped proving keys, the buffers kept between proofs and the witness generators'
 * processes (snarkjs's own curve: releaseCurve()).
 */
export async function releaseNative(): Promise<void> {
  if (checkCurve) {
    const c = await checkCurve;
    checkCurve = undefined;
    await c.terminate?.();
  }
  addon?.releaseKeys();
  await stopWitnessServers();
}
