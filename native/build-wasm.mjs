#!/usr/bin/env node
/**
 * The prover core compiled to WebAssembly with emscripten (Debian's emscripten 3.1.6), portable field code,
 * in two builds that the household page's worker chooses between (docs/web-app.md, "The WebAssembly prover"):
 *
 *   build/native/wasm/prover.mjs + .wasm                           single-threaded (any page)
 *   build/native/wasm/prover-mt.mjs + .wasm + prover-mt.worker.js  pthreads on a SharedArrayBuffer (only a
 *                                                                  cross-origin isolated page has one)
 *
 * Optional: without emcc it says so in one line and builds nothing (the page then proves with snarkjs).
 * Cached like the addon: build/native/wasm/build.json records a hash of the sources and flags, and an
 * unchanged build is a no-op; without emcc a build of the current sources is kept, an older one removed.
 *
 *   node native/build-wasm.mjs [--strict]   # --strict: exit 1 when it cannot build
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WASM_CORE_DIR = join(REPO, 'build', 'native', 'wasm');
const SRC = join(REPO, 'native', 'src');
const STAMP = join(WASM_CORE_DIR, 'build.json');
const SOURCES = ['wasm_api.cpp', 'groth16.cpp', 'parallel.cpp', 'pairing.cpp'];

const COMMON = [
  '-O3', '-std=c++17', '-fexceptions',
  '-sMODULARIZE=1', '-sEXPORT_ES6=1', '-sEXPORT_NAME=createProver', '-sALLOW_MEMORY_GROWTH=1',
  '-sENVIRONMENT=web,worker', '-sEXPORTED_FUNCTIONS=["_mp_prove","_mp_alloc","_mp_free"]', '-sEXPORTED_RUNTIME_METHODS=["UTF8ToString","HEAPU8"]',
];
/** The two builds: output base name → its own flags. */
export const WASM_BUILDS = {
  // no threads: runs the parallel sections inline
  prover: ['-DMP_NO_THREADS', '-sINITIAL_MEMORY=33554432'],
  // std::thread on emscripten's pthreads; the page passes the pool size (its thread count) as Module.mpThreads,
  // and the workers are started with the module, so a parallel section never waits for one to start.
  // A shared memory cannot be resized cheaply: start at 64 MB (a month's zkey is 26 MB), grow up to 2 GB.
  'prover-mt': ['-pthread', '-sPTHREAD_POOL_SIZE=Module.mpThreads', '-sINITIAL_MEMORY=67108864', '-sMAXIMUM_MEMORY=2147483648', '-Wno-pthreads-mem-growth'],
};
/** What each build writes (the page ships these files). */
export const WASM_FILES = { prover: ['prover.mjs', 'prover.wasm'], 'prover-mt': ['prover-mt.mjs', 'prover-mt.wasm', 'prover-mt.worker.js'] };

const emcc = process.env.EMCC ?? 'emcc';
// Debian's emscripten runs its JS tools with the system Node; their modules (acorn) live in /usr/share/nodejs
const env = { ...process.env, NODE_PATH: [process.env.NODE_PATH, '/usr/share/nodejs'].filter(Boolean).join(':') };

function emccVersion() {
  const r = spawnSync(emcc, ['--version'], { encoding: 'utf8', env });
  return r.error || r.status !== 0 ? null : r.stdout.split('\n')[0].trim();
}

function sourcesHash() {
  const h = createHash('sha256').update(JSON.stringify([COMMON, WASM_BUILDS]));
  // every source file (headers and the .inc included): a few the WebAssembly build does not use cost a rebuild at most
  for (const f of readdirSync(SRC).sort()) h.update(f).update(readFileSync(join(SRC, f)));
  return h.digest('hex');
}

const built = () => Object.values(WASM_FILES).flat().every((f) => existsSync(join(WASM_CORE_DIR, f)));
const stamp = () => (existsSync(STAMP) ? JSON.parse(readFileSync(STAMP, 'utf8')) : {});

function compile(name) {
  const args = [...COMMON, ...WASM_BUILDS[name], ...SOURCES.map((s) => join(SRC, s)), '-o', join(WASM_CORE_DIR, `${name}.mjs`)];
  return new Promise((resolve) => {
    const p = spawn(emcc, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', (e) => resolve(`${name}: ${e.message}`));
    p.on('close', (code) => resolve(code === 0 ? null : `${name}: ${out.trim().split('\n').slice(-3).join(' / ')}`));
  });
}

/**
 * Builds both variants when emcc is present and the sources changed. Never throws: `{ built: false, reason }`
 * when it cannot (the caller says so in one line).
 */
export async function buildWasmCore() {
  const version = emccVersion();
  const sources = sourcesHash();
  const upToDate = (v) => built() && stamp().sources === sources && (v === undefined || stamp().emcc === v);
  if (!version) {
    // a build of the current sources by an emcc since removed is still the right one; an older one is not shipped
    if (upToDate()) return { built: true, cached: true, seconds: 0 };
    rmSync(WASM_CORE_DIR, { recursive: true, force: true });
    return { built: false, reason: `no emscripten (${emcc}): apt-get install emscripten` };
  }
  if (upToDate(version)) return { built: true, cached: true, seconds: 0 };
  mkdirSync(WASM_CORE_DIR, { recursive: true });
  rmSync(STAMP, { force: true });
  const started = Date.now();
  // the two builds in parallel: each is mostly one long clang run
  const errors = (await Promise.all(Object.keys(WASM_BUILDS).map(compile))).filter(Boolean);
  if (errors.length) return { built: false, reason: errors.join('; ') };
  const seconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(STAMP, JSON.stringify({ sources, emcc: version, seconds }, null, 2) + '\n');
  return { built: true, cached: false, seconds };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await buildWasmCore();
  if (!r.built) {
    console.error(`meterproof: WebAssembly prover not built (${r.reason})`);
    process.exit(process.argv.includes('--strict') ? 1 : 0);
  }
  console.log(r.cached ? 'meterproof: WebAssembly prover up to date (build/native/wasm/)' : `meterproof: WebAssembly prover built in ${r.seconds} s → build/native/wasm/`);
}
