/**
 * `npm run load`: a bounded load test of the verifier API on loopback. Starts `meterproof api serve` as a
 * child process on a fresh database, registers a small world (one supplier, four meters with a day of
 * certified bills each, its tariff and the grid's value vector), then drives POST /v1/results with
 * autocannon in two phases:
 *
 *   1. saturation: as fast as `--connections` clients go, for `--duration` seconds → sustained throughput
 *   2. fixed rate: `--rate` requests per second for `--duration` seconds → latency percentiles at that load
 *
 * Every request is a *different valid proof* (re-randomised Groth16 proofs of a few statements), so each
 * one is fully verified (points, subgroup, pairing) before the server answers 201 (first proof of its
 * statement) or 409 (another proof of a statement already certified). Identical resubmissions, which skip
 * verification, are not counted as verified.
 *
 * Options: --duration 15 --connections 32 --rate 100 --workers N --database-url postgres://… --json
 * --days 1|7|31 (the bill circuit) --compact (documents by digest, as `meterproof prove --compact` writes
 * them). At the end it reports what the database keeps per certified result (verifier-api/results.ts);
 * --volume N (PostgreSQL, a throwaway database) first copies a certified row N times under other periods,
 * so the table and index bytes per result are measured at volume, not dominated by one page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { buildBn128 } from 'ffjavascript';
import { artifactsOf, REPO_ROOT } from '../core/paths.js';
import { dayOf, isoDay } from '../core/time.js';
import { syntheticReadings } from '../core/synthetic.js';
import { generateMeterKey } from '../meter/meter-key.js';
import { releaseCurve } from '../prover/backend.js';
import { compactResult } from '../prover/documents.js';
import { proveBill } from '../prover/prove-bill.js';
import type { BillResultJson } from '../prover/result.js';
import { openDb } from '../verifier-api/db.js';
import { rerandomizeProof } from '../verifier-api/rerandomize.js';
import { resultRowSizes } from '../verifier-api/results.js';
import { certifyDays, demoTariff, demoValueVector } from './demo-data.js';
import { apiCall, createPartyKeys } from './household-provision.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    rate: { type: 'string', default: '100' },
    workers: { type: 'string' },
    variants: { type: 'string', default: '400' },
    'database-url': { type: 'string' },
    days: { type: 'string', default: '1' },
    compact: { type: 'boolean', default: false },
    volume: { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const rate = Number(args.rate);

function startServer(database: string): Promise<{ child: ChildProcess; url: string }> {
  const dbArgs = database.startsWith('postgres') ? ['--database-url', database] : ['--db', database];
  const child = spawn(
    process.execPath,
    [...(process.env.LOAD_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), 'bin/meterproof.js', 'api', 'serve', '--port', '0', '--circuit', CIRCUIT, '--rate', '0', '--rate-address', '0', '--log-level', 'warn', ...(args.workers ? ['--workers', args.workers] : []), ...dbArgs],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`server exited with code ${code} before listening`)));
  });
}

/** CPU seconds the server process (all its threads) has used so far, from /proc (Linux; 0 elsewhere). */
function serverCpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

const DAYS = Number(args.days);
const CIRCUIT = `billing_${DAYS}d`;
const DAY = dayOf('2013-01-15'); // inside the trial's 2013 tariff when ../shared/data is present
const SUPPLIER = 'load-supplier';

/** Four meters with a certified bill of one day each, and the documents the API checks them against. */
async function makeWorld(): Promise<{ meters: { id: string; publicKey: [string, string] }[]; tariff: object; value: object; results: BillResultJson[] }> {
  const tariff = demoTariff(DAY, DAYS);
  const value = demoValueVector(DAY, DAYS);
  const meters = [];
  const results = [];
  for (let i = 1; i <= 4; i++) {
    const key = await generateMeterKey(`MTR-LOAD-${i}`);
    const { bundle } = await certifyDays(key, DAY, syntheticReadings(DAYS, 40 + i));
    meters.push({ id: key.meterId, publicKey: [key.publicKey[0].toString(), key.publicKey[1].toString()] as [string, string] });
    results.push(await proveBill({ bundle, tariff, valueOfEnergy: value }));
  }
  return { meters, tariff, value, results };
}

