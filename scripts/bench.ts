/**
 * `npm run bench`: constraints, per-reading cost, witness / prove / verify times, proof and key sizes and
 * peak memory of every billing circuit, proving with snarkjs as shipped. Each circuit is measured in its own
 * child process so that its peak RSS is its own. Prints a Markdown table and writes docs/bench-results.json.
 *
 *   npm run bench [-- --runs 3] [-- --circuit billing_31d]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import * as snarkjs from 'snarkjs';
import { billingWitnessInput } from '../circuits/billing.js';
import { artifactsOf, getCircuit, loadCircuits, REPO_ROOT } from '../circuits/registry.js';
import { dayOf, SLOTS_PER_DAY } from '../core/time.js';
import { syntheticPrices, syntheticReadings } from '../core/synthetic.js';
import { releaseCurve, snarkjsBackend } from '../prover/backend.js';
import { setupCircuits } from '../cli/setup.js';
import { r1csInfo } from '../circuits/compile.js';
import { MeterCore } from '../meter/meter-core.js';
import { generateMeterKey } from '../meter/meter-key.js';
import { assembleBundle } from '../meter/bundle.js';

interface Row {
  circuit: string;
  readings: number;
  constraints: number;
  publicSignals: number;
  domain: number;
  constraintsPerReading: number;
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
  const startDay = dayOf('2023-01-02');
  const key = await generateMeterKey('MTR-BENCH');
  const core = await MeterCore.commission(key, startDay);
  const readings = syntheticReadings(days, 1);
  const records = [];
  for (let d = 0; d < days; d++) records.push(await core.recordDay(readings.slice(d * SLOTS_PER_DAY, (d + 1) * SLOTS_PER_DAY)));
  const bundle = assembleBundle(key.meterId, key.publicKey, records, startDay, days);
  const slots = days * SLOTS_PER_DAY;
  const statement = { meterId: key.meterId, publicKey: key.publicKey, startDay, days, standingCharge: 24_000_000n, prices: syntheticPrices(slots, 1).map(BigInt), values: syntheticPrices(slots, 2).map(BigInt) };
  const input = billingWitnessInput(bundle, statement, circuit);
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
  const head = '| circuit | readings | constraints | per reading | public signals | domain | witness | prove | verify | proof | zkey | peak RSS |';
  const sep = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const line = (r: Row) =>
    `| ${r.circuit} | ${r.readings} | ${r.constraints} | ${r.constraintsPerReading.toFixed(1)} | ${r.publicSignals} | 2^${Math.log2(r.domain)} | ${(r.witnessMs / 1000).toFixed(2)} s | ${(r.proveMs / 1000).toFixed(2)} s | ${r.verifyMs.toFixed(0)} ms | ${r.proofBytes} B | ${r.zkeyMB.toFixed(1)} MB | ${r.peakRssMB.toFixed(0)} MB |`;
  return [head, sep, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const runs = Number(arg('runs') ?? 3);
  const child = arg('child');
  if (child) {
    console.log(JSON.stringify(await measure(child, runs)));
    return;
  }
  const ids = arg('circuit') ? [arg('circuit')!] : loadCircuits().filter((c) => c.kind === 'bill').map((c) => c.id);
  await setupCircuits({ only: ids, log: (m) => console.log(m) });
  const rows: Row[] = [];
  for (const id of ids) {
    console.log(`measuring ${id} (${runs} runs after a warm-up)…`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', '--child', id, '--runs', String(runs)], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`benchmark of ${id} failed`);
    rows.push(JSON.parse(r.stdout.trim().split('\n').pop()!));
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, snarkjs 0.7.6`;
  console.log(`\n${table(rows)}\n\nMachine: ${machine}`);
  writeFileSync(join(REPO_ROOT, 'docs', 'bench-results.json'), JSON.stringify({ machine, date: new Date().toISOString(), rows }, null, 2) + '\n');
}

try {
  await main();
} finally {
  await releaseCurve();
}
