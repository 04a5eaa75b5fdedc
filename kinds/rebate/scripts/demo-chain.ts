/**
 * `npm run demo:chain`: a rebate scheme on a chain, end to end, with the `meterproof` command line on a
 * local Hardhat network this script starts (and stops at the end). Real readings of three London
 * households (../shared/data/lcl-2013) when present, generated ones otherwise.
 *
 *   three meters certify a week of readings → a weekly scheme is deployed and funded → the registrar
 *   registers the three meters → each household proves an anonymous claim paid to a fresh address (one
 *   whose week earns no rebate is told so) → two claims are paid → a double claim, a claim copied with an edited payout address and a claim sent to another
 *   scheme are refused, each with the contract's reason → the scheme's payouts are listed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { hasSharedData, SHARED_DATA } from '../../../core/shared-data.js';
import { syntheticReadings } from '../../../core/synthetic.js';
import { dayOf, firstSlotOfDay, isoDay, slotStart } from '../../../core/time.js';
import { REPO_ROOT } from '../../../core/paths.js';
import { exampleChainScheme } from '../claim/example.js';

const PORT = 8547;
const RPC = `http://127.0.0.1:${PORT}`;
const OUT = join(REPO_ROOT, 'out', 'demo-chain');
const WEEK = '2013-03-04';
const HOUSEHOLDS = ['MAC000002', 'MAC000005', 'MAC000009'];

const step = (text: string) => console.log(`\n── ${text}`);
const file = (name: string) => join(OUT, name);

/** Runs `meterproof …`; prints its output; returns whether it succeeded (`mayFail`: either outcome is part of the story). */
function meterproof(args: string[], o: { expectFailure?: boolean; mayFail?: boolean } = {}): boolean {
  console.log(`$ meterproof ${args.map((a) => (a.startsWith(OUT) ? a.replace(`${REPO_ROOT}/`, '') : a)).join(' ')}`);
  const r = spawnSync(process.execPath, ['bin/meterproof.js', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, METERPROOF_TSX: '1' } });
  const said = (r.stdout + r.stderr).trimEnd();
  if (said) console.log(said.replace(/^/gm, '  '));
  if (r.status !== 0 && !o.expectFailure && !o.mayFail) throw new Error(`meterproof ${args[0]} ${args[1] ?? ''} failed`);
  if (r.status === 0 && o.expectFailure) throw new Error(`meterproof ${args[0]} ${args[1] ?? ''} should have been refused`);
  return r.status === 0;
}

