/**
 * Compiles circuits with circom2 (circom 2.2 as WebAssembly), cached by a content hash of the main source,
 * every .circom file it actually includes (followed recursively), the compiler arguments and the compiler
 * and circomlib versions: an unchanged circuit is never recompiled, and editing one kind's circuit
 * recompiles only that kind's instances. The one implementation behind `meterproof setup` and every test
 * that compiles a circuit of its own.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { artifactsOf, BUILD_DIR, REPO_ROOT } from '../core/paths.js';
import { readR1csHeader } from '../keys/r1cs.js';
import type { CircuitConfig } from './config.js';

export interface CompiledCircuit {
  dir: string;
  r1cs: string;
  wasm: string;
}

const INCLUDE = /^\s*include\s+"([^"]+)"\s*;/gm;

/**
 * The .circom files `main` includes, directly or not, as circom resolves them: relative to the including
 * file first, then under node_modules (the -l library path).
 */
function includedSources(main: string, source = readFileSync(main, 'utf8'), seen = new Set<string>()): string[] {
  for (const [, name] of source.matchAll(INCLUDE)) {
    const file = [join(dirname(main), name), join(REPO_ROOT, 'node_modules', name)].find(existsSync);
    if (!file) throw new Error(`${relative(REPO_ROOT, main)} includes "${name}", which is neither beside it nor under node_modules`);
    if (seen.has(file)) continue;
    seen.add(file);
    includedSources(file, readFileSync(file, 'utf8'), seen);
  }
  return [...seen].sort();
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

function circom(args: string[]): Promise<string> {
  const cli = join(REPO_ROOT, 'node_modules', 'circom2', 'cli.js');
  return new Promise((resolve, reject) => {
    // circom2 cannot read above its working directory, hence cwd = repo root and repo-relative paths.
    const child = spawn(process.execPath, [cli, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`circom2 ${args.join(' ')} failed:\n${out}`))));
  });
}

/** Path to use in an `include` of a main file written to `dir`. */
export function includeFrom(dir: string, repoPath: string): string {
  return relative(dir, join(REPO_ROOT, repoPath));
}

const COMPILE_FLAGS = ['--r1cs', '--wasm', '--sym', '--O2'];

/**
 * Compiles the main component `source` into `dir` (as circuit.r1cs and circuit_js/circuit.wasm) unless
 * the artifacts there were built from the same sources. Returns whether it compiled.
 */
