/**
 * Browser proving benchmark: the household page in headless Chromium (Debian's chromium, playwright-core)
 * against a local verifier API, per bill circuit, next to Node proving the same statement with the same
 * snarkjs, the quarter (billing_92d) beside the month. Writes docs/bench-browser.json.
 *
 *   cold  a fresh browser (empty user data directory): the proving files are downloaded (in the background while the readings
 *         are shown: prefetchMs), then decrypted readings → witness → proof → submission
 *   warm  a fresh page load in the same browser: the proving files come from Cache Storage (read and
 *         SHA-256-checked: downloadMs); `readyMs` = decrypt + cached files + witness + proof
 *   wall  seen from outside: from clicking "Open my readings" to the receipt, "Prove and send" clicked as
 *         soon as it is enabled (fetches, decryption, files, curve start-up, proof and submission)
 *   core / snarkjs  the page proves with the native prover's WebAssembly core when it is built (threads: the
 *         API's headers make the page cross-origin isolated); the warm runs alternate with runs of the same
 *         page at ?prover=snarkjs in the same browser, so both see the same machine load
 *   memory  the peak of the summed PSS (proportional set size: shared pages split between the processes that
 *         map them) of all Chromium processes, sampled every 100 ms while proving
 *   node  witness and proof in this Node process on the same inputs (snarkjs, one warm-up run first)
 *   kdf   Argon2id with the default parameters in the page's worker (docs/encryption.md)
 *
 *   npx tsx scripts/bench-browser.ts [--runs 3] [--circuit billing_1d ...]
 *
 * Each run proves a new meter (one certified result per meter, circuit and period).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { setupCircuits } from '../cli/setup.js';
import { artifactsOf, REPO_ROOT } from '../core/paths.js';
import { getCircuit } from '../kinds/registry.js';
import { dayOf } from '../core/time.js';
import { generateMeterKey } from '../meter/meter-key.js';
import { releaseCurve, snarkjsBackend } from '../prover/backend.js';
import { billKind } from '../kinds/bill/kind.js';
import { startServer } from '../verifier-api/server.js';
import { CHROMIUM, launchBrowser, openReadings, proveAndSend } from '../web/browser.js';
import { buildWeb } from '../web/build.js';
import { MAX_PROVE_MS } from '../web/src/capacity.js';
import type { PageTimings } from '../web/src/main.js';
import { certifyDays, demoReadings, demoTariff, demoValueVector } from './demo-data.js';
import { createPartyKeys, provisionHousehold } from './household-provision.js';

export const BROWSER_BENCH_CIRCUITS = ['billing_1d', 'billing_7d', 'billing_31d', 'billing_92d'];
const START = '2013-01-01';

/**
 * `browserPeakMB`: the most memory (summed PSS) of all Chromium processes (browser, page, workers) while
 * proving; `browserBaseMB`: the same sum once the readings are shown, before "Prove and send" (the proving
 * files and the prover may still be loading in the background): the browser and the page without the proof.
 */
export type RunTimings = Omit<PageTimings, 'prover'> & { wallMs: number; browserPeakMB: number; browserBaseMB: number };

/** PSS of a process, bytes (0 when it ended or cannot be read). */
function pssOf(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Summed PSS of this process's descendants (the Chromium processes it launched), MB, from /proc. */
function chromiumPssMB(): number {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is stat field 3 (state)
      parent.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended while being read
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const pid of parent.keys()) if (descends(pid)) total += pssOf(pid);
  return total / 2 ** 20;
}

/** Runs `f` while sampling the Chromium processes' memory every 100 ms; returns its value and the peak, MB. */
async function withPeakMemory<T>(f: () => Promise<T>): Promise<{ value: T; peakMB: number; baseMB: number }> {
  const baseMB = chromiumPssMB();
  let peakMB = baseMB;
  const timer = setInterval(() => (peakMB = Math.max(peakMB, chromiumPssMB())), 100);
  try {
    const value = await f();
    return { value, peakMB: Math.max(peakMB, chromiumPssMB()), baseMB };
  } finally {
    clearInterval(timer);
  }
}

export interface BrowserCircuitTiming {
  circuit: string;
  days: number;
  /** fresh browser: proving files downloaded */
  cold: RunTimings;
  /** which prover the page used (the receipt's words: the WebAssembly core and its threads, or snarkjs and why) */
  prover: string;
  /** medians over the warm runs (fresh page load, proving files from the browser's cache) */
  warm: RunTimings & { readyMs: number };
  warmRuns: RunTimings[];
  /** the same warm runs at ?prover=snarkjs, alternating with the others in the same browser */
  warmSnarkjs: RunTimings & { readyMs: number };
  warmSnarkjsRuns: RunTimings[];
  /** warm snarkjs proof time over the page's (core) proof time, same browser, same run */
  coreSpeedup: number;
  /** medians of Node proving the same inputs in this process */
  node: { witnessMs: number; proveMs: number };
  /** warm browser proof time over Node's */
  proveRatio: number;
}