/** The registrar registers the supplier, a substation and the meters; the supplier and the grid publish. */
async function registerWorld(url: string, keys: Awaited<ReturnType<typeof createPartyKeys>>, w: Awaited<ReturnType<typeof makeWorld>>): Promise<void> {
  await apiCall(url, 'PUT', `/v1/suppliers/${SUPPLIER}`, { key: keys.registrar, body: { name: 'Load Supplier' }, what: 'supplier' });
  await apiCall(url, 'PUT', '/v1/substations/sub-load', { key: keys.registrar, body: { name: 'Load substation' }, what: 'substation' });
  for (const m of w.meters) await apiCall(url, 'POST', '/v1/meters', { key: keys.registrar, body: { id: m.id, supplierId: SUPPLIER, substationId: 'sub-load', publicKey: m.publicKey, validFrom: isoDay(DAY) }, what: `meter ${m.id}` });
  const period = { from: isoDay(DAY), to: isoDay(DAY + DAYS - 1) };
  await apiCall(url, 'POST', '/v1/tariffs', { key: keys.supplier, body: { tariff: w.tariff, meters: w.meters.map((m) => m.id), ...period }, what: 'tariff' });
  await apiCall(url, 'POST', '/v1/value-vectors', { key: keys.grid, body: { vector: w.value, ...period }, what: 'value vector' });
}

/** What the database keeps per certified result: the rows' values (and heap tuples, PostgreSQL), and the results table with its indexes. */
async function storedBytes(database: string) {
  const db = await openDb(database);
  try {
    const rows = await resultRowSizes(db);
    const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
    const volume = Number(args.volume);
    if (volume > 0 && db.dialect === 'postgres') {
      await db.run(
        `INSERT INTO results (id, kind, circuit, meter_id, start_day, days, supplier_id, substation_id, statement_key, outputs, bindings, proof_digest, proof, statement, output_signals, created_at)
         SELECT 'res_' || md5(r.id || g)::uuid, r.kind, r.circuit, r.meter_id, r.start_day + 40 * g, r.days, r.supplier_id, r.substation_id,
                r.kind || '|' || r.meter_id || '|' || r.circuit || '|' || (r.start_day + 40 * g) || '|' || r.days, r.outputs, r.bindings, md5(r.proof_digest || g) || md5(r.id || g), r.proof, r.statement, r.output_signals, r.created_at
           FROM (SELECT * FROM results ORDER BY id LIMIT 1) r, generate_series(1, ?) g`,
        [volume],
      );
      await db.run('VACUUM ANALYZE results');
    }
    const table = db.dialect === 'postgres' ? await db.get<any>("SELECT pg_total_relation_size('results') AS total, pg_indexes_size('results') AS indexes, (SELECT COUNT(*) FROM results) AS n") : undefined;
    return {
      results: rows.length,
      measuredAtVolume: table ? Number(table.n) : null,
      valueBytes: mean(rows.map((r) => r.bytes)),
      heapBytes: db.dialect === 'postgres' ? mean(rows.map((r) => r.heapBytes ?? 0)) : null,
      tableAndIndexBytesPerResult: table ? Math.round(Number(table.total) / Number(table.n)) : null,
      indexBytesPerResult: table ? Math.round(Number(table.indexes) / Number(table.n)) : null,
    };
  } finally {
    await db.close();
  }
}