export async function compileSource(dir: string, source: string, log: (msg: string) => void = () => {}): Promise<{ circuit: CompiledCircuit; compiled: boolean }> {
  const circuit = { dir, r1cs: join(dir, 'circuit.r1cs'), wasm: join(dir, 'circuit_js', 'circuit.wasm') };
  const main = join(dir, 'circuit.circom');
  const hash = createHash('sha256');
  hash.update(source).update(`circom2@${packageVersion('circom2')} ${COMPILE_FLAGS.join(' ')} -l node_modules`);
  for (const file of includedSources(main, source)) hash.update(relative(REPO_ROOT, file)).update(readFileSync(file));
  const digest = hash.digest('hex');
  const stamp = join(dir, 'source.sha256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest && existsSync(circuit.r1cs) && existsSync(circuit.wasm)) return { circuit, compiled: false };

  const started = Date.now();
  log(`compiling ${relative(REPO_ROOT, dir)} (circom2 --O2)…`);
  mkdirSync(dir, { recursive: true });
  // Compiled in a scratch folder beside `dir` (same depth, so the source's relative includes hold) and
  // moved in entry by entry: two processes compiling the same circuit at once (a test run and `meterproof
  // setup`, the API building keys on request) never delete or read each other's half-written files.
  const scratch = mkdtempSync(join(dirname(dir), `.${basename(dir)}-compiling-`));
  try {
    writeFileSync(join(scratch, 'circuit.circom'), source);
    await circom([relative(REPO_ROOT, join(scratch, 'circuit.circom')), ...COMPILE_FLAGS, '-l', 'node_modules', '-o', relative(REPO_ROOT, scratch)]);
    const produced = readdirSync(scratch);
    for (const entry of produced) {
      const target = join(dir, entry);
      // a folder cannot be renamed onto a non-empty one: the old one is moved aside into the scratch folder first
      if (existsSync(target) && statSync(target).isDirectory()) renameSync(target, join(scratch, `${entry}.old`));
      renameSync(join(scratch, entry), target);
    }
    // Keep keys/: they are cached by the r1cs's hash, so a recompile that yields the same r1cs (a moved
    // file, an edited comment) keeps the circuit's keys and results proved with them still verify.
    for (const entry of readdirSync(dir)) if (entry !== 'keys' && entry !== 'source.sha256' && !produced.includes(entry)) rmSync(join(dir, entry), { recursive: true, force: true });
    writeFileSync(join(scratch, 'source.sha256'), digest);
    renameSync(join(scratch, 'source.sha256'), stamp);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  log(`compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { circuit, compiled: true };
}

/** The parameter names of `template` as its .circom source declares them. */
export function templateParameters(c: Pick<CircuitConfig, 'source' | 'template'>): string[] {
  const text = readFileSync(join(REPO_ROOT, c.source), 'utf8');
  const m = text.match(new RegExp(`^\\s*template\\s+${c.template}\\s*\\(([^)]*)\\)`, 'm'));
  if (!m) throw new Error(`${c.source} declares no template ${c.template}`);
  return m[1].split(',').map((p) => p.trim()).filter(Boolean);
}

/**
 * The main component of a configured instance, written into `dir`: arguments in the order of the
 * template's signature, refused when the instance names other parameters than the template takes.
 */
function mainSource(c: CircuitConfig, dir: string): string {
  const names = templateParameters(c);
  const given = Object.keys(c.params);
  const missing = names.filter((n) => !given.includes(n));
  const extra = given.filter((n) => !names.includes(n));
  if (missing.length || extra.length) throw new Error(`${c.id}: template ${c.template}(${names.join(', ')}) ${missing.length ? `lacks ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `takes no ${extra.join(', ')}` : ''}`);
  return `pragma circom 2.1.0;\ninclude "${includeFrom(dir, c.source)}";\ncomponent main {public [${c.public.join(', ')}]} = ${c.template}(${names.map((n) => c.params[n]).join(', ')});\n`;
}

/** Compiles a configured circuit instance (declared by its kind). Returns true if it compiled. */
export async function compileCircuit(c: CircuitConfig, log?: (msg: string) => void): Promise<boolean> {
  const dir = artifactsOf(c.id).dir;
  const { circuit, compiled } = await compileSource(dir, mainSource(c, dir), log);
  if (c.budget !== undefined) {
    // an instance over its declared budget is a regression of its kind's circuit, not a build to keep
    const n = (await r1csInfo(circuit.r1cs)).nConstraints;
    if (n > c.budget) throw new Error(`${c.id} has ${n} constraints, over its budget of ${c.budget} (declared in ${join(dirname(c.source), 'kind.ts')})`);
  }
  return compiled;
}

/** A scratch circuit for tests: compiled into build/test/<name>/. */
export async function compileTestCircuit(name: string, source: (dir: string) => string): Promise<CompiledCircuit> {
  const dir = join(BUILD_DIR, 'test', name);
  return (await compileSource(dir, source(dir))).circuit;
}

/**
 * Warnings `circom2 --inspect` may report that are justified: circomlib's comparators and scalar
 * multipliers use only part of their Num2Bits outputs by design (CompConstant, also inside AliasCheck,
 * checks pairs of bits; the segment doublers of the scalar multipliers feed only the next segment).
 */
const JUSTIFIED_WARNINGS = /In template "(CompConstant|EscalarMulAny|EscalarMulFix|SegmentMulAny|SegmentMulFix)\(/;

/** Runs `circom2 --inspect` on a configured circuit and returns its warnings that are not justified. */
export async function inspectCircuit(c: CircuitConfig): Promise<string[]> {
  const dir = join(BUILD_DIR, 'inspect', c.id);
  mkdirSync(dir, { recursive: true });
  const main = join(dir, 'inspect.circom');
  writeFileSync(main, mainSource(c, dir));
  const out = await circom([relative(REPO_ROOT, main), '--inspect', '-l', 'node_modules', '-o', relative(REPO_ROOT, dir)]);
  return out.split('\n').filter((l) => /warning/i.test(l) && !JUSTIFIED_WARNINGS.test(l));
}

/** The r1cs header of a compiled circuit: constraint, wire and public-signal counts. */
// Read here rather than with snarkjs's r1cs.info, which builds a threaded BN254 curve (worker threads that
// outlive the call) to print a header.
export async function r1csInfo(r1csPath: string): Promise<{ nConstraints: number; nVars: number; nOutputs: number; nPubInputs: number }> {
  const h = await readR1csHeader(r1csPath);
  return { nConstraints: h.nConstraints, nVars: h.nWires, nOutputs: h.nPubOut, nPubInputs: h.nPubIn };
}
