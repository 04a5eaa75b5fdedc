/**
 * The native prover beside snarkjs, and rapidsnark when RAPIDSNARK=/path/to/prover is set (for comparison
 * only: it is not part of this project). `npm run bench` runs this after its snarkjs table and passes its
 * snarkjs rows; alone it measures snarkjs too:
 *
 *   npx tsx scripts/bench-native.ts [--circuit billing_31d ...] [--runs 5]
 *
 * Same statement as scripts/bench.ts (synthetic readings, seed 1; the kind's example fields). Each prover
 * runs in its own child process so that its peak RSS is its own:
 *  - native, in Node: witness (the circuit's C++ generator when built — native/build-witness.ts, else its
 *    WebAssembly) + addon proof + the pairing check of the proof; plain Node on the compiled modules
 *    (scripts/bench-native-child.mjs), which does not load snarkjs or tsx;
 *  - native-cli: build/native/meterproof-prove on the .wtns (no Node, like rapidsnark), proof only;
 *  - rapidsnark: $RAPIDSNARK <zkey> <wtns> <proof> <public>, proof only; its proofs are verified by snarkjs.
 * Times are medians of `runs` after a warm-up; every native proof is also verified by snarkjs here (the
 * cross-check for every kind and size benchmarked). Writes docs/bench-native.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { distIsCurrent } from './dist-current.mjs';
import { computeWitnessWasm, nativeInfo, NATIVE_BUILD_DIR } from '../native/native-prover.js';

const REPO = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

export interface SnarkjsTimes {
  circuit: string;
  witnessMs: number;
  proveMs: number;
  peakRssMB: number;
}

interface NativeTimes {
  witness: 'native' | 'wasm';
  witnessMs: number;
  proveMs: number;
  checkMs: number;
  peakRssMB: number;
  /** the child's RSS before it loads anything: what any Node process pays */
  baseRssMB: number;
  /** the C++ witness generator's own process (it lives on between witnesses), beside Node's */
  generatorPeakRssMB?: number;
}

interface ProofOnlyTimes {
  proveMs: number;
  peakRssMB: number;
}

export interface NativeBenchRow {
  circuit: string;
  snarkjs?: SnarkjsTimes;
  native: NativeTimes;
  nativeCli?: ProofOnlyTimes;
  rapidsnark?: ProofOnlyTimes;
  /** snarkjs witness + proof over native witness + proof */
  speedup?: number;
  /** when the row was measured, and over how many runs (the file keeps rows of earlier runs) */
  date?: string;
  runs?: number;
}

const benchDir = (id: string) => join(NATIVE_BUILD_DIR, 'bench', id);

