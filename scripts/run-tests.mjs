#!/usr/bin/env node
// `npm test`: builds what the tests need (cached), then runs every *.test.ts of the repository (test/, and
// the tests beside the code they test, as in kinds/<kind>/) with node's test runner and ends with the plain "N passed, N failed" line.
//
// Two lanes run side by side, because much of the work is single-threaded (circom2 compiling, witness
// generation) on a 2-core machine: the circuit tests (test/circuits and kinds/*/*.circuit.test.ts: compile
// and witness-level checks, no proving keys) and everything else (proofs, the API, the browser). Inside a
// lane, files run one at a time.
// The setup of the proving circuits is split over two processes the same way; each circuit has its own
// build folder, so the two never write the same file.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = join(fileURLToPath(import.meta.url), '..', '..');

// folders that hold no tests of the project's own
const NOT_SOURCE = new Set(['node_modules', 'build', 'out', 'data', 'scratch', '.git']);

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? (NOT_SOURCE.has(e.name) ? [] : testFiles(join(dir, e.name))) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []))
    .sort();
}

/** Runs node with `args`; `live` streams its output, otherwise it is printed when the process ends. */
function run(args, live) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const take = (stream, sink) =>
      child[stream].on('data', (d) => {
        out += d;
        if (live) sink.write(d);
      });
    take('stdout', process.stdout);
    take('stderr', process.stderr);
    child.on('close', (code) => {
      if (!live) process.stdout.write(out);
      resolve({ code, out });
    });
  });
}

// Circuits and development keys for the instances the tests prove with, as each kind declares them.
const { testCircuits } = await tsImport('../kinds/registry.ts', import.meta.url);
const PROVING_CIRCUITS = testCircuits();
const halves = [PROVING_CIRCUITS.filter((_, i) => i % 2 === 0), PROVING_CIRCUITS.filter((_, i) => i % 2 === 1)];
const setups = await Promise.all(halves.map((ids, i) => run(['bin/meterproof.js', 'setup', '--circuit', ...ids], i === 0)));
if (setups.some((s) => s.code !== 0)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const filter = process.argv.slice(2);
const files = testFiles(root)
  .filter((f) => filter.length === 0 || filter.some((p) => f.includes(p)))
  .map((f) => relative(root, f));
const isCircuitTest = (f) => f.startsWith(`test${sep}circuits${sep}`) || f.endsWith('.circuit.test.ts');
const lanes = [files.filter((f) => !isCircuitTest(f)), files.filter(isCircuitTest)].filter((l) => l.length > 0);
// --test-force-exit: a file whose handles outlive its tests (a worker port, a socket) ends with them instead of
// hanging its lane until CI's time limit; the tests' own after() hooks still release what they hold.
const testArgs = (lane) => ['--import', 'tsx', '--test', '--test-force-exit', '--test-concurrency=1', '--test-reporter=tap', ...lane];
// A third lane: the contract tests (mocha under Hardhat, kinds/<kind>/contracts/*.spec.ts), in TAP as well.
const contracts = filter.length === 0 || filter.some((p) => p.includes('contracts')) ? [['--import', 'tsx', 'cli/hardhat.ts', 'test', '--tap']] : [];
const results = await Promise.all([...lanes.map((lane, i) => run(testArgs(lane), i === 0)), ...contracts.map((args) => run(args, false))]);

const count = (name) => results.reduce((sum, { out }) => sum + Number(out.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0), 0);
console.log(`${count('pass')} passed, ${count('fail')} failed${count('skipped') ? `, ${count('skipped')} skipped` : ''}`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
