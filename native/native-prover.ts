/**
 * The native Groth16 prover from TypeScript, without snarkjs (so that a process proving natively stays
 * small): the addon (build/native/, built by native/build.mjs), the circuit's C++ witness generator
 * (native/build-witness.ts). The addon checks every proof (one pairing product, native/src/pairing.cpp)
 * before returning it: a proof that would fail later is an error, naming the file; groth16Check() is an
 * independent check with ffjavascript's single-threaded curve (tests). prover/native-backend.ts wraps this
 * as a ProverBackend.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { BUILD_DIR } from '../core/paths.js';
import type { Groth16Proof, ProvingArtifact } from '../core/groth16.js';

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
 * The native witness generator of the circuit whose WebAssembly is `wasm` (build/<id>/circuit_js/circuit.wasm),
 * if built from the same compiled sources; otherwise undefined (the WebAssembly is used).
 */
export function nativeWitnessGenerator(wasm: string): { exe: string; dat: string } | undefined {
  const circuitDir = dirname(dirname(wasm));
  const dir = nativeWitnessDir(basename(circuitDir));
  const exe = join(dir, 'witness');
  const dat = join(dir, 'circuit.dat');
  try {
    const stamp = JSON.parse(readFileSync(join(dir, 'stamp.json'), 'utf8')) as { circuitDir: string; source: string };
    const source = readFileSync(join(circuitDir, 'source.sha256'), 'utf8');
    if (stamp.circuitDir !== circuitDir || stamp.source !== source || !existsSync(exe) || !existsSync(dat)) return undefined;
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

/** Runs the native witness generator in a child process (circom's asserts abort it, never us): the .wtns bytes. */
export async function computeWitnessNative(input: Record<string, unknown>, gen: { exe: string; dat: string }): Promise<Uint8Array> {
  return (await runWitnessGenerator(input, gen, 'pipe'))!;
}

/**
 * The same, the .wtns written to `file` by the generator itself: the bytes never pass through JavaScript (a
 * megabyte a month's witness, which V8 frees only at its next collection), and the addon maps the file.
 */
export async function writeWitnessNative(input: Record<string, unknown>, gen: { exe: string; dat: string }, file: string): Promise<void> {
  const fd = openSync(file, 'w');
  try {
    await runWitnessGenerator(input, gen, fd);
  } finally {
    closeSync(fd);
  }
}

// circom's generator allocates its memory in many small pieces, and every fresh page is a fault: ≈11 µs each
// on the virtual machines measured here, 2,100 of them — 24 ms of billing_31d's 50 ms. glibc's tunables give
// its heap huge pages (grown 32 MB at a time, so that they can be used) and keep large blocks on the heap:
// about 450 faults (native/README.md, "Page faults"). Other C libraries ignore them.
const WITNESS_MALLOC = 'glibc.malloc.hugetlb=1:glibc.malloc.top_pad=33554432:glibc.malloc.mmap_threshold=33554432';

function runWitnessGenerator(input: Record<string, unknown>, gen: { exe: string; dat: string }, stdout: 'pipe' | number): Promise<Buffer | undefined> {
  const text = formatWitnessInput(input);
  const tunables = process.env.GLIBC_TUNABLES ? `${process.env.GLIBC_TUNABLES}:${WITNESS_MALLOC}` : WITNESS_MALLOC;
  return new Promise((resolve, reject) => {
    const child = spawn(gen.exe, [gen.dat], { stdio: ['pipe', stdout, 'pipe'], env: { ...process.env, GLIBC_TUNABLES: tunables } });
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.on('error', (e) => reject(new Error(`${gen.exe}: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(stdout === 'pipe' ? Buffer.concat(out) : undefined); // a Buffer is a Uint8Array
      const detail = err.trim().split('\n').filter(Boolean).slice(-3).join(' / ');
      if (signal) reject(new Error(`witness generation failed (${gen.exe}): the inputs do not satisfy the circuit's constraints${detail ? ` — ${detail}` : ''}`));
      else reject(new Error(`witness generation failed (${gen.exe}): ${detail || `exit code ${code}`}`));
    });
    child.stdin!.on('error', () => {}); // the child may exit before reading everything; 'close' reports why
    child.stdin!.end(text);
  });
}

/** The witness in the circuit's WebAssembly (snarkjs), as .wtns bytes. */
export async function computeWitnessWasm(input: Record<string, unknown>, wasm: ProvingArtifact): Promise<Uint8Array> {
  const witness: { type: 'mem'; data?: Uint8Array } = { type: 'mem' };
  const snarkjs = await import('snarkjs'); // only here: the native path does not load snarkjs
  await snarkjs.wtns.calculate(input, wasm, witness);
  return witness.data!;
}

/** Frees the check's curve, the mapped proving keys and the buffers kept between proofs (snarkjs's own curve: releaseCurve()). */
export async function releaseNative(): Promise<void> {
  if (checkCurve) {
    const c = await checkCurve;
    checkCurve = undefined;
    await c.terminate?.();
  }
  addon?.releaseKeys();
}
