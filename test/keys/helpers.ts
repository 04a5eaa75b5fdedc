// Shared helpers for the keys/ tests: compiling small circuits and scratch directories.

import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileSource, type CompiledCircuit } from '../../circuits/compile.js';
import { BUILD_DIR as PROJECT_BUILD_DIR, REPO_ROOT } from '../../core/paths.js';

const BUILD_DIR = join(PROJECT_BUILD_DIR, 'test', 'keys');
const FIXTURES_DIR = join(REPO_ROOT, 'test', 'keys', 'fixtures');

export type { CompiledCircuit };

/** Compiles test/keys/fixtures/<name>.circom, or `source` when given (cached by content hash). */
export async function compileCircuit(name: string, source = readFileSync(join(FIXTURES_DIR, `${name}.circom`), 'utf8')): Promise<CompiledCircuit> {
  return (await compileSource(join(BUILD_DIR, name), source)).circuit;
}

/** A fresh directory under the OS temp dir, removed by the returned cleanup function. */
export async function scratchDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `meterproof-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
