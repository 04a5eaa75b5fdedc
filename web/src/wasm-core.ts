/**
 * The native prover's core compiled to WebAssembly (native/build-wasm.mjs), as the page's worker proves with
 * it: the threaded build when the page is cross-origin isolated (SharedArrayBuffer; the API sends the headers),
 * the single-threaded one otherwise. snarkjs stays the fallback: when the page was built without the core,
 * when its .wasm does not match the hash the page was built with, when it does not start, or when a proof
 * fails — always with the reason on the receipt. The witness is still computed by the circuit's own
 * WebAssembly (snarkjs's witness calculator); the core checks every proof it makes (one pairing check against
 * the zkey's verification key) before returning it. docs/web-app.md, "The WebAssembly prover".
 */
import * as snarkjs from 'snarkjs';
import { prepareCurve, snarkjsBackend, type Groth16Proof, type ProverBackend, type ProvingArtifact } from '../../prover/backend.js';
import type { Verdict } from './capacity.js';
import type { ProverChoice, ProverInUse } from './protocol.js';

/** One build of the core as web/vite.config.ts ships it (content-addressed under /assets/). */
interface CoreBuild {
  module: string;
  wasm: string;
  sha256: string;
}
/** Set by web/vite.config.ts at build time: null when the page was built without emscripten. */
declare const __MP_CORE__: { single: CoreBuild; threaded: CoreBuild } | null;
const CORE = __MP_CORE__;

interface CoreModule {
  HEAPU8: Uint8Array;
  wasmMemory?: WebAssembly.Memory;
  UTF8ToString(p: number): string;
  _mp_alloc(n: number): number;
  _mp_free(p: number): void;
  _mp_prove(zkey: number, zkeyLen: number, wtns: number, wtnsLen: number, threads: number): number;
}

interface Core {
  module: CoreModule;
  threads: number;
}

/** Starting the core (workers included) must not hold the proof up for ever: snarkjs takes over after this. */
const START_TIMEOUT_MS = 30_000;

let choice: ProverChoice = 'auto';
let core: Promise<Core | undefined> | undefined;
/** why the core is not used, shown on the receipt beside "snarkjs" */
let notUsed: string | undefined;

