/**
 * Compiles circuit instances with circom2 (circom 2.2 as WebAssembly), cached by a content hash of every
 * .circom source, the instance's configuration and the compiler and circomlib versions: an unchanged
 * circuit is never recompiled.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { artifactsOf, CIRCUITS_DIR, REPO_ROOT, type CircuitConfig } from './registry.js';

function circomSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? circomSources(join(dir, e.name)) : e.name.endsWith('.circom') ? [join(dir, e.name)] : []))
    .sort();
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

function mainSource(c: CircuitConfig): string {
  const include = relative(artifactsOf(c.id).dir, join(CIRCUITS_DIR, `${c.file}.circom`));
  const args = [c.params.maxDays, c.params.minDays].join(', ');
  return `pragma circom 2.1.0;\ninclude "${include}";\ncomponent main {public [${c.public.join(', ')}]} = ${c.template}(${args});\n`;
}

export function sourceHash(c: CircuitConfig): string {
  const h = createHash('sha256');
  h.update(mainSource(c));
  h.update(`circom2@${packageVersion('circom2')} circomlib@${packageVersion('circomlib')} --O2`);
  for (const file of circomSources(CIRCUITS_DIR)) h.update(relative(REPO_ROOT, file)).update(readFileSync(file));
  return h.digest('hex');
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} failed:\n${out}`))));
  });
}

/** Compiles one instance unless its artifacts match the current sources. Returns true if it compiled. */
export async function compileCircuit(c: CircuitConfig, log: (msg: string) => void = () => {}): Promise<boolean> {
  const a = artifactsOf(c.id);
  const hash = sourceHash(c);
  const stamp = join(a.dir, 'source.sha256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(a.r1cs) && existsSync(a.wasm)) return false;

  log(`compiling ${c.id} (circom2 --O2)…`);
  rmSync(a.dir, { recursive: true, force: true });
  mkdirSync(a.dir, { recursive: true });
  const main = join(a.dir, 'circuit.circom');
  writeFileSync(main, mainSource(c));
  const circom = join(REPO_ROOT, 'node_modules', 'circom2', 'cli.js');
  const started = Date.now();
  // circom2 cannot read above its working directory, hence repo-relative paths and cwd = repo root.
  await run(process.execPath, [circom, relative(REPO_ROOT, main), '--r1cs', '--wasm', '--sym', '--O2', '-l', 'node_modules', '-o', relative(REPO_ROOT, a.dir)]);
  writeFileSync(stamp, hash);
  log(`compiled ${c.id} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

/** Runs `circom2 --inspect` and returns its warnings (under-constrained signals and the like). */
export async function inspectCircuit(c: CircuitConfig): Promise<string[]> {
  const a = artifactsOf(c.id);
  const dir = join(a.dir, 'inspect');
  mkdirSync(dir, { recursive: true });
  const main = join(a.dir, 'circuit.circom');
  if (!existsSync(main)) writeFileSync(main, mainSource(c));
  const circom = join(REPO_ROOT, 'node_modules', 'circom2', 'cli.js');
  const out = await run(process.execPath, [circom, relative(REPO_ROOT, main), '--inspect', '-l', 'node_modules', '-o', relative(REPO_ROOT, dir)]);
  return out.split('\n').filter((l) => /warning/i.test(l));
}
