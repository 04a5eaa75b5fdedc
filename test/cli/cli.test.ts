import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { Command } from 'commander';
import { declaredKindCommands, KIND_COMMANDS_FILE } from '../../cli/kind-commands.js';
import { REPO_ROOT } from '../../core/paths.js';
import { slotStart } from '../../core/time.js';
import { KINDS } from '../../kinds/registry.js';
import { hasSharedData, SHARED_DATA } from '../../core/shared-data.js';
import { cliRunner } from '../support/cli.js';
import { syntheticPrices, syntheticReadings } from '../support/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'mp-cli-'));
const at = (name: string) => join(dir, name);

const { ok, fails } = cliRunner(dir);

// 2023-01-01 = day 19358, slot 929184.
const FIRST_SLOT = 19358 * 48;
function genericCsv(days: number, skip?: number): string {
  const rows = syntheticReadings(days, 4).map((wh, i) => (i === skip ? null : `${slotStart(FIRST_SLOT + i).toISOString()},${(wh / 1000).toFixed(3)}`));
  return ['timestamp,kwh', ...rows.filter((r) => r !== null)].join('\n') + '\n';
}

describe('the full CLI flow', () => {
  before(async () => {
    writeFileSync(at('readings.csv'), genericCsv(1));
    const prices = syntheticPrices(48, 3);
    writeFileSync(at('prices.csv'), ['timestamp,price', ...prices.map((p, i) => `${slotStart(FIRST_SLOT + i).toISOString()},${(p / 1000).toFixed(3)}`)].join('\n') + '\n');
  });

  test('keygen → sign → tariff import → prove → verify', async () => {
    await ok('meter', 'keygen', '--id', 'MTR-CLI', '--out', 'meter.json');
    assert.equal(statSync(at('meter.json')).mode & 0o777, 0o600, 'the private key file is readable by its owner only');
    await ok('meter', 'sign', '--key', 'meter.json', '--readings', 'readings.csv', '--from', '2023-01-01', '--days', '1', '--out', 'bundle.json');
    await ok('tariff', 'import', '--format', 'csv', '--in', 'prices.csv', '--out', 'tariff.json', '--standing-charge', '45000');
    const proved = await ok('prove', 'bill', '--bundle', 'bundle.json', '--tariff', 'tariff.json', '--out', 'result.json');
    assert.match(proved, /bill\s+-?\d+ µp/);
    const verified = await ok('verify', 'result.json');
    assert.match(verified, /^VALID PROOF, UNANCHORED STATEMENT: billing_1d/m);
  });

  test('verify exits non-zero for a tampered result', async () => {
    const result = JSON.parse(readFileSync(at('result.json'), 'utf8'));
    result.publicSignals[2] = String(BigInt(result.publicSignals[2]) + 1n);
    result.outputs.consumption = String(BigInt(result.outputs.consumption) + 1n);
    writeFileSync(at('tampered.json'), JSON.stringify(result));
    await fails(/INVALID \(proof_invalid\)/, 'verify', 'tampered.json');
  });

  test('prove refuses a bundle with an edited reading', async () => {
    const bundle = JSON.parse(readFileSync(at('bundle.json'), 'utf8'));
    bundle.readingsWh[10] += 1;
    writeFileSync(at('edited-bundle.json'), JSON.stringify(bundle));
    await fails(/signature does not verify/, 'prove', 'bill', '--bundle', 'edited-bundle.json', '--tariff', 'tariff.json', '--out', 'x.json');
  });
});

describe('commands built only when run', () => {
  // cli/main.ts reads the kinds (and their flags) only for `prove` and `verify`, and their own commands from a list
  test("prove's kinds and verify's document pins appear for those commands, however help is asked for", async () => {
    for (const help of [['prove', '--help'], ['help', 'prove']]) {
      const out = await ok(...help);
      for (const k of Object.keys(KINDS)) assert.match(out, new RegExp(`^  ${k} \\[options\\]`, 'm'), `${help.join(' ')} lists ${k}`);
    }
    const pins = [...new Set(Object.values(KINDS).flatMap((k) => k.flags.filter((f) => f.type === 'document').map((f) => f.flag)))];
    for (const help of [['verify', '--help'], ['help', 'verify']]) {
      const out = await ok(...help);
      for (const flag of pins) assert.ok(out.includes(flag), `${help.join(' ')} offers ${flag}`);
    }
    await fails(/unknown command 'bil'/, 'prove', 'bil');
  });

  test("the kinds' own commands: the build's list is the declarations', and --help lists each command", async () => {
    const declared = await declaredKindCommands();
    assert.deepEqual(JSON.parse(readFileSync(join(REPO_ROOT, 'dist', 'cli', KIND_COMMANDS_FILE), 'utf8')), declared);
    assert.ok(declared.length > 0, 'the rebate kind declares its commands');
    const top = await ok('--help');
    for (const module of declared) {
      const program = new Command();
      ((await import(join(REPO_ROOT, module.replace(/\.js$/, '.ts')))) as { registerCommands(p: Command): void }).registerCommands(program);
      for (const c of program.commands) assert.match(top, new RegExp(`^  ${c.name()}\\b`, 'm'), `--help lists ${c.name()}`);
    }
  });
});

