/**
 * `npm run bench:chain`: the on-chain rebate claim's numbers, written to docs/chain-bench.md and
 * docs/chain-bench.json (generated; do not edit by hand):
 *   - constraints of every claim instance beside the rebate result's at the same length (target: claim_31d
 *     ≤ 1.3 × rebate_31d);
 *   - proving time in Node (snarkjs) of claim_31d beside rebate_31d on the same readings (target ≤ 2×);
 *   - gas on Hardhat's in-process network: deploying each contract, registering a meter, a claim paid to
 *     a fresh address (target ≤ 300,000), and the verification alone.
 *
 *   npm run bench:chain [-- --runs 2] [-- --gas-only]
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Provider, Signer } from 'ethers';
import { claimArguments, contractAt, deployScheme, registerLeaves, registryTree } from '../cli/chain-client.js';
import { schemeContractName } from '../contracts/verifiers.js';
import { hardhat } from '../../../cli/hardhat.js';
import { setupCircuits } from '../../../cli/setup.js';
import { compileCircuit, r1csInfo } from '../../../circuits/compile.js';
import { artifactsOf, REPO_ROOT } from '../../../core/paths.js';
import { syntheticReadings } from '../../../core/synthetic.js';
import { dayOf } from '../../../core/time.js';
import { claimWitnessInput, packClaimSignals, parseChainScheme, registrationLeaf, RegistryTree } from '../claim/circuit.js';
import { exampleChainScheme } from '../claim/example.js';
import { claimFamily } from '../claim/kind.js';
import { rebateWitnessInput } from '../circuit.js';
import { getCircuit } from '../../registry.js';
import { assembleBundle, type Bundle } from '../../../meter/bundle.js';
import { MeterCore } from '../../../meter/meter-core.js';
import { generateMeterKey, type MeterKey } from '../../../meter/meter-key.js';
import { releaseCurve, snarkjsBackend } from '../../../prover/backend.js';
import { claimSignals, proveClaim, solidityProof } from '../prover/claim.js';

const arg = (name: string) => process.argv.includes(`--${name}`);
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 2;
const START = '2024-01-01';

/** A meter that certified `days` days of readings from `startDay`, and the bundle of those days. */
async function certified(key: MeterKey, startDay: number, readings: number[]): Promise<Bundle> {
  const core = await MeterCore.commission(key, startDay);
  const records = [];
  for (let d = 0; d < readings.length / 48; d++) records.push(await core.recordDay(readings.slice(d * 48, (d + 1) * 48)));
  return assembleBundle(key.meterId, key.publicKey, records, startDay, readings.length / 48);
}

async function constraints(): Promise<{ circuit: string; constraints: number; rebate: string; rebateConstraints: number; ratio: number }[]> {
  const rows = [];
  for (const c of claimFamily.circuits) {
    const rebate = getCircuit(c.id.replace('claim_', 'rebate_'));
    const n = (await r1csInfo(artifactsOf(c.id).r1cs)).nConstraints;
    const m = (await r1csInfo(artifactsOf(rebate.id).r1cs)).nConstraints;
    rows.push({ circuit: c.id, constraints: n, rebate: rebate.id, rebateConstraints: m, ratio: n / m });
  }
  return rows;
}

/** Median proving time (witness + proof) of claim_31d and rebate_31d on the same 31 days. */
async function provingTimes(key: MeterKey): Promise<{ claimMs: number; rebateMs: number; ratio: number; runs: number }> {
  const scheme = parseChainScheme(exampleChainScheme({ start: START, periodDays: 31, periods: 12 }));
  const bundle = await certified(key, dayOf(START), syntheticReadings(31, 5).map((x) => x >> 1));
  const tree = await RegistryTree.build([await registrationLeaf(key.meterId, key.publicKey)], claimFamily.circuits[0].params.depth);
  const claimC = getCircuit('claim_31d');
  const rebateC = getCircuit('rebate_31d');
  const claimInput = await claimWitnessInput({ bundle, scheme, periodIndex: 0, tree, payout: '0x000000000000000000000000000000000000dead' }, claimC);
  const rebateInput = rebateWitnessInput(bundle, { meterId: bundle.meterId, publicKey: bundle.publicKey, startDay: bundle.startDay, days: 31, scheme: scheme.rebate }, rebateC);
  const time = async (id: string, input: Record<string, unknown>) => {
    const a = artifactsOf(id);
    const t: number[] = [];
    for (let r = 0; r <= RUNS; r++) {
      const { timings } = await snarkjsBackend.prove(input, a.wasm, a.zkey);
      if (r > 0) t.push(timings.witnessMs + timings.proveMs); // the first run warms up
    }
    return t.sort((x, y) => x - y)[Math.floor(t.length / 2)];
  };
  // alternate, so that a change of load on a shared machine hits both
  const rebateMs = await time(rebateC.id, rebateInput);
  const claimMs = await time(claimC.id, claimInput);
  return { claimMs, rebateMs, ratio: claimMs / rebateMs, runs: RUNS };
}

