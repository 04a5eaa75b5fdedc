/**
 * `meterproof chain node|deploy|register-meter` and `meterproof claim prove|submit|list`: rebate schemes on
 * a chain (../contracts/, ../claim/). The rebate kind's declaration names this module (`cli`); the main CLI
 * calls its registerCommands(program).
 *
 * Nothing is sent before every check that can be made locally has passed: the files parse, the RPC URL
 * answers, the contracts are on that chain, the claim's proof verifies offline, and the claim's
 * transaction succeeds in a dry run (eth_call) — a claim the contract would refuse prints its reason and
 * sends nothing.
 */
import type { JsonRpcProvider, Signer } from 'ethers';
import type { Command } from 'commander';
import { isoDay } from '../../../core/time.js';
import { microPenceToPounds } from '../../../core/units.js';
import type { Deployment } from './chain-client.js';
import { readJson, readText, UsageError, writeJson } from '../../../cli/io.js';

// The commands load ethers, snarkjs and Hardhat when they run, so that `meterproof --help` does not (cli/main.ts).
const load = async () => {
  const [ethers, client, circuit, prover, bundle, hh] = await Promise.all([import('ethers'), import('./chain-client.js'), import('../claim/circuit.js'), import('../prover/claim.js'), import('../../../meter/bundle.js'), import('../../../cli/hardhat.js')]);
  return { ...ethers, ...client, ...circuit, ...prover, ...bundle, ...hh };
};

const DEFAULT_RPC = 'http://127.0.0.1:8545';

/** A provider for `rpc` once it has answered eth_chainId (ethers alone would retry forever). */
export async function connect(rpc: string): Promise<JsonRpcProvider> {
  let url: URL;
  try {
    url = new URL(rpc);
  } catch {
    throw new UsageError(`--rpc "${rpc}" is not a URL`);
  }
  if (!/^https?:$/.test(url.protocol)) throw new UsageError(`--rpc "${rpc}" is not an http(s) URL`);
  let chainId: bigint;
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }), signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { result?: string };
    if (typeof body.result !== 'string') throw new Error('no chain id in the answer');
    chainId = BigInt(body.result);
  } catch (e) {
    throw new UsageError(`cannot reach an Ethereum node at ${rpc}: ${((e as Error).cause as Error)?.message ?? (e as Error).message}`);
  }
  const { JsonRpcProvider, Network } = await import('ethers');
  return new JsonRpcProvider(rpc, undefined, { staticNetwork: Network.from(chainId) });
}

/** The key in `keyFile` (hex private key), else the node's first unlocked account (a local Hardhat node). */
async function signerFor(provider: JsonRpcProvider, keyFile: string | undefined, account = 0): Promise<Signer> {
  if (keyFile) {
    const hex = readText(keyFile, 'key file').trim();
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(hex)) throw new UsageError(`key file ${keyFile} does not hold a hex private key`);
    const { Wallet } = await import('ethers');
    return new Wallet(hex.startsWith('0x') ? hex : `0x${hex}`, provider);
  }
  const accounts = (await provider.send('eth_accounts', [])) as string[];
  if (accounts.length <= account) throw new UsageError('the node has no unlocked account to send from: give --key-file');
  return provider.getSigner(accounts[account]);
}

/** The deployment file, checked against the chain: same chain id, contracts present. */
async function deploymentOn(provider: JsonRpcProvider, path: string, rpc: string): Promise<Deployment> {
  const { parseDeployment } = await import('./chain-client.js');
  let d: Deployment;
  try {
    d = parseDeployment(readJson(path, 'deployment file'), `deployment file ${path}`);
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError((e as Error).message);
  }
  const chainId = String((await provider.getNetwork()).chainId);
  if (chainId !== d.chainId) throw new UsageError(`${path} is a deployment on chain ${d.chainId}, ${rpc} is chain ${chainId}`);
  for (const [name, address] of [['RebateScheme', d.scheme], ['MeterRegistry', d.registry]] as const) {
    if ((await provider.getCode(address)) === '0x') throw new UsageError(`no ${name} at ${address} on ${rpc}: the chain does not hold the contracts of ${path} (restarted node?)`);
  }
  return d;
}