export interface BrowserBench {
  measuredAt: string;
  /** the machine's 1-minute load average when the run started and ended (others' jobs share the cores) */
  loadAverage: { start: number; end: number };
  machine: { cpus: string; cores: number; node: string; chromium: string };
  runs: number;
  kdf: { memoryKiB: number; iterations: number; parallelism: number; runsMs: number[]; medianMs: number };
  circuits: BrowserCircuitTiming[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const medianTimings = (runs: RunTimings[]): RunTimings => {
  const keys = (Object.keys(runs[0]) as (keyof RunTimings)[]).filter((k) => typeof runs[0][k] === 'number');
  return Object.fromEntries(keys.map((k) => [k, Math.round(median(runs.map((r) => r[k] ?? 0)))])) as unknown as RunTimings;
};
const rounded = (t: RunTimings): RunTimings => Object.fromEntries(Object.entries(t).filter(([, v]) => typeof v === 'number').map(([k, v]) => [k, Math.round(v as number)])) as unknown as RunTimings;
const readyOf = (runs: RunTimings[]) => Math.round(median(runs.map((t) => t.decryptMs + t.downloadMs + t.witnessMs + t.proveMs)));

/** Browser (cold and warm) and Node timings for each circuit; `runs` warm runs and Node runs per circuit. */
export async function benchBrowser(circuits: string[] = BROWSER_BENCH_CIRCUITS, o: { runs?: number; log?: (message: string) => void } = {}): Promise<BrowserBench> {
  const runs = o.runs ?? 3;
  const log = o.log ?? (() => {});
  await buildWeb({ log });
  await setupCircuits({ only: circuits, log: (m) => !m.startsWith('  [') && log(m) });
  const startDay = dayOf(START);
  const loadStart = loadavg()[0];
  const results: BrowserCircuitTiming[] = [];
  let kdf: BrowserBench['kdf'] | undefined;

  for (const id of circuits) {
    const days = getCircuit(id).params.maxDays;
    const dir = mkdtempSync(join(tmpdir(), 'meterproof-bench-browser-'));
    const database = join(dir, 'api.sqlite3');
    const keys = await createPartyKeys(database, 'bench-energy');
    const server = await startServer({ database, port: 0, circuits: [id], logLevel: 'error', workers: 1 });
    const tariff = demoTariff(startDay, days);
    const valueOfEnergy = demoValueVector(startDay, days);
    const readings = demoReadings(startDay, days);
    let nodeBundle;
    try {
      const households = [];
      // one cold run, then `runs` warm runs with the page's prover and `runs` with snarkjs, alternating
      // Signing a month of readings takes longer than the server keeps an idle connection open, and the client
      // reusing a connection the server is closing fails the upload: sign every bundle first, then upload.
      const bundles = [];
      for (let i = 0; i <= 2 * runs; i++) bundles.push((await certifyDays(await generateMeterKey(`BENCH-${days}D-${i}`), startDay, readings)).bundle);
      nodeBundle = bundles[0];
      for (const bundle of bundles) households.push({ meterId: bundle.meterId, ...(await provisionHousehold({ api: server.url, keys, supplierId: 'bench-energy', bundle, tariff, valueOfEnergy })) });
      const browser = await launchBrowser();
      // the blank tab the browser starts with is no part of the household's page: its renderer would count
      for (const p of browser.context.pages()) await p.close();
      try {
        const timings: RunTimings[] = [];
        const snarkjsTimings: RunTimings[] = [];
        let prover = '';
        for (const [i, h] of households.entries()) {
          const withSnarkjs = i > 0 && i % 2 === 0;
          const page = await browser.context.newPage();
          await page.goto(`${server.url}/${withSnarkjs ? '?prover=snarkjs' : ''}`);
          const t0 = performance.now();
          await openReadings(page, h.meterId, h.userKey.key);
          // a quarter on a loaded machine can take minutes: the benchmark waits as long as the page would
          const { value: proved, peakMB, baseMB } = await withPeakMemory(() => proveAndSend(page, MAX_PROVE_MS));
          const { prover: used, ...t } = proved.timings;
          (withSnarkjs ? snarkjsTimings : timings).push({ ...t, wallMs: performance.now() - t0, browserPeakMB: peakMB, browserBaseMB: baseMB });
          if (!withSnarkjs) prover = used;
          if (!kdf && timings.length > 1) {
            const runsMs: number[] = [];
            for (let k = 0; k < 5; k++) runsMs.push(Math.round(await page.evaluate(() => (window as unknown as { meterproof: { measureKdf(): Promise<number> } }).meterproof.measureKdf())));
            kdf = { memoryKiB: 19456, iterations: 2, parallelism: 1, runsMs, medianMs: median(runsMs) };
          }
          await page.close();
          const last = withSnarkjs ? snarkjsTimings[snarkjsTimings.length - 1] : timings[timings.length - 1];
          log(`${id} ${i === 0 ? 'cold' : 'warm'} (${withSnarkjs ? 'snarkjs' : used}): ${JSON.stringify(rounded(last))}, load ${loadavg()[0].toFixed(1)}`);
        }
        const warmRuns = timings.slice(1).map(rounded);
        const warmSnarkjsRuns = snarkjsTimings.map(rounded);
        const warm = { ...medianTimings(warmRuns), readyMs: readyOf(warmRuns) };
        const warmSnarkjs = { ...medianTimings(warmSnarkjsRuns), readyMs: readyOf(warmSnarkjsRuns) };
        const coreSpeedup = Math.round((warmSnarkjs.proveMs / warm.proveMs) * 100) / 100;
        results.push({ circuit: id, days, prover, cold: rounded(timings[0]), warm, warmRuns, warmSnarkjs, warmSnarkjsRuns, coreSpeedup, node: { witnessMs: 0, proveMs: 0 }, proveRatio: 0 });
      } finally {
        await browser.close();
      }
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }

    // Node on the same statement, with the browser closed.
    const a = artifactsOf(id);
    const period = { meterId: nodeBundle!.meterId, publicKey: nodeBundle!.publicKey, startDay, days };
    const input = billKind.witnessInput(nodeBundle!, billKind.statement(period, { tariff, valueOfEnergy }, getCircuit(id)), getCircuit(id));
    const node: { witnessMs: number; proveMs: number }[] = [];
    for (let i = 0; i <= runs; i++) node.push((await snarkjsBackend.prove(input, a.wasm, a.zkey)).timings);
    await releaseCurve();
    const r = results[results.length - 1];
    r.node = { witnessMs: Math.round(median(node.slice(1).map((t) => t.witnessMs))), proveMs: Math.round(median(node.slice(1).map((t) => t.proveMs))) };
    r.proveRatio = Math.round((r.warm.proveMs / r.node.proveMs) * 100) / 100;
    log(`${id} node: ${JSON.stringify(r.node)}, browser/node prove ${r.proveRatio}`);
  }
  return {
    measuredAt: new Date().toISOString(),
    loadAverage: { start: Math.round(loadStart * 10) / 10, end: Math.round(loadavg()[0] * 10) / 10 },
    machine: { cpus: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, chromium: execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim() },
    runs,
    kdf: kdf!,
    circuits: results,
  };
}

function table(b: BrowserBench): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const mb = (x: number) => `${x.toFixed(0)} MB`;
  const head = '| circuit | cold: download | cold: wall | warm: decrypt (KDF) | warm: cached files | warm: witness | warm: prove | snarkjs in the page: prove | snarkjs / page | Node (snarkjs) prove | page / Node | warm ready | warm wall | peak PSS, page (before) | peak PSS, snarkjs (before) |';
  const sep = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = b.circuits.map(
    (c) =>
      `| ${c.circuit} | ${s(c.cold.prefetchMs ?? 0)} | ${s(c.cold.wallMs)} | ${s(c.warm.decryptMs)} | ${s(c.warm.downloadMs)} | ${s(c.warm.witnessMs)} | ${s(c.warm.proveMs)} | ${s(c.warmSnarkjs.proveMs)} | ${c.coreSpeedup.toFixed(2)} | ${s(c.node.proveMs)} | ${c.proveRatio.toFixed(2)} | ${s(c.warm.readyMs)} | ${s(c.warm.wallMs)} | ${mb(Math.max(c.cold.browserPeakMB, c.warm.browserPeakMB))} (${mb(c.warm.browserBaseMB)}) | ${mb(c.warmSnarkjs.browserPeakMB)} (${mb(c.warmSnarkjs.browserBaseMB)}) |`,
  );
  const provers = b.circuits.map((c) => `${c.circuit}: ${c.prover}`).join('; ');
  return [head, sep, ...rows, '', `The page's prover: ${provers}. Load average (1 min) ${b.loadAverage.start} at the start, ${b.loadAverage.end} at the end.`].join('\n');
}

/**
 * Writes docs/bench-browser.json — the circuits measured now replace their rows, the others keep theirs
 * (`measuredAt` and `loadAverage` belong to this run) — and returns the report of this run: the table and the
 * key-derivation timing.
 */
export function recordBrowserBench(bench: BrowserBench): string {
  const file = join(REPO_ROOT, 'docs', 'bench-browser.json');
  const earlier: BrowserCircuitTiming[] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BrowserBench).circuits : [];
  const measured = new Set(bench.circuits.map((c) => c.circuit));
  const circuits = [...earlier.filter((c) => !measured.has(c.circuit)), ...bench.circuits].sort((a, b) => a.days - b.days);
  writeFileSync(file, JSON.stringify({ ...bench, circuits }, null, 2) + '\n');
  return `${table(bench)}\n\nArgon2id (m = 19 MiB, t = 2, p = 1) in the page's worker: ${bench.kdf.runsMs.join(', ')} ms (median ${bench.kdf.medianMs} ms); written docs/bench-browser.json`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, circuit: { type: 'string', multiple: true } } });
  const bench = await benchBrowser(values.circuit ?? BROWSER_BENCH_CIRCUITS, { runs: Number(values.runs), log: (m) => console.log(`   ${m}`) });
  console.log(`\n${recordBrowserBench(bench)}`);
}