describe('bad input gives a one-line reason and exit code 1', () => {
  test('--help works for every command', async () => {
    for (const cmd of [[], ['meter', 'keygen'], ['meter', 'sign'], ['tariff', 'import'], ['prove', 'bill'], ['verify'], ['setup']]) {
      assert.match(await ok(...cmd, '--help'), /Usage: meterproof/);
    }
  });
  test('a missing required option', () => fails(/required option '--out/, 'meter', 'keygen'));
  test('an unknown command', () => fails(/unknown command/, 'frobnicate'));
  test('an impossible date', () => fails(/no such day/, 'meter', 'sign', '--key', 'meter.json', '--readings', 'readings.csv', '--from', '2023-02-30', '--days', '1', '--out', 'b.json'));
  test('a bad day count', () => fails(/--days must be a whole number/, 'meter', 'sign', '--key', 'meter.json', '--readings', 'readings.csv', '--from', '2023-01-01', '--days', 'ten', '--out', 'b.json'));
  test('a missing file', () => fails(/cannot read readings .*ENOENT/, 'meter', 'sign', '--key', 'meter.json', '--readings', 'nope.csv', '--from', '2023-01-01', '--days', '1', '--out', 'b.json'));
  test('a missing half-hour without a fill policy', async () => {
    writeFileSync(at('gap.csv'), genericCsv(1, 20));
    await fails(/have no reading .*--fill zero/, 'meter', 'sign', '--key', 'meter.json', '--readings', 'gap.csv', '--from', '2023-01-01', '--days', '1', '--out', 'b.json');
    await ok('meter', 'sign', '--key', 'meter.json', '--readings', 'gap.csv', '--from', '2023-01-01', '--days', '1', '--fill', 'zero', '--out', 'gap-bundle.json');
  });
  test('a result file that is not JSON', async () => {
    writeFileSync(at('garbage.json'), '{"proof": [1, 2');
    await fails(/not valid JSON/, 'verify', 'garbage.json');
  });
  test('an unknown tariff format', () => fails(/argument 'octopus' is invalid/, 'tariff', 'import', '--format', 'octopus', '--in', 'prices.csv', '--out', 't.json'));
  test('a tariff file that is not a tariff', async () => {
    writeFileSync(at('not-a-tariff.json'), '{"format": "meterproof-tariff/1"}');
    await fails(/invalid tariff/, 'prove', 'bill', '--bundle', 'bundle.json', '--tariff', 'not-a-tariff.json', '--out', 'x.json');
  });
});

test('real London readings: the key must belong to the household in the file', { skip: !hasSharedData && `no ${SHARED_DATA}` }, async () => {
  const file = join(SHARED_DATA, 'lcl-2013', 'MAC000002.csv');
  await ok('meter', 'keygen', '--id', 'MAC000002', '--out', 'mac2.json');
  await ok('meter', 'sign', '--key', 'mac2.json', '--readings', file, '--from', '2013-01-01', '--days', '7', '--out', 'mac2-bundle.json');
  await fails(/belong to meter MAC000002/, 'meter', 'sign', '--key', 'meter.json', '--readings', file, '--from', '2013-01-01', '--days', '7', '--out', 'x.json');
});

describe('meterproof challenge', () => {
  test('issues a challenge for one meter and period with a fresh seed', async () => {
    await ok('challenge', '--meter', 'MTR-CLI', '--from', '2023-01-01', '--days', '1', '--issuer', 'grid', '--out', 'c1.json');
    await ok('challenge', '--meter', 'MTR-CLI', '--from', '2023-01-01', '--days', '1', '--issuer', 'grid', '--out', 'c2.json');
    const [c1, c2] = ['c1.json', 'c2.json'].map((f) => JSON.parse(readFileSync(at(f), 'utf8')));
    assert.equal(c1.format, 'meterproof-challenge/1');
    assert.deepEqual([c1.meterId, c1.period], ['MTR-CLI', { start: '2023-01-01', days: 1 }]);
    assert.notEqual(c1.seed, c2.seed);
    assert.ok(BigInt(c1.seed) < 2n ** 248n);
  });

  test('refuses a bad meter id or day with one line', async () => {
    await fails(/meterId/, 'challenge', '--meter', 'bad id!', '--from', '2023-01-01', '--days', '1', '--issuer', 'grid', '--out', 'c3.json');
    await fails(/2023-02-30|no such day|invalid/i, 'challenge', '--meter', 'MTR-CLI', '--from', '2023-02-30', '--days', '1', '--issuer', 'grid', '--out', 'c3.json');
  });
});