async function payoutAddress(text: string): Promise<string> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) throw new UsageError(`--payout "${text}" is not an address (0x and 40 hex digits)`);
  const { getAddress } = await import('ethers');
  try {
    return getAddress(text);
  } catch {
    throw new UsageError(`--payout "${text}" fails its checksum (mixed-case address with a typo?)`);
  }
}

function pounds(text: string): bigint {
  if (!/^\d+(\.\d{1,8})?$/.test(text)) throw new UsageError(`--budget must be an amount in pounds (up to 8 decimals), got "${text}"`);
  const [whole, frac = ''] = text.split('.');
  return BigInt(whole) * 100_000_000n + BigInt(frac.padEnd(8, '0'));
}

export function registerCommands(program: Command): void {
  const chain = program.command('chain').description('rebate schemes on a chain: local node, contracts, meter registry');

  chain
    .command('node')
    .description('run a local Hardhat network (Ctrl-C stops it)')
    .option('--port <n>', 'port', '8545')
    .option('--hostname <host>', 'interface to listen on', '127.0.0.1')
    .action(async (o: { port: string; hostname: string }) => {
      const { hardhat } = await load();
      if (!/^\d+$/.test(o.port) || Number(o.port) < 1 || Number(o.port) > 65535) throw new UsageError(`--port must be 1-65535, got "${o.port}"`);
      const hre = await hardhat();
      await hre.run('compile', { quiet: true });
      await hre.run('node', { port: Number(o.port), hostname: o.hostname });
    });

  chain
    .command('deploy')
    .description('deploy a scheme (contract, budget token and claim verifier in one) and, unless given, a meter registry; fund it')
    .requiredOption('--scheme <file>', 'chain scheme document (meterproof-chain-scheme/1)')
    .requiredOption('--out <file>', 'deployment file to write (addresses and the scheme)')
    .option('--budget <pounds>', "the scheme's budget, minted in the token", '0')
    .option('--registry <address>', 'use an existing meter registry')
    .option('--rpc <url>', 'Ethereum JSON-RPC URL', DEFAULT_RPC)
    .option('--key-file <file>', 'hex private key of the sender (default: the node\'s first account)')
    .action(async (o: { scheme: string; out: string; budget: string; registry?: string; rpc: string; keyFile?: string }) => {
      const { compileContracts, parseChainScheme, deployScheme } = await load();
      const json = readJson(o.scheme, 'chain scheme');
      try {
        parseChainScheme(json);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const budget = pounds(o.budget);
      const provider = await connect(o.rpc);
      const signer = await signerFor(provider, o.keyFile);
      compileContracts(); // the verifiers of the keys built now
      const d = await deployScheme(signer, json as Deployment['schemeDocument'], { budget, registry: o.registry });
      writeJson(o.out, d);
      console.log(`scheme ${d.schemeDocument.id} at ${d.scheme} (${d.circuit}; its token GBPR), registry ${d.registry}, budget ${microPenceToPounds(budget)} → ${o.out}`);
    });

  chain
    .command('register-meter')
    .description("add meters to the scheme's registry (the registrar's account)")
    .requiredOption('--deployment <file>', 'deployment file (chain deploy --out)')
    .option('--bundle <files...>', "meters by a certified readings bundle of theirs (its meter id and public key)")
    .option('--meter-id <id>', 'a meter by id …')
    .option('--public-key <Ax,Ay>', '… and public key (decimal)')
    .option('--rpc <url>', 'Ethereum JSON-RPC URL', DEFAULT_RPC)
    .option('--key-file <file>', "hex private key of the registrar (default: the node's first account)")
    .action(async (o: { deployment: string; bundle?: string[]; meterId?: string; publicKey?: string; rpc: string; keyFile?: string }) => {
      const { readBundle, registrationLeaf, registryTree, registerLeaves, revertReason } = await load();
      const meters: { meterId: string; publicKey: [bigint, bigint] }[] = (o.bundle ?? []).map((f) => {
        try {
          return readBundle(f);
        } catch (e) {
          throw new UsageError(`cannot use bundle ${f}: ${(e as Error).message}`);
        }
      });
      if (o.meterId || o.publicKey) {
        const m = /^(\d+),(\d+)$/.exec(o.publicKey ?? '');
        if (!o.meterId || !m) throw new UsageError('give --meter-id with --public-key <Ax,Ay> (two decimal numbers)');
        meters.push({ meterId: o.meterId, publicKey: [BigInt(m[1]), BigInt(m[2])] });
      }
      if (meters.length === 0) throw new UsageError('no meter given: --bundle <files…> or --meter-id with --public-key');
      const leaves = await Promise.all(meters.map((m) => registrationLeaf(m.meterId, m.publicKey).catch((e: Error) => Promise.reject(new UsageError(e.message)))));
      const provider = await connect(o.rpc);
      const d = await deploymentOn(provider, o.deployment, o.rpc);
      const tree = await registryTree(provider, d.registry, d.depth, d.fromBlock);
      const already = meters.filter((_, i) => tree.indexOf(leaves[i]) >= 0);
      if (already.length) throw new UsageError(`already registered: ${already.map((m) => m.meterId).join(', ')}`);
      const receipt = await registerLeaves(await signerFor(provider, o.keyFile), d.registry, d.depth, leaves, d.fromBlock).catch((e) => Promise.reject(new Error(`registration refused: ${revertReason(e)}`)));
      console.log(`registered ${meters.map((m) => m.meterId).join(', ')} (leaves ${tree.size}..${tree.size + leaves.length - 1}; block ${receipt.blockNumber}, gas ${receipt.gasUsed})`);
    });

  const claim = program.command('claim').description('anonymous rebate claims on a scheme contract (kinds/rebate/claim)');

  claim
    .command('prove')
    .description("prove a claim for the bundle's period: registered meter, rebate, nullifier, payout address; names no meter")
    .requiredOption('--bundle <file>', "the period's certified readings bundle")
    .requiredOption('--scheme <file>', "the scheme's deployment file (chain deploy --out)")
    .requiredOption('--payout <address>', 'where the rebate is paid (a fresh address keeps payouts unlinkable)')
    .requiredOption('--out <file>', 'claim file to write')
    .option('--rpc <url>', 'Ethereum JSON-RPC URL (the registry is read from the chain)', DEFAULT_RPC)
    .action(async (o: { bundle: string; scheme: string; payout: string; out: string; rpc: string }) => {
      const { parseChainScheme, readBundle, registryTree, periodStartingOn, proveClaim, gridPeriod } = await load();
      const payout = await payoutAddress(o.payout);
      let bundle;
      try {
        bundle = readBundle(o.bundle);
      } catch (e) {
        throw new UsageError(`cannot use bundle ${o.bundle}: ${(e as Error).message}`);
      }
      const provider = await connect(o.rpc);
      const d = await deploymentOn(provider, o.scheme, o.rpc);
      const scheme = parseChainScheme(d.schemeDocument);
      const periodIndex = periodStartingOn(scheme, bundle.startDay);
      if (periodIndex === undefined || bundle.days !== scheme.periodDays) {
        throw new UsageError(`the bundle covers ${isoDay(bundle.startDay)} + ${bundle.days} day(s), which is no period of scheme ${scheme.id} (periods of ${scheme.periodDays} day(s) from ${isoDay(scheme.gridStart)}, ${scheme.periods} of them)`);
      }
      const tree = await registryTree(provider, d.registry, d.depth, d.fromBlock);
      const file = await proveClaim({ bundle, scheme, periodIndex, tree, payout }).catch((e: Error) => Promise.reject(new UsageError(e.message)));
      writeJson(o.out, file);
      const p = gridPeriod(scheme, periodIndex);
      console.log(`claim for period ${periodIndex} (${isoDay(p.startDay)} + ${p.days} day(s)) of ${scheme.id}: rebate ${file.rebate} µp (${microPenceToPounds(BigInt(file.rebate))}) to ${payout} → ${o.out}`);
    });

  claim
    .command('submit')
    .description('send a claim to its scheme; a claim the contract would refuse prints its reason and sends nothing')
    .requiredOption('--claim <file>', 'claim file (claim prove --out)')
    .requiredOption('--scheme <file>', "the scheme's deployment file")
    .option('--rpc <url>', 'Ethereum JSON-RPC URL', DEFAULT_RPC)
    .option('--key-file <file>', "hex private key paying the gas (default: the node's first account); it is public, the payout address is the claim's")
    .action(async (o: { claim: string; scheme: string; rpc: string; keyFile?: string }) => {
      const { revertReason, readClaimFile, verifyClaimOffline, contractAt, claimArguments, getAddress } = await load();
      let file;
      try {
        file = readClaimFile(o.claim);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const provider = await connect(o.rpc);
      const d = await deploymentOn(provider, o.scheme, o.rpc);
      if (file.scheme !== d.schemeDocument.id) console.error(`note: the claim names scheme ${file.scheme}, the deployment is scheme ${d.schemeDocument.id}`);
      if (!(await verifyClaimOffline(file).catch(() => false))) console.error('note: the proof does not verify offline for these values (an edited claim file?); the contract will refuse it');
      const scheme = contractAt('RebateScheme', d.scheme, await signerFor(provider, o.keyFile));
      const args = claimArguments(file);
      try {
        await scheme.claim.staticCall(...args);
      } catch (e) {
        throw new Error(`the scheme refuses the claim: ${revertReason(e)} (nothing sent)`);
      }
      const receipt = await (await scheme.claim(...args)).wait().catch((e: unknown) => Promise.reject(new Error(`the claim transaction reverted: ${revertReason(e)}`)));
      console.log(`paid ${file.rebate} µp (${microPenceToPounds(BigInt(file.rebate))}) to ${getAddress(file.payout)} for period ${file.period.index}: tx ${receipt!.hash}, gas ${receipt!.gasUsed}`);
    });

  claim
    .command('list')
    .description("a scheme's payouts (its Claimed events): period, nullifier, payout address, rebate")
    .requiredOption('--scheme <file>', "the scheme's deployment file")
    .option('--rpc <url>', 'Ethereum JSON-RPC URL', DEFAULT_RPC)
    .option('--json', 'print JSON')
    .action(async (o: { scheme: string; rpc: string; json?: boolean }) => {
      const { parseChainScheme, gridPeriod, contractAt, listPayouts } = await load();
      const provider = await connect(o.rpc);
      const d = await deploymentOn(provider, o.scheme, o.rpc);
      const payouts = await listPayouts(provider, d.scheme, d.fromBlock);
      if (o.json) return void console.log(JSON.stringify(payouts, (_, v) => (typeof v === 'bigint' ? String(v) : v), 2));
      const scheme = parseChainScheme(d.schemeDocument);
      const remaining = (await contractAt('RebateScheme', d.scheme, provider).balanceOf(d.scheme)) as bigint;
      console.log(`scheme ${scheme.id} at ${d.scheme}: ${payouts.length} payout(s), ${microPenceToPounds(payouts.reduce((a, p) => a + p.rebate, 0n))} paid, ${microPenceToPounds(remaining)} left`);
      for (const p of payouts) {
        const period = gridPeriod(scheme, p.periodIndex);
        console.log(`  period ${String(p.periodIndex).padStart(3)} (${isoDay(period.startDay)})  ${p.payout}  ${microPenceToPounds(p.rebate).padStart(10)}  nullifier ${p.nullifier.slice(0, 12)}…  block ${p.block}`);
      }
    });
}
