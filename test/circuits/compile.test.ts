/**
 * The compile cache (circuits/compile.ts): an unchanged source is not recompiled, a changed one is, and
 * processes compiling the same circuit at once (a test run beside `meterproof setup`, the API building
 * keys on request) all end with whole artifacts and leave no scratch folder behind.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { compileSource } from '../../circuits/compile.js';
import { BUILD_DIR } from '../../core/paths.js';

const DIR = join(BUILD_DIR, 'test', 'compile-cache');
const source = (offset: number) => `pragma circom 2.1.0;\ntemplate Square() { signal input a; signal output b; b <== a * a + ${offset}; }\ncomponent main = Square();\n`;

async function output(wasm: string, a: number): Promise<bigint> {
  const w = { type: 'mem' };
  await snarkjs.wtns.calculate({ a }, wasm, w);
  return ((await snarkjs.wtns.exportJson(w)) as bigint[])[1];
}

test('concurrent compiles of one circuit, then the cache', async () => {
  rmSync(DIR, { recursive: true, force: true });
  const runs = await Promise.all([1, 2, 3].map(() => compileSource(DIR, source(1))));
  assert.deepEqual(runs.map((r) => r.compiled), [true, true, true]);
  assert.equal(await output(runs[0].circuit.wasm, 3), 10n);
  assert.deepEqual(readdirSync(dirname(DIR)).filter((e) => e.startsWith(`.${basename(DIR)}-`)), [], 'no scratch folder is left');

  assert.equal((await compileSource(DIR, source(1))).compiled, false, 'unchanged: cached');
  const changed = await compileSource(DIR, source(5));
  assert.equal(changed.compiled, true, 'changed: recompiled');
  assert.equal(await output(changed.circuit.wasm, 3), 14n);
  assert.ok(existsSync(join(DIR, 'circuit.sym')));
});
