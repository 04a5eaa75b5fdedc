#!/usr/bin/env node
// `npm test`: builds what the tests need (cached), then runs every test/**/*.test.ts with node's test
// runner, one file at a time (proofs use both cores), and ends with the plain "N passed, N failed" line.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []))
    .sort();
}

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (code) => resolve({ code, out }));
  });
}

const filter = process.argv.slice(2);
const files = testFiles(join(root, 'test')).filter((f) => filter.length === 0 || filter.some((p) => f.includes(p)));

// Circuits and development keys for the small instances the tests prove with.
const setup = await run(['bin/meterproof.js', 'setup', '--circuit', 'billing_1d', 'billing_7d', 'rebate_1d', 'totals_1d', 'sampling_1d', 'profile_1d', 'suspect_1d', 'threshold_1d', 'tiered_1d', 'compare_1d', 'compare_7d', 'rebate_7d']);
if (setup.code !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const { code, out } = await run(['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=tap', ...files.map((f) => relative(root, f))]);
const count = (name) => Number(out.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
console.log(`${count('pass')} passed, ${count('fail')} failed${count('skipped') ? `, ${count('skipped')} skipped` : ''}`);
process.exit(code ?? 1);