interface GasRow {
  operation: string;
  gas: number;
  note: string;
}

async function gas(key: MeterKey): Promise<GasRow[]> {
  const hre = await hardhat();
  await hre.run('compile', { quiet: true });
  const provider = hre.ethers.provider as unknown as Provider;
  const [owner, relayer] = (await hre.ethers.getSigners()) as unknown as Signer[];
  const receiptGas = async (hash: string) => Number((await provider.getTransactionReceipt(hash))!.gasUsed);
  const schemeJson = exampleChainScheme({ start: START, periodDays: 1, periods: 365 });
  const first = await provider.getBlockNumber();
  const d = await deployScheme(owner, schemeJson, { budget: 10n ** 12n });
  // the deployment's transactions in order: registry, scheme (with its token and verifier), mint
  const deployGas: number[] = [];
  for (let b = first + 1; b <= (await provider.getBlockNumber()); b++) {
    const block = await provider.getBlock(b);
    for (const h of block!.transactions) deployGas.push(await receiptGas(h));
  }
  const rows: GasRow[] = [
    { operation: 'deploy MeterRegistry', gas: deployGas[0], note: `depth ${d.depth}, window of 32 roots` },
    { operation: `deploy ${schemeContractName(d.circuit)}`, gas: deployGas[1], note: 'the scheme, its ERC-20 budget (1 unit = 1 µp) and the Groth16 verifier generated by snarkjs from the project key (4 public signals)' },
    { operation: 'fund the scheme (mint its budget)', gas: deployGas[2], note: '' },
  ];
  const keys = [key, await generateMeterKey('MTR-BENCH-2'), await generateMeterKey('MTR-BENCH-3')];
  const leaves = await Promise.all(keys.map((k) => registrationLeaf(k.meterId, k.publicKey)));
  const one = await registerLeaves(owner, d.registry, d.depth, [leaves[0]], d.fromBlock);
  rows.push({ operation: 'register a meter', gas: Number(one.gasUsed), note: 'one leaf and the new root (computed off chain)' });
  const two = await registerLeaves(owner, d.registry, d.depth, leaves.slice(1), d.fromBlock);
  rows.push({ operation: 'register 2 meters in one batch', gas: Number(two.gasUsed), note: '' });

  const scheme = parseChainScheme(schemeJson);
  const bundle = await certified(key, scheme.gridStart + 10, syntheticReadings(1, 3).map((x) => x >> 2));
  const tree = await registryTree(provider, d.registry, d.depth, d.fromBlock);
  const fresh = hre.ethers.Wallet.createRandom().address;
  const claim = await proveClaim({ bundle, scheme, periodIndex: 10, tree, payout: fresh });
  const verifier = contractAt(schemeContractName(d.circuit), d.scheme, relayer);
  const args = claimArguments(claim);
  const p = solidityProof(claim.proof);
  const signals = packClaimSignals(claimSignals(claim), getCircuit(d.circuit));
  const verifyGas = await verifier.verifyProof.estimateGas([p[0], p[1]], [[p[2], p[3]], [p[4], p[5]]], [p[6], p[7]], signals);
  rows.push({ operation: 'verification alone (verifyProof as a transaction)', gas: Number(verifyGas), note: `pairing check, ${signals.length} public signals, 21,000 base` });
  const tx = await contractAt('RebateScheme', d.scheme, relayer).claim(...args);
  const claimGas = Number((await tx.wait()).gasUsed);
  if ((await provider.getTransactionCount(fresh)) !== 0 || ((await contractAt('RebateScheme', d.scheme, provider).balanceOf(fresh)) as bigint) !== BigInt(claim.rebate)) throw new Error('the payout address was not fresh or not paid');
  rows.push({ operation: 'claim() paid to a fresh address', gas: claimGas, note: 'checks, root, verification, nullifier, payout, event; target ≤ 300,000' });
  return rows;
}

