/**
 * `npm run bench`: constraints, per-reading cost (and its ratio to the bill's at the same size), witness /
 * prove / verify times, proof and key sizes and peak memory of every circuit of every result kind, proving
 * with snarkjs as shipped on the example statement of each kind (kinds/<kind>/example.ts). Each circuit is measured
 * in its own child process so that its peak RSS is its own. Prints a Markdown table and writes
 * docs/bench-results.json.
 *
 * Then the household page proves the bill circuits in headless Chromium (scripts/bench-browser.ts, written
 * to docs/bench-browser.json) unless --no-browser is given or no bill circuit was measured.
 *
 * Then the native prover beside snarkjs (scripts/bench-native.ts, docs/bench-native.json) unless --no-native is given.
 *
 *   npm run bench [-- --runs 3] [-- --kind bill] [-- --circuit billing_31d --circuit billing_92d [--side-by-side]] [-- --days 31] [-- --no-browser] [-- --no-native]
 *
 * `npm run bench -- --systems` runs the proof-system benchmark (scripts/bench-systems.ts), `npm run bench --
 * --load` the start-up benchmark of the compiled package (scripts/bench-load.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import * as snarkjs from 'snarkjs';
import { artifactsOf, REPO_ROOT } from '../core/paths.js';
import { getCircuit, loadCircuits } from '../kinds/registry.js';
import { SLOTS_PER_DAY } from '../core/time.js';
import { releaseCurve, snarkjsBackend } from '../prover/backend.js';
import { setupCircuits } from '../cli/setup.js';
import { r1csInfo } from '../circuits/compile.js';
import { benchStatement, chosenCircuits } from './bench-statement.js';

interface Row {
  circuit: string;
  kind: string;
  readings: number;
  constraints: number;
  publicSignals: number;
  domain: number;
  constraintsPerReading: number;
  /** constraints per reading over the bill's at the same number of days (filled in by the parent) */
  timesBill?: number;
  witnessMs: number;
  proveMs: number;
  verifyMs: number;
  proofBytes: number;
  zkeyMB: number;
  peakRssMB: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

