#!/usr/bin/env node
/**
 * The prover core compiled to WebAssembly with emscripten (Debian's emscripten 3.1.6), single-threaded,
 * portable field code: build/native/wasm/prover.mjs (+ prover.wasm). Optional (not part of npm install);
 * fails with one line when emcc is missing.
 *
 *   node native/build-wasm.mjs
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(REPO, 'build', 'native', 'wasm');
const src = join(REPO, 'native', 'src');
mkdirSync(OUT, { recursive: true });
const emcc = process.env.EMCC ?? 'emcc';
const args = [
  '-O3', '-std=c++17', '-DMP_NO_THREADS', '-fexceptions',
  join(src, 'wasm_api.cpp'), join(src, 'groth16.cpp'), join(src, 'parallel.cpp'), join(src, 'pairing.cpp'),
  '-sMODULARIZE=1', '-sEXPORT_ES6=1', '-sEXPORT_NAME=createProver', '-sALLOW_MEMORY_GROWTH=1', '-sINITIAL_MEMORY=33554432',
  '-sENVIRONMENT=web,worker', '-sEXPORTED_FUNCTIONS=["_mp_prove","_mp_alloc","_mp_free"]', '-sEXPORTED_RUNTIME_METHODS=["UTF8ToString","HEAPU8"]',
  '-o', join(OUT, 'prover.mjs'),
];
const started = Date.now();
// Debian's emscripten runs its JS tools with the system Node; their modules (acorn) live in /usr/share/nodejs
const env = { ...process.env, NODE_PATH: [process.env.NODE_PATH, '/usr/share/nodejs'].filter(Boolean).join(':') };
const r = spawnSync(emcc, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
if (r.error || r.status !== 0) {
  console.error(`meterproof: WebAssembly prover not built (${r.error ? r.error.message : (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / ')})`);
  process.exit(1);
}
console.log(`meterproof: WebAssembly prover built in ${((Date.now() - started) / 1000).toFixed(0)} s → build/native/wasm/prover.mjs`);