const fmt = (n: number) => n.toLocaleString('en-GB');

async function main() {
  // keys for what is proved; the other instances are only counted
  await setupCircuits({ only: arg('gas-only') ? ['claim_1d'] : ['claim_1d', 'claim_31d', 'rebate_31d'], log: (m) => console.log(m) });
  if (!arg('gas-only')) for (const id of ['claim_7d', 'rebate_1d', 'rebate_7d']) await compileCircuit(getCircuit(id));
  const key = await generateMeterKey('MTR-BENCH-1');
  const gasRows = await gas(key);
  const circuitRows = arg('gas-only') ? [] : await constraints();
  const proving = arg('gas-only') ? undefined : await provingTimes(key);
  const claimGas = gasRows.find((r) => r.operation.startsWith('claim()'))!.gas;
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  const lines = [
    '# On-chain rebate claims: measured numbers',
    '',
    `Generated by \`npm run bench:chain\` (kinds/rebate/scripts/bench-chain.ts) on ${new Date().toISOString().slice(0, 10)}, ${machine}. Do not edit by hand.`,
    '',
    '## Gas (Hardhat network, solc 0.8.28, optimizer 10,000 runs, Cancun)',
    '',
    '| operation | gas | note |',
    '|---|---:|---|',
    ...gasRows.map((r) => `| ${r.operation} | ${fmt(r.gas)} | ${r.note} |`),
    '',
    `claim() target ≤ 300,000 gas: ${claimGas <= 300_000 ? 'met' : 'NOT met'} (${fmt(claimGas)}). Every claim instance's verifier has the same four public signals, so the gas is the same whatever the period length.`,
    '',
  ];
  if (circuitRows.length) {
    lines.push('## Constraints: claim beside the rebate result', '', '| claim circuit | constraints | rebate circuit | constraints | claim / rebate |', '|---|---:|---|---:|---:|');
    lines.push(...circuitRows.map((r) => `| ${r.circuit} | ${fmt(r.constraints)} | ${r.rebate} | ${fmt(r.rebateConstraints)} | ${r.ratio.toFixed(2)} |`), '');
    const r31 = circuitRows.find((r) => r.circuit === 'claim_31d')!;
    lines.push(`Target claim_31d ≤ 1.3 × rebate_31d: ${r31.ratio <= 1.3 ? 'met' : 'NOT met'} (${r31.ratio.toFixed(3)}).`, '');
  }
  if (proving) {
    lines.push('## Proving time in Node (snarkjs, witness + proof, median of runs after a warm-up)', '', '| circuit | ms |', '|---|---:|');
    lines.push(`| rebate_31d | ${fmt(Math.round(proving.rebateMs))} |`, `| claim_31d | ${fmt(Math.round(proving.claimMs))} |`, '');
    lines.push(`Target claim ≤ 2 × rebate: ${proving.ratio <= 2 ? 'met' : 'NOT met'} (${proving.ratio.toFixed(2)}×, ${proving.runs} run(s) each). On a shared machine the times move with its load; the ratio is the number to read.`, '');
  }
  writeFileSync(join(REPO_ROOT, 'docs', 'chain-bench.md'), lines.join('\n'));
  writeFileSync(join(REPO_ROOT, 'docs', 'chain-bench.json'), JSON.stringify({ machine, gas: gasRows, constraints: circuitRows, proving }, null, 2) + '\n');
  console.log(lines.join('\n'));
}

try {
  await main();
} finally {
  await releaseCurve();
}
process.exit(0);
