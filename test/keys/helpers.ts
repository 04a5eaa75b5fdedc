// Shared helpers for the keys/ tests: compiling small circuits and scratch directories.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Compiled test circuits (ignored by git: matches the `build/` pattern). */
const BUILD_DIR = join(REPO_ROOT, 'test', 'keys', 'build');
const FIXTURES_DIR = join(REPO_ROOT, 'test', 'keys', 'fixtures');

export interface CompiledCircuit {
  dir: string;
  r1cs: string;
  wasm: string;
}

/**
 * Compiles test/keys/fixtures/<name>.circom, or `source` when given, with circom2 --O2; cached by
 * a hash of the source. circom2 cannot read above its working directory, hence repo-relative paths.
 */
export async function compileCircuit(name: string, source = readFileSync(join(FIXTURES_DIR, `${name}.circom`), 'utf8')): Promise<CompiledCircuit> {
  const dir = join(BUILD_DIR, name);
  const circuit = { dir, r1cs: join(dir, `${name}.r1cs`), wasm: join(dir, `${name}_js`, `${name}.wasm`) };
  const stamp = join(dir, 'source.sha256');
  const hash = createHash('sha256').update(source).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(circuit.r1cs) && existsSync(circuit.wasm)) return circuit;

  mkdirSync(dir, { recursive: true });
  const main = join(dir, `${name}.circom`);
  writeFileSync(main, source);
  const cli = join(REPO_ROOT, 'node_modules', 'circom2', 'cli.js');
  await run(process.execPath, [cli, relative(REPO_ROOT, main), '--r1cs', '--wasm', '--O2', '-l', 'node_modules', '-o', relative(REPO_ROOT, dir)]);
  writeFileSync(stamp, hash);
  return circuit;
}

/** A fresh directory under the OS temp dir, removed by the returned cleanup function. */
export async function scratchDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `meterproof-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`circom2 failed:\n${out}`))));
  });
}
