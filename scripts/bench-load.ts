/**
 * `npm run bench -- --load` (issue 13, "light to load"): start-up of the compiled package, each beside bare
 * `node -e 0` in the same run — `meterproof --help`, the verification library's import, its import and first
 * verification of a 31-day bill, and `meterproof verify` of that bill. Runs go round the cases in turn (so a
 * change of load hits every case alike), one warm-up round first; it reports medians and minima, the
 * median above bare Node, the targets and the load average, and writes docs/bench-load.json.
 *
 *   npm run bench -- --load [--runs 15] [--result <31-day bill result.json>] [--no-build]
 *
 * It runs `npm run build` first (bin/meterproof.js runs the sources through tsx when a source is newer
 * than dist/) unless --no-build; without --result it proves the benchmarks' 31-day bill once (kept in
 * build/bench-load/, keys from `meterproof setup --circuit billing_31d` if missing).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { artifactsOf, REPO_ROOT } from '../core/paths.js';

/** The issue's targets on an idle 2-core machine, seconds. */
const TARGETS: Record<string, number> = { help: 0.3, import: 0.3, verify: 0.8 };

interface Row {
  name: string;
  command: string;
  medianS: number;
  minS: number;
  maxS: number;
  /** median minus bare Node's median */
  aboveNodeS: number;
  targetS?: number;
}

const round3 = (s: number) => Math.round(s * 1000) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const run = (args: string[], what: string) => {
  const r = spawnSync(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed: ${r.stderr.trim().split('\n').pop()}`);
};

/** The benchmarks' 31-day bill (scripts/bench-statement.ts), proved once and kept. */
async function billResult(): Promise<string> {
  const file = join(REPO_ROOT, 'build', 'bench-load', 'bill-31d.json');
  if (existsSync(file)) return file;
  if (!existsSync(artifactsOf('billing_31d').zkey)) {
    console.log('building the billing_31d keys (meterproof setup --circuit billing_31d)…');
    run(['bin/meterproof.js', 'setup', '--circuit', 'billing_31d'], 'setup');
  }
  console.log('proving the 31-day bill once…');
  const [{ benchStatement }, { getCircuit, kindNamed }, { proveResult }, { pickBackend }, { releaseCurve }] = await Promise.all([
    import('./bench-statement.js'),
    import('../kinds/registry.js'),
    import('../prover/prove.js'),
    import('../prover/native-backend.js'),
    import('../prover/backend.js'),
  ]);
  const { bundle } = await benchStatement(getCircuit('billing_31d'));
  const fields = kindNamed('bill').example({ meterId: bundle.meterId, startDay: bundle.startDay, days: bundle.days });
  const result = await proveResult({ kind: 'bill', bundle, fields, backend: pickBackend() });
  await releaseCurve();
  mkdirSync(join(REPO_ROOT, 'build', 'bench-load'), { recursive: true });
  writeFileSync(file, JSON.stringify(result));
  return file;
}

export async function runLoadBench(argv: readonly string[]): Promise<void> {
  const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const runs = Number(arg('--runs') ?? 15);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number ≥ 1');
  if (!argv.includes('--no-build')) {
    console.log('npm run build…');
    const built = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  const result = arg('--result') ?? (await billResult());
  const shown = relative(REPO_ROOT, result);
  const library = `const lib = await import("meterproof/verify");`;
  const cases: { name: string; command: string; args: string[]; target?: string }[] = [
    { name: 'bare Node', command: 'node -e 0', args: ['-e', '0'] },
    { name: 'meterproof --help', command: 'node bin/meterproof.js --help', args: ['bin/meterproof.js', '--help'], target: 'help' },
    { name: 'import meterproof/verify', command: `node -e '${library}'`, args: ['--input-type=module', '-e', library], target: 'import' },
    {
      name: 'meterproof/verify: import, verify the bill',
      command: `node -e '${library} await lib.verifyTrusted(<${shown}>)'`,
      args: ['--input-type=module', '-e', `${library} await lib.verifyTrusted(JSON.parse((await import("node:fs")).readFileSync(${JSON.stringify(result)}, "utf8")));`],
    },
    { name: 'meterproof verify (31-day bill)', command: `node bin/meterproof.js verify ${shown}`, args: ['bin/meterproof.js', 'verify', result], target: 'verify' },
  ];

  const loadStart = loadavg();
  const times = cases.map(() => [] as number[]);
  for (let round = 0; round <= runs; round++) {
    cases.forEach((c, i) => {
      const t0 = process.hrtime.bigint();
      run(c.args, c.name);
      if (round > 0) times[i].push(Number(process.hrtime.bigint() - t0) / 1e9);
    });
  }
  const loadEnd = loadavg();
  const node = median(times[0]);
  const rows: Row[] = cases.map((c, i) => ({
    name: c.name,
    command: c.command,
    medianS: round3(median(times[i])),
    minS: round3(Math.min(...times[i])),
    maxS: round3(Math.max(...times[i])),
    aboveNodeS: round3(median(times[i]) - node),
    ...(c.target ? { targetS: TARGETS[c.target] } : {}),
  }));

  console.log(`\n| case | median | min | above node -e 0 | target |\n|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.name} | ${r.medianS.toFixed(3)} s | ${r.minS.toFixed(3)} s | ${r.aboveNodeS.toFixed(3)} s | ${r.targetS === undefined ? '' : `≤ ${r.targetS} s${r.medianS <= r.targetS ? '' : ' (missed)'}`} |`);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`\n${runs} runs each, load average ${load(loadStart)} → ${load(loadEnd)}`);
  const out = {
    date: new Date().toISOString(),
    command: `npm run bench -- ${argv.join(' ')}`,
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    loadAverage: { start: loadStart.map(round3), end: loadEnd.map(round3) },
    runs,
    result: { circuit: (JSON.parse(readFileSync(result, 'utf8')) as { circuit: string }).circuit, file: shown },
    rows,
  };
  writeFileSync(join(REPO_ROOT, 'docs', 'bench-load.json'), JSON.stringify(out, null, 2) + '\n');
  console.log('written to docs/bench-load.json');
}