function run(o: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(o, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const loadBefore = loadavg()[0];
if (loadBefore > 0.5) console.error(`note: load average ${loadBefore.toFixed(2)} before the run; other work on this machine lowers the numbers`);
const w = await makeWorld();
const dir = mkdtempSync(join(tmpdir(), 'meterproof-load-'));
const database = args['database-url'] ?? join(dir, 'api.sqlite3');
const keys = await createPartyKeys(database, SUPPLIER);
const { child, url } = await startServer(database);
try {
  await registerWorld(url, keys, w);

  // Different valid proofs: re-randomisations of the four statements of the world.
  const curve = await buildBn128(true);
  const vkey = JSON.parse(readFileSync(artifactsOf(CIRCUIT).vkey, 'utf8'));
  const bases = args.compact ? w.results.map((r) => compactResult(r).result) : w.results;
  const variants = Number(args.variants);
  const bodies = Array.from({ length: variants }, (_, i) => {
    const base = bases[i % bases.length];
    return JSON.stringify({ ...base, proof: rerandomizeProof(curve, vkey, base.proof) });
  });
  let next = 0;
  const request = { method: 'POST' as const, path: '/v1/results', headers: { 'content-type': 'application/json' }, setupRequest: (req: any) => ({ ...req, body: bodies[next++ % bodies.length] }) };

  const summary = (name: string, r: autocannon.Result, cpuSeconds: number) => {
    const codes: Record<string, number> = {};
    for (const [k, v] of Object.entries(r as unknown as Record<string, unknown>)) if (/^\d\d\d$/.test(k)) codes[k] = v as number;
    const byStatus = (r as any).statusCodeStats ?? {};
    const count = (s: string) => byStatus[s]?.count ?? 0;
    const verified = count('201') + count('409');
    return {
      phase: name,
      seconds: r.duration,
      requests: r.requests.total,
      verifiedPerSecond: Math.round((verified / r.duration) * 10) / 10,
      serverCpuMsPerRequest: cpuSeconds > 0 ? Math.round((cpuSeconds * 1000 * 100) / r.requests.total) / 100 : null,
      statusCodes: Object.fromEntries(Object.entries(byStatus).map(([k, v]: [string, any]) => [k, v.count])),
      errors: r.errors,
      timeouts: r.timeouts,
      latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.mean },
    };
  };

  // warm-up: compile paths, fill the shared public-input cache
  await run({ url, connections: 4, amount: 50, requests: [request] });
  let cpu = serverCpuSeconds(child.pid);
  const phase = async (name: string, o: autocannon.Options) => {
    const r = await run(o);
    const used = serverCpuSeconds(child.pid) - cpu;
    cpu += used;
    return summary(name, r, used);
  };
  const saturated = await phase('saturation', { url, connections, duration, requests: [request] });
  const fixed = await phase(`fixed ${rate} rps`, { url, connections: Math.max(10, Math.ceil(rate / 5)), duration, overallRate: rate, requests: [request] });
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const batches = /meterproof_verify_batch_size_count (\d+)/.exec(metrics)?.[1];
  const batched = /meterproof_verify_batch_size_sum (\d+)/.exec(metrics)?.[1];

  const stored = await storedBytes(database);
  const report = { machine: { cores: availableParallelism(), loadAverageBefore: loadBefore }, server: { url, database: database.startsWith('postgres') ? 'postgres' : 'sqlite', workers: args.workers ?? 'one per core' }, circuit: CIRCUIT, requestBytes: Buffer.byteLength(bodies[0]), saturated, fixed, batches: { count: Number(batches), proofs: Number(batched) }, stored };
  if (args.json) console.log(JSON.stringify(report, null, 2));
  else {
    for (const p of [saturated, fixed]) {
      console.log(`\n${p.phase}: ${p.requests} requests in ${p.seconds} s → ${p.verifiedPerSecond} verified submissions/s`);
      console.log(`  status codes ${JSON.stringify(p.statusCodes)}  errors ${p.errors}  timeouts ${p.timeouts}`);
      console.log(`  latency ms  p50 ${p.latencyMs.p50}  p90 ${p.latencyMs.p90}  p99 ${p.latencyMs.p99}  max ${p.latencyMs.max}`);
      if (p.serverCpuMsPerRequest) console.log(`  server CPU ${p.serverCpuMsPerRequest} ms per request (all threads) → ${Math.round((availableParallelism() * 1000) / p.serverCpuMsPerRequest)} requests/s if the server had every core to itself`);
    }
    console.log(`\nmachine: ${report.machine.cores} cores, load average ${loadBefore.toFixed(2)} before the run`);
    console.log(`verification batches: ${report.batches.count} for ${report.batches.proofs} proofs (mean ${(report.batches.proofs / report.batches.count).toFixed(1)} per batch)`);
    console.log(`${CIRCUIT}, request ${report.requestBytes} bytes; stored per result: ${JSON.stringify(stored)}`);
    console.log(`targets: ≥ 300 verified/s sustained: ${saturated.verifiedPerSecond >= 300 ? 'MET' : 'NOT MET'}; p99 ≤ 250 ms at ${rate} rps: ${fixed.latencyMs.p99 <= 250 ? 'MET' : 'NOT MET'}`);
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await releaseCurve();
  rmSync(dir, { recursive: true, force: true });
}
