/**
 * Talking to a rebate scheme's contracts (kinds/rebate/contracts/) with ethers: deploying them, registering meters,
 * rebuilding the registry's tree from its events, submitting claims, listing payouts. The command line
 * (kinds/rebate/cli/chain.ts), the demo, the benchmark and the contract tests share these.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Contract, ContractFactory, getAddress, Interface, isError, type ContractRunner, type Provider, type Signer, type TransactionReceipt } from 'ethers';
import { REPO_ROOT } from '../../../core/paths.js';
import { claimCircuitFor } from '../claim/kind.js';
import { parseChainScheme, RegistryTree, schemeCommitment, type ChainSchemeJson } from '../claim/circuit.js';
import { solidityProof, type ClaimFile } from '../prover/claim.js';
import { CONTRACTS, schemeContractName } from '../contracts/verifiers.js';

const ARTIFACTS = join(REPO_ROOT, 'build', 'hardhat', 'artifacts', relative(REPO_ROOT, CONTRACTS));

/** A compiled contract (Hardhat's artifact): its ABI and creation bytecode. */
export function contractArtifact(name: string): { abi: any[]; bytecode: string } {
  const file = /^Claim\w+(Verifier|Scheme)$/.test(name) ? join(ARTIFACTS, 'generated', `${name}.sol`, `${name}.json`) : join(ARTIFACTS, `${name}.sol`, `${name}.json`);
  if (!existsSync(file)) throw new Error(`contract ${name} is not compiled: run "meterproof chain deploy" (it compiles) or "npx tsx cli/hardhat.ts compile"`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

export const contractAt = (name: string, address: string, runner: ContractRunner) => new Contract(address, contractArtifact(name).abi, runner);

/** Every error the contracts declare, to name a revert; read when first needed, since loading this module must not require compiled contracts (`chain node` compiles them). */
let errors: Interface | undefined;
const contractErrors = () =>
  (errors ??= new Interface(['RebateScheme', 'MeterRegistry', 'RebateToken'].flatMap((n) => contractArtifact(n).abi.filter((f: { type: string }) => f.type === 'error'))));

/** "AlreadyClaimed(123…)" for a reverted call or transaction; the message otherwise. */
export function revertReason(e: unknown): string {
  const data = (e as { data?: string; info?: { error?: { data?: string } } }).data ?? (e as { info?: { error?: { data?: string } } }).info?.error?.data;
  if (typeof data === 'string' && data.length >= 10) {
    const parsed = contractErrors().parseError(data);
    if (parsed) return `${parsed.name}(${parsed.args.map(String).join(', ')})`;
  }
  if (isError(e, 'CALL_EXCEPTION') && e.reason) return e.reason;
  return (e as Error).message.split('\n')[0];
}

export const DEPLOYMENT_FORMAT = 'meterproof-chain-deployment/1';

/** What `chain deploy` writes: where the scheme's contracts are and the scheme they serve. */
export interface Deployment {
  format: typeof DEPLOYMENT_FORMAT;
  chainId: string;
  circuit: string;
  depth: number;
  /** the block the deployment started in (events are read from there) */
  fromBlock: number;
  registry: string;
  /** the scheme contract: also its budget's ERC-20 and its claims' verifier */
  scheme: string;
  schemeCommitment: string;
  schemeDocument: ChainSchemeJson;
}

export function parseDeployment(json: unknown, what: string): Deployment {
  const d = json as Deployment;
  if (d?.format !== DEPLOYMENT_FORMAT || ![d.registry, d.scheme].every((a) => typeof a === 'string' && /^0x[0-9a-fA-F]{40}$/.test(a))) {
    throw new Error(`${what} is not a ${DEPLOYMENT_FORMAT} file`);
  }
  parseChainScheme(d.schemeDocument);
  return d;
}

async function deploy(name: string, signer: Signer, ...args: unknown[]): Promise<Contract> {
  const { abi, bytecode } = contractArtifact(name);
  const c = await new ContractFactory(abi, bytecode, signer).deploy(...args);
  await c.waitForDeployment();
  return c as Contract;
}

/**
 * Deploys a scheme (Claim<n>dScheme for its period length: contract, token and verifier in one) and, unless
 * given, a meter registry whose registrar is `signer`; `signer` is the scheme's treasury and mints
 * `budget` µp to it.
 */
export async function deployScheme(signer: Signer, schemeJson: ChainSchemeJson, o: { budget: bigint; registry?: string }): Promise<Deployment> {
  const scheme = parseChainScheme(schemeJson);
  const circuit = claimCircuitFor(scheme.periodDays);
  const provider = signer.provider!;
  const fromBlock = await provider.getBlockNumber();
  const me = await signer.getAddress();
  const registry = o.registry ? contractAt('MeterRegistry', o.registry, signer) : await deploy('MeterRegistry', signer, me, circuit.params.depth);
  if (o.registry && Number(await registry.depth()) !== circuit.params.depth) throw new Error(`the registry's tree has depth ${await registry.depth()}, circuit ${circuit.id} takes ${circuit.params.depth}`);
  const commitment = await schemeCommitment(scheme, circuit.params.brackets);
  const rebateScheme = await deploy(schemeContractName(circuit.id), signer, await registry.getAddress(), me, commitment, scheme.gridStart, scheme.periodDays, scheme.periods);
  if (o.budget > 0n) await (await rebateScheme.mint(await rebateScheme.getAddress(), o.budget)).wait();
  return {
    format: DEPLOYMENT_FORMAT,
    chainId: String((await provider.getNetwork()).chainId),
    circuit: circuit.id,
    depth: circuit.params.depth,
    fromBlock,
    registry: await registry.getAddress(),
    scheme: await rebateScheme.getAddress(),
    schemeCommitment: String(commitment),
    schemeDocument: schemeJson,
  };
}

/**
 * The registry's tree rebuilt from its MetersAdded events. Every root the registrar published is checked
 * against the leaves published with it: a registrar cannot slip in meters nobody can see.
 */
export async function registryTree(provider: Provider, registry: string, depth: number, fromBlock = 0): Promise<RegistryTree> {
  const c = contractAt('MeterRegistry', registry, provider);
  const events = await c.queryFilter(c.filters.MetersAdded(), fromBlock);
  const tree = await RegistryTree.build([], depth);
  for (const e of events as unknown as { args: { firstIndex: bigint; leaves: bigint[]; root: bigint } }[]) {
    if (Number(e.args.firstIndex) !== tree.size) throw new Error(`the registry's events skip leaves ${tree.size}..${e.args.firstIndex}`);
    for (const leaf of e.args.leaves) await tree.append(leaf);
    if (tree.root !== e.args.root) throw new Error(`the registry published root ${e.args.root} for ${tree.size} leaves whose root is ${tree.root}`);
  }
  return tree;
}

/** Adds leaves to the registry with the new root; returns the receipt. */
export async function registerLeaves(signer: Signer, registry: string, depth: number, leaves: bigint[], fromBlock = 0): Promise<TransactionReceipt> {
  const tree = await registryTree(signer.provider!, registry, depth, fromBlock);
  for (const leaf of leaves) await tree.append(leaf);
  const tx = await contractAt('MeterRegistry', registry, signer).addMeters(leaves, tree.root);
  return tx.wait();
}

/** The arguments of RebateScheme.claim for a claim file. */
export function claimArguments(f: ClaimFile): [bigint[], bigint, bigint, bigint, number, string, bigint] {
  return [solidityProof(f.proof), BigInt(f.root), BigInt(f.nullifier), BigInt(f.schemeCommitment), f.period.index, getAddress(f.payout), BigInt(f.rebate)];
}

export interface Payout {
  nullifier: string;
  periodIndex: number;
  payout: string;
  /** µp */
  rebate: bigint;
  block: number;
  tx: string;
}

/** Every Claimed event of a scheme: the public ledger of its payouts. */
export async function listPayouts(provider: Provider, scheme: string, fromBlock = 0): Promise<Payout[]> {
  const c = contractAt('RebateScheme', scheme, provider);
  const events = await c.queryFilter(c.filters.Claimed(), fromBlock);
  return (events as unknown as { args: { nullifier: bigint; periodIndex: bigint; payout: string; rebate: bigint }; blockNumber: number; transactionHash: string }[]).map((e) => ({
    nullifier: String(e.args.nullifier),
    periodIndex: Number(e.args.periodIndex),
    payout: e.args.payout,
    rebate: e.args.rebate,
    block: e.blockNumber,
    tx: e.transactionHash,
  }));
}