/** The benchmark statement's witness input (as scripts/bench.ts builds it), written to build/native/bench/<id>/. */
async function writeInput(id: string): Promise<void> {
  const { artifactsOf } = await import('../core/paths.js');
  const { getCircuit } = await import('../kinds/registry.js');
  const { benchStatement } = await import('./bench-statement.js');
  const { input } = await benchStatement(getCircuit(id));
  const dir = benchDir(id);
  mkdirSync(dir, { recursive: true });
  const a = artifactsOf(id);
  writeFileSync(join(dir, 'input.json'), JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  writeFileSync(join(dir, 'witness.wtns'), await computeWitnessWasm(input, a.wasm));
  writeFileSync(join(dir, 'artifacts.json'), JSON.stringify(a));
}

/** A proof-only command (`<prover> <zkey> <wtns> <proof> <public>`) under /usr/bin/time; snarkjs verifies its proof. */
async function proofOnly(prover: string, id: string, runs: number, extraArgs: string[] = []): Promise<ProofOnlyTimes | undefined> {
  if (!existsSync('/usr/bin/time')) return undefined;
  const dir = benchDir(id);
  const a = JSON.parse(readFileSync(join(dir, 'artifacts.json'), 'utf8')) as { zkey: string; vkey: string };
  const times: number[] = [];
  let rss = 0;
  const proofFile = join(dir, 'proof.json');
  const publicFile = join(dir, 'public.json');
  for (let i = 0; i <= runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', 'BENCH %e %M', prover, a.zkey, join(dir, 'witness.wtns'), proofFile, publicFile, ...extraArgs], { encoding: 'utf8' });
    const m = /BENCH ([\d.]+) (\d+)/.exec(r.stderr ?? '');
    if (r.status !== 0 || !m) throw new Error(`${prover} failed on ${id}: ${(r.stderr ?? '').trim().slice(-500)}`);
    if (i === 0) continue;
    times.push(Number(m[1]) * 1000);
    rss = Math.max(rss, Number(m[2]) / 1024);
  }
  const snarkjs = await import('snarkjs');
  const ok = await snarkjs.groth16.verify(JSON.parse(readFileSync(a.vkey, 'utf8')), JSON.parse(readFileSync(publicFile, 'utf8')), JSON.parse(readFileSync(proofFile, 'utf8')));
  if (!ok) throw new Error(`${prover}: its proof of ${id} does not verify`);
  return { proveMs: median(times), peakRssMB: rss };
}

async function childSnarkjs(id: string, runs: number): Promise<SnarkjsTimes> {
  const { snarkjsBackend, releaseCurve } = await import('../prover/backend.js');
  const dir = benchDir(id);
  const a = JSON.parse(readFileSync(join(dir, 'artifacts.json'), 'utf8')) as { wasm: string; zkey: string };
  const input = JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8'));
  const w: number[] = [];
  const p: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const { timings } = await snarkjsBackend.prove(input, a.wasm, a.zkey);
    if (i === 0) continue;
    w.push(timings.witnessMs);
    p.push(timings.proveMs);
  }
  await releaseCurve();
  return { circuit: id, witnessMs: median(w), proveMs: median(p), peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

function child(mode: string, id: string, runs: number): any {
  const args = mode === 'native' ? [join('scripts', 'bench-native-child.mjs'), benchDir(id), id, String(runs)] : ['--import', 'tsx', join('scripts', 'bench-native.ts'), `--child-${mode}`, id, '--runs', String(runs)];
  const r = spawnSync(process.execPath, args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${mode} benchmark of ${id} failed`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** The native child runs the compiled modules (dist/): rebuilt first when a source of theirs is newer. */
function ensureCompiled(log: (m: string) => void): void {
  if (distIsCurrent(REPO)) return;
  log('native: compiling the modules its child runs (npm run build)…');
  const r = spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('npm run build failed: the native benchmark runs the compiled modules');
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function table(rows: NativeBenchRow[]): string {
  const rapid = rows.some((r) => r.rapidsnark);
  const head = `| circuit | snarkjs witness | snarkjs prove | snarkjs RSS | native witness | native prove (incl. check) | native total | native RSS (Node base; + witness generator) | speed-up | native CLI prove | CLI RSS |${rapid ? ' rapidsnark prove | rapidsnark RSS |' : ''}`;
  const sep = `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|${rapid ? '---:|---:|' : ''}`;
  const line = (r: NativeBenchRow) =>
    `| ${r.circuit} | ${r.snarkjs ? s(r.snarkjs.witnessMs) : '–'} | ${r.snarkjs ? s(r.snarkjs.proveMs) : '–'} | ${r.snarkjs ? `${r.snarkjs.peakRssMB.toFixed(0)} MB` : '–'} | ${s(r.native.witnessMs)} (${r.native.witness}) | ${s(r.native.proveMs)} | ${s(r.native.witnessMs + r.native.proveMs)} | ${r.native.peakRssMB.toFixed(0)} MB (${r.native.baseRssMB?.toFixed(0) ?? '–'} MB${r.native.generatorPeakRssMB ? `; + ${r.native.generatorPeakRssMB.toFixed(0)} MB` : ''}) | ${r.speedup ? `${r.speedup.toFixed(1)}×` : '–'} | ${r.nativeCli ? s(r.nativeCli.proveMs) : '–'} | ${r.nativeCli ? `${r.nativeCli.peakRssMB.toFixed(0)} MB` : '–'} |${rapid ? ` ${r.rapidsnark ? s(r.rapidsnark.proveMs) : '–'} | ${r.rapidsnark ? `${r.rapidsnark.peakRssMB.toFixed(0)} MB` : '–'} |` : ''}`;
  return [head, sep, ...rows.map(line)].join('\n');
}

/** Measures the circuits `ids` (built); `snarkjs` rows from scripts/bench.ts, or measured here. */
export async function benchNative(ids: string[], runs: number, snarkjs: SnarkjsTimes[] | undefined, log: (m: string) => void = () => {}): Promise<string> {
  const info = nativeInfo();
  if (!info) return 'native prover: not built (node native/build.mjs --strict says why) — no native column';
  ensureCompiled(log);
  const rows: NativeBenchRow[] = [];
  for (const id of ids) {
    log(`native: measuring ${id} (${runs} runs after a warm-up)…`);
    await writeInput(id);
    const sj = snarkjs?.find((r) => r.circuit === id) ?? (child('snarkjs', id, runs) as SnarkjsTimes);
    const samples = child('native', id, runs) as Omit<NativeTimes, 'witnessMs' | 'proveMs' | 'checkMs'> & Record<'witnessMs' | 'proveMs' | 'checkMs', number[]>;
    const native: NativeTimes = { ...samples, witnessMs: median(samples.witnessMs), proveMs: median(samples.proveMs), checkMs: median(samples.checkMs) };
    // the cross-check: snarkjs verifies the native proof with the circuit's exported verification key
    const { proof, publicSignals } = JSON.parse(readFileSync(join(benchDir(id), 'native-proof.json'), 'utf8'));
    const { vkey } = JSON.parse(readFileSync(join(benchDir(id), 'artifacts.json'), 'utf8')) as { vkey: string };
    const { groth16 } = await import('snarkjs');
    if (!(await groth16.verify(JSON.parse(readFileSync(vkey, 'utf8')), publicSignals, proof))) throw new Error(`the native proof of ${id} does not verify under snarkjs`);
    const cli = join(NATIVE_BUILD_DIR, 'meterproof-prove');
    const nativeCli = existsSync(cli) ? await proofOnly(cli, id, runs) : undefined;
    const rapidsnark = process.env.RAPIDSNARK ? await proofOnly(process.env.RAPIDSNARK, id, runs) : undefined;
    rows.push({ circuit: id, snarkjs: sj, native, nativeCli, rapidsnark, speedup: (sj.witnessMs + sj.proveMs) / (native.witnessMs + native.proveMs), date: new Date().toISOString(), runs });
  }
  const file = join(REPO, 'docs', 'bench-native.json');
  const previous: NativeBenchRow[] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')).rows ?? []) : [];
  const merged = [...previous.filter((p) => !ids.includes(p.circuit)), ...rows];
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; native field: ${info.field}, ${info.threads} threads`;
  writeFileSync(file, JSON.stringify({ machine, date: new Date().toISOString(), runs, rows: merged }, null, 2) + '\n');
  return `${table(rows)}\n\nMachine: ${machine}`;
}

async function main(): Promise<void> {
  const runs = Number(arg('runs') ?? 5);
  const snarkjsChild = arg('child-snarkjs');
  if (snarkjsChild) {
    console.log(JSON.stringify(await childSnarkjs(snarkjsChild, runs)));
    return;
  }
  const ids = (await import('./bench-statement.js')).chosenCircuits();
  const { setupCircuits } = await import('../cli/setup.js');
  const chosen = ids.length ? ids : ['billing_1d', 'billing_7d', 'billing_31d'];
  await setupCircuits({ only: chosen, log: (m) => console.log(m) });
  console.log(await benchNative(chosen, runs, undefined, (m) => console.log(m)));
  const { releaseCurve } = await import('../prover/backend.js');
  await releaseCurve();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
  // the report is written: a handle another module leaves open (seen after the cross-check) must not keep it running
  process.exit(0);
}