async function nodeAnswers(): Promise<boolean> {
  try {
    const res = await fetch(RPC, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' });
    return res.ok;
  } catch {
    return false;
  }
}

/** A week of readings for each household: its real CSV, or a generated one in the importer's generic layout. */
function readingsCsv(household: string, i: number): string {
  if (hasSharedData) return join(SHARED_DATA, 'lcl-2013', `${household}.csv`);
  const readings = syntheticReadings(7, 20 + i).map((x) => Math.round(x * (0.4 + 0.3 * i)));
  const first = firstSlotOfDay(dayOf(WEEK));
  const rows = readings.map((wh, s) => `${slotStart(first + s).toISOString()},${(wh / 1000).toFixed(3)}`);
  const path = file(`${household}.csv`);
  writeFileSync(path, ['timestamp,kwh', ...rows].join('\n') + '\n');
  return path;
}

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  step('circuit and keys: the weekly claim circuit (cached after the first run)');
  meterproof(['setup', '--circuit', 'claim_7d']);

  step(`a local Hardhat network on ${RPC}`);
  if (await nodeAnswers()) throw new Error(`something already listens on ${RPC}: stop it first`);
  const node = spawn(process.execPath, ['bin/meterproof.js', 'chain', 'node', '--port', String(PORT)], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, METERPROOF_TSX: '1' } });
  let nodeErrors = '';
  node.stderr.on('data', (d: Buffer) => (nodeErrors += d));
  try {
    for (let t = 0; !(await nodeAnswers()); t++) {
      if (t > 240 || node.exitCode !== null) throw new Error(`the local network did not start${nodeErrors ? `: ${nodeErrors.trim()}` : ''}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`  started (pid ${node.pid})`);
    await story();
  } finally {
    node.kill('SIGTERM');
  }
}

async function story(): Promise<void> {
  step(`three meters certify the week of ${WEEK} (${hasSharedData ? 'real readings of three London households' : 'generated readings: ../shared/data is absent'})`);
  const bundles = HOUSEHOLDS.map((h, i) => {
    meterproof(['meter', 'keygen', '--id', h, '--out', file(`${h}.key`)]);
    meterproof(['meter', 'sign', '--key', file(`${h}.key`), '--readings', readingsCsv(h, i), '--from', WEEK, '--days', '7', '--out', file(`${h}.bundle.json`)]);
    return file(`${h}.bundle.json`);
  });

  step('the scheme operator deploys a weekly scheme (10 kWh/day baseline, progressive brackets) with a £200 budget');
  writeFileSync(file('scheme.json'), JSON.stringify(exampleChainScheme({ id: 'warm-homes-2013', start: '2013-01-07', periodDays: 7, periods: 52 }), null, 2));
  meterproof(['chain', 'deploy', '--scheme', file('scheme.json'), '--budget', '200', '--rpc', RPC, '--out', file('deployment.json')]);
  const deployment = JSON.parse(readFileSync(file('deployment.json'), 'utf8'));

  step('the registrar registers the three meters (their leaves are public, which leaf a claim uses is not)');
  meterproof(['chain', 'register-meter', '--deployment', file('deployment.json'), '--bundle', ...bundles, '--rpc', RPC]);

  step('each household proves a claim for the week, payable to a fresh address; a household whose consumption earns nothing is told so and proves nothing');
  const claims: { n: number; file: string; bundle: string }[] = [];
  bundles.forEach((bundle, i) => {
    const claimFile = file(`claim-${i + 1}.json`);
    const args = ['claim', 'prove', '--bundle', bundle, '--scheme', file('deployment.json'), '--payout', Wallet.createRandom().address, '--rpc', RPC, '--out', claimFile];
    if (meterproof(args, { mayFail: true })) claims.push({ n: i + 1, file: claimFile, bundle });
  });
  if (claims.length < 2) throw new Error(`only ${claims.length} of the households earn a rebate this week: the story needs two`);
  const [first, second] = claims;

  step(`household ${first.n} submits its claim`);
  meterproof(['claim', 'submit', '--claim', first.file, '--scheme', file('deployment.json'), '--rpc', RPC]);

  step(`someone copies household ${second.n}'s claim from the pending transaction and edits the payout address`);
  const stolen = { ...JSON.parse(readFileSync(second.file, 'utf8')), payout: Wallet.createRandom().address.toLowerCase() };
  writeFileSync(file('claim-redirected.json'), JSON.stringify(stolen, null, 2));
  meterproof(['claim', 'submit', '--claim', file('claim-redirected.json'), '--scheme', file('deployment.json'), '--rpc', RPC], { expectFailure: true });
  step(`household ${second.n} submits its own claim`);
  meterproof(['claim', 'submit', '--claim', second.file, '--scheme', file('deployment.json'), '--rpc', RPC]);

  step(`household ${first.n} claims the same week again, with a new proof to another fresh address: the nullifier is the same`);
  meterproof(['claim', 'prove', '--bundle', first.bundle, '--scheme', file('deployment.json'), '--payout', Wallet.createRandom().address, '--rpc', RPC, '--out', file('claim-again.json')]);
  meterproof(['claim', 'submit', '--claim', file('claim-again.json'), '--scheme', file('deployment.json'), '--rpc', RPC], { expectFailure: true });

  step(`another scheme on the same registry; household ${first.n}'s claim sent there is refused (its commitment is the first scheme's)`);
  writeFileSync(file('scheme-2.json'), JSON.stringify(exampleChainScheme({ id: 'cold-snap-2013', start: '2013-01-07', periodDays: 7, periods: 52 }), null, 2));
  meterproof(['chain', 'deploy', '--scheme', file('scheme-2.json'), '--registry', deployment.registry, '--budget', '50', '--rpc', RPC, '--out', file('deployment-2.json')]);
  meterproof(['claim', 'submit', '--claim', first.file, '--scheme', file('deployment-2.json'), '--rpc', RPC], { expectFailure: true });

  step("the scheme's public ledger: who was paid what for which week — no meter, no household, no reading");
  meterproof(['claim', 'list', '--scheme', file('deployment.json'), '--rpc', RPC]);
  console.log(`\nThe files are in ${OUT.replace(`${REPO_ROOT}/`, '')}/ (period ${isoDay(dayOf(WEEK))} + 7 days).`);
}

await main();
process.exit(0);