export function chooseProver(c: ProverChoice): void {
  choice = c;
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function startCore(): Promise<Core> {
  if (!CORE) throw new Error('this page was built without it (no emscripten on the server that built it)');
  const threaded = self.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
  const build = threaded ? CORE.threaded : CORE.single;
  const res = await fetch(build.wasm).catch(() => undefined);
  if (!res?.ok) throw new Error(`its ${build.wasm.slice(build.wasm.lastIndexOf('/') + 1)} could not be downloaded${res ? ` (HTTP ${res.status})` : ''}`);
  const wasmBinary = await res.arrayBuffer();
  const actual = await sha256Hex(wasmBinary);
  if (actual !== build.sha256) throw new Error(`its WebAssembly failed its integrity check (SHA-256 ${actual.slice(0, 16)}…, the page was built with ${build.sha256.slice(0, 16)}…)`);
  const { default: create } = (await import(/* @vite-ignore */ build.module)) as { default: (o: object) => Promise<CoreModule> };
  // two threads at least (emscripten's pool is started with the module; a section never waits for a worker),
  // four at most: beyond that the multi-exponentiations gain little and every thread holds memory
  const threads = threaded ? Math.min(4, Math.max(2, navigator.hardwareConcurrency || 2)) : 1;
  const dir = build.module.slice(0, build.module.lastIndexOf('/') + 1);
  const module = create({ wasmBinary, mpThreads: threads, locateFile: (f: string) => dir + f, mainScriptUrlOrBlob: build.module });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`it did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS)));
  try {
    return { module: await Promise.race([module, timeout]), threads };
  } finally {
    clearTimeout(timer);
  }
}

/** The core, started once (in the background while the household reads); undefined when snarkjs is to prove. */
function loadCore(): Promise<Core | undefined> {
  if (choice === 'snarkjs') return Promise.resolve(undefined);
  core ??= startCore().catch((e: Error) => {
    notUsed = `the WebAssembly prover could not be used: ${e.message}`;
    return undefined;
  });
  return core;
}

/** Which prover the next proof will use (the core is started, if it was not, to know): the page sizes the device by it (capacity.ts). */
export async function proverInUse(): Promise<ProverInUse> {
  return (await loadCore()) ? 'core' : 'snarkjs';
}

/** Gets the chosen prover ready before "Prove and send": the core, or snarkjs's curve when it falls back. */
export async function prepareProver(): Promise<void> {
  if (!(await loadCore())) await prepareCurve();
}

/** The core's bytes view: a shared memory's may have grown from another thread. */
const heap = (m: CoreModule) => (m.wasmMemory ? new Uint8Array(m.wasmMemory.buffer) : m.HEAPU8);

function coreProve(m: CoreModule, zkey: Uint8Array, wtns: Uint8Array, threads: number): { proof: Groth16Proof; publicSignals: string[] } {
  const zp = m._mp_alloc(zkey.length);
  const wp = m._mp_alloc(wtns.length);
  try {
    if (!zp || !wp) throw new Error('not enough memory for the proving key');
    heap(m).set(zkey, zp);
    heap(m).set(wtns, wp);
    const rp = m._mp_prove(zp, zkey.length, wp, wtns.length, threads);
    const out = JSON.parse(m.UTF8ToString(rp));
    m._mp_free(rp);
    if (out.error) throw new Error(out.error);
    return { proof: out.proof, publicSignals: out.publicSignals };
  } finally {
    m._mp_free(zp);
    m._mp_free(wp);
  }
}

const bytesOf = (a: ProvingArtifact): Uint8Array => {
  if (typeof a === 'string') throw new Error('the page proves from the artifacts\' bytes');
  return a;
};

function coreBackend(c: Core): ProverBackend {
  return {
    name: c.threads > 1 ? 'wasm-core-groth16' : 'wasm-core-groth16-1t',
    async prove(input, wasm, zkey, onStage) {
      onStage?.('witness');
      const t0 = performance.now();
      const witness: { type: 'mem'; data?: Uint8Array } = { type: 'mem' };
      await snarkjs.wtns.calculate(input, wasm, witness);
      const t1 = performance.now();
      onStage?.('prove');
      const { proof, publicSignals } = coreProve(c.module, bytesOf(zkey), witness.data!, c.threads);
      return { proof, publicSignals, timings: { witnessMs: t1 - t0, proveMs: performance.now() - t1 } };
    },
  };
}

/**
 * The backend for this proof and its description for the receipt. A core that fails a proof is not used
 * again in this page: snarkjs proves, and the receipt says why — unless `snarkjsVerdict` says this device
 * cannot prove with snarkjs (it needs more memory than the core), then the proof fails with that reason.
 */
export async function proverFor(snarkjsVerdict: () => Verdict): Promise<{ backend: ProverBackend; description: () => string }> {
  const c = await loadCore();
  const snarkjs = { backend: snarkjsBackend, description: () => (choice === 'snarkjs' ? 'snarkjs (chosen in the page address)' : `snarkjs (${notUsed ?? 'the WebAssembly prover was not used'})`) };
  if (!c) return snarkjs;
  const backend = coreBackend(c);
  let failed = false;
  return {
    backend: {
      get name() {
        return failed ? snarkjsBackend.name : backend.name;
      },
      async prove(input, wasm, zkey, onStage) {
        try {
          return await backend.prove(input, wasm, zkey, onStage);
        } catch (e) {
          notUsed = `the WebAssembly prover failed: ${(e as Error).message}`;
          core = Promise.resolve(undefined);
          const verdict = snarkjsVerdict();
          if (!verdict.ok) throw new Error(`${notUsed}, and snarkjs was not started instead: ${verdict.reason}`);
          failed = true;
          return snarkjsBackend.prove(input, wasm, zkey, onStage);
        }
      },
    },
    description: () => (failed ? `snarkjs (${notUsed})` : `WebAssembly prover, ${c.threads > 1 ? `${c.threads} threads` : 'one thread (this page is not cross-origin isolated)'}`),
  };
}
