#!/usr/bin/env node
// Start-up benchmark of the compiled package (issue 13, "light to load"): `meterproof --help`, the import of
// the verification library, and `meterproof verify` of a result file when one is given (a 31-day bill for the
// README's target). Median wall time of --runs runs each, after one warm-up; run `npm run build` first.
//
//   node scripts/bench-start.mjs [--result bill-31d.json] [--runs 10]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(arg('--runs', '10'));
const result = arg('--result');
if (!existsSync(`${root}dist/.built`)) throw new Error('no compiled package: run `npm run build` first');

const cases = [
  ['meterproof --help', ['bin/meterproof.js', '--help']],
  ['import meterproof/verify', ['--input-type=module', '-e', 'await import("./dist/prover/verify-entry.js")']],
  ...(result ? [[`meterproof verify ${result}`, ['bin/meterproof.js', 'verify', result]]] : []),
];
for (const [name, args] of cases) {
  const times = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
    if (i > 0) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(48)} median ${(times[times.length >> 1] / 1000).toFixed(3)} s  (min ${(times[0] / 1000).toFixed(3)} s, ${runs} runs)`);
}