/** Measures one circuit in this process and prints its row as JSON. */
async function measure(circuitId: string, runs: number): Promise<Row> {
  const circuit = getCircuit(circuitId);
  const a = artifactsOf(circuitId);
  const info = await r1csInfo(a.r1cs);
  const days = circuit.params.maxDays;
  const slots = days * SLOTS_PER_DAY;
  const { input } = await benchStatement(circuit);
  const vkey = JSON.parse(readFileSync(a.vkey, 'utf8'));

  const witness: number[] = [];
  const prove: number[] = [];
  const verify: number[] = [];
  let proofBytes = 0;
  for (let i = 0; i < runs + 1; i++) {
    const { proof, publicSignals, timings } = await snarkjsBackend.prove(input, a.wasm, a.zkey);
    const t = performance.now();
    if (!(await snarkjs.groth16.verify(vkey, publicSignals, proof))) throw new Error('benchmark proof did not verify');
    if (i === 0) continue; // warm-up: wasm compilation and key loading
    verify.push(performance.now() - t);
    witness.push(timings.witnessMs);
    prove.push(timings.proveMs);
    proofBytes = 2 * 64 + 128; // uncompressed A (G1), B (G2), C (G1)
  }
  const publicSignals = info.nOutputs + info.nPubInputs;
  return {
    circuit: circuitId,
    kind: circuit.kind,
    readings: slots,
    constraints: info.nConstraints,
    publicSignals,
    domain: 2 ** Math.ceil(Math.log2(info.nConstraints + publicSignals + 1)),
    constraintsPerReading: info.nConstraints / slots,
    witnessMs: median(witness),
    proveMs: median(prove),
    verifyMs: median(verify),
    proofBytes,
    zkeyMB: statSync(a.zkey).size / 2 ** 20,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

function table(rows: Row[]): string {
  const head = '| circuit | readings | constraints | per reading | × bill | public signals | domain | witness | prove | verify | proof | zkey | peak RSS |';
  const sep = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const line = (r: Row) =>
    `| ${r.circuit} | ${r.readings} | ${r.constraints} | ${r.constraintsPerReading.toFixed(1)} | ${r.timesBill === undefined ? '–' : r.timesBill.toFixed(2)} | ${r.publicSignals} | 2^${Math.log2(r.domain)} | ${(r.witnessMs / 1000).toFixed(2)} s | ${(r.proveMs / 1000).toFixed(2)} s | ${r.verifyMs.toFixed(0)} ms | ${r.proofBytes} B | ${r.zkeyMB.toFixed(1)} MB | ${r.peakRssMB.toFixed(0)} MB |`;
  return [head, sep, ...rows.map(line)].join('\n');
}

/**
 * Writes docs/bench-results.json. A partial run (--kind, --circuit, --days) updates its rows and keeps the
 * others; --side-by-side keeps them all and records its rows apart with the machine's load average (circuits
 * compared on a machine shared with other work: their ratios are the result, not their times).
 */
function record(rows: Row[], ids: string[], loadAtStart: number): void {
  const resultsPath = join(REPO_ROOT, 'docs', 'bench-results.json');
  const results = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : {};
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, snarkjs 0.7.6`;
  if (process.argv.includes('--side-by-side')) {
    const loadAverage = { start: loadAtStart, end: loadavg()[0] };
    console.log(`\n${table(rows)}\n\nMachine: ${machine}; 1-minute load average ${loadAverage.start.toFixed(1)} at the start, ${loadAverage.end.toFixed(1)} at the end`);
    writeFileSync(resultsPath, JSON.stringify({ ...results, sideBySide: { date: new Date().toISOString(), loadAverage, rows } }, null, 2) + '\n');
    return;
  }
  const order = new Map(loadCircuits().map((c, i) => [c.id, i]));
  const merged = [...(results.rows ?? []).filter((p: Row) => !ids.includes(p.circuit) && order.has(p.circuit)), ...rows].sort((a, b) => order.get(a.circuit)! - order.get(b.circuit)!);
  const billPerReading = new Map(merged.filter((r) => r.kind === 'bill').map((r) => [r.readings, r.constraintsPerReading]));
  for (const r of merged) {
    const bill = billPerReading.get(r.readings);
    r.timesBill = bill ? r.constraintsPerReading / bill : undefined;
  }
  console.log(`\n${table(merged)}\n\nMachine: ${machine}`);
  writeFileSync(resultsPath, JSON.stringify({ ...results, machine, date: new Date().toISOString(), rows: merged }, null, 2) + '\n');
}

async function main(): Promise<void> {
  const runs = Number(arg('runs') ?? 3);
  const child = arg('child');
  if (child) {
    console.log(JSON.stringify(await measure(child, runs)));
    return;
  }
  const kind = arg('kind');
  const days = arg('days');
  const chosen = chosenCircuits();
  const ids = chosen.length
    ? chosen
    : loadCircuits()
        .filter((c) => (!kind || c.kind === kind) && (!days || c.params.maxDays === Number(days)))
        .map((c) => c.id);
  await setupCircuits({ only: ids, log: (m) => console.log(m) });
  const loadAtStart = loadavg()[0];
  const rows: Row[] = [];
  for (const id of ids) {
    console.log(`measuring ${id} (${runs} runs after a warm-up)…`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', '--child', id, '--runs', String(runs)], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`benchmark of ${id} failed`);
    rows.push(JSON.parse(r.stdout.trim().split('\n').pop()!));
  }
  record(rows, ids, loadAtStart);

  // The native prover beside snarkjs (and rapidsnark with RAPIDSNARK=/path/to/prover): scripts/bench-native.ts.
  if (!process.argv.includes('--no-native')) {
    const { benchNative } = await import('./bench-native.js');
    console.log(`\n${await benchNative(ids, runs, rows, (m) => console.log(m))}`);
  }

  // Imported here only: the measuring children must not load the browser tooling (their peak RSS is reported).
  const { benchBrowser, BROWSER_BENCH_CIRCUITS, recordBrowserBench } = await import('./bench-browser.js');
  const browserCircuits = ids.filter((id) => BROWSER_BENCH_CIRCUITS.includes(id));
  if (browserCircuits.length > 0 && !process.argv.includes('--no-browser')) {
    console.log(`\nmeasuring the household page in headless Chromium: ${browserCircuits.join(', ')}…`);
    console.log(`\n${recordBrowserBench(await benchBrowser(browserCircuits, { runs, log: (m) => console.log(`   ${m}`) }))}`);
  }
}

// --systems / --quick / --recheck / --render / --regas: the proof-system benchmark (issue #12); --load: the start-up benchmark (issue #13); each its own script
const systems = ['--systems', '--quick', '--recheck', '--render', '--regas'].some((flag) => process.argv.includes(flag));
try {
  if (systems) await (await import('./bench-systems.js')).systemsBenchMain(process.argv.slice(2));
  else if (process.argv.includes('--load')) await (await import('./bench-load.js')).runLoadBench(process.argv.slice(2));
  else await main();
} finally {
  await releaseCurve();
}
if (systems) process.exit(0); // Hardhat's runtime (verification gas) keeps the process alive
// a measuring child has printed its row: a handle another module leaves open must not keep its parent waiting
if (arg('child')) process.exit(0);
