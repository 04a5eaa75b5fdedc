/// <reference types="mocha" />
/**
 * The rebate scheme's contracts on Hardhat's in-process network, with real claims proved on the 1-day
 * claim circuit (built by `npm test`'s setup): the accepted claim and every way claim() refuses one.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import hre from 'hardhat';
import { buildBn128 } from 'ffjavascript';
import type { Contract, Provider, Signer } from 'ethers';
import { deployScheme, claimArguments, contractAt, listPayouts, registerLeaves, registryTree, revertReason, type Deployment } from '../cli/chain-client.js';
import { artifactsOf } from '../../../core/paths.js';
import { dayOf } from '../../../core/time.js';
import { parseChainScheme, registrationLeaf } from '../claim/circuit.js';
import { exampleChainScheme } from '../claim/example.js';
import { generateMeterKey, type MeterKey } from '../../../meter/meter-key.js';
import { releaseCurve } from '../../../prover/backend.js';
import { proveClaim, solidityProof, verifyClaimOffline, type ClaimFile } from '../prover/claim.js';
import { rerandomizeProof } from '../../../verifier-api/rerandomize.js';
import { certifyPeriod, syntheticReadings } from '../../../test/support/fixtures.js';

const START = '2023-01-02';
const schemeJson = exampleChainScheme({ start: START, periodDays: 1, periods: 20 });
const scheme = parseChainScheme(schemeJson);
const BUDGET = 100_000_000_000n; // £1,000 in µp
// Hardhat's ethers wrappers, as the plain ethers types the chain client takes
const provider = () => hre.ethers.provider as unknown as Provider;

describe('RebateScheme.claim', function () {
  let owner: Signer;
  let d: Deployment;
  let rebateScheme: Contract;
  let token: Contract;
  let keys: MeterKey[];
  let claim: ClaimFile;
  let snapshot: string;

  /** A claim by meter `m` for period `index`, paid to `payout`, against the registry's current tree. */
  async function prove(m: number, index: number, payout: string): Promise<ClaimFile> {
    const readings = syntheticReadings(1, 10 + m + index).map((x) => x >> 2); // below the threshold: a rebate
    const { bundle } = await certifyPeriod({ startDay: dayOf(START) + index, readings, key: keys[m] });
    const tree = await registryTree(provider(), d.registry, d.depth, d.fromBlock);
    return proveClaim({ bundle, scheme, periodIndex: index, tree, payout });
  }
  const submit = (f: ClaimFile, on = rebateScheme) => on.claim(...claimArguments(f));
  const freshAddress = () => hre.ethers.Wallet.createRandom().address;

  before(async function () {
    owner = (await hre.ethers.getSigners())[0] as unknown as Signer;
    d = await deployScheme(owner, schemeJson, { budget: BUDGET });
    rebateScheme = contractAt('RebateScheme', d.scheme, owner);
    token = rebateScheme; // the scheme is its own budget's token
    keys = await Promise.all(['MTR-1', 'MTR-2', 'MTR-3'].map((id) => generateMeterKey(id)));
    await registerLeaves(owner, d.registry, d.depth, await Promise.all(keys.map((k) => registrationLeaf(k.meterId, k.publicKey))), d.fromBlock);
    claim = await prove(0, 2, freshAddress());
    snapshot = await hre.network.provider.send('evm_snapshot');
  });
  afterEach(async () => {
    await hre.network.provider.send('evm_revert', [snapshot]);
    snapshot = await hre.network.provider.send('evm_snapshot');
  });
  after(releaseCurve);

  it('pays a valid claim to its payout address and records it', async () => {
    expect(await verifyClaimOffline(claim)).to.equal(true);
    await expect(submit(claim)).to.emit(rebateScheme, 'Claimed').withArgs(BigInt(claim.nullifier), 2n, hre.ethers.getAddress(claim.payout), BigInt(claim.rebate));
    expect(await token.balanceOf(claim.payout)).to.equal(BigInt(claim.rebate));
    expect(await token.balanceOf(d.scheme)).to.equal(BUDGET - BigInt(claim.rebate));
    expect(await rebateScheme.spent(BigInt(claim.nullifier))).to.equal(true);
    const payouts = await listPayouts(provider(), d.scheme, d.fromBlock);
    expect(payouts.map((p) => [p.nullifier, p.periodIndex, p.rebate])).to.deep.equal([[claim.nullifier, 2, BigInt(claim.rebate)]]);
  });

  it('refuses an invalid proof', async () => {
    const broken = structuredClone(claim);
    broken.proof.pi_c = claim.proof.pi_a; // a valid point, not the proof's
    await expect(submit(broken)).to.be.revertedWithCustomError(rebateScheme, 'InvalidProof');
  });

  it('refuses a claim whose payout was edited (a copied claim redirected)', async () => {
    await expect(submit({ ...claim, payout: freshAddress() })).to.be.revertedWithCustomError(rebateScheme, 'InvalidProof');
  });

  it('refuses an edited rebate', async () => {
    await expect(submit({ ...claim, rebate: String(BigInt(claim.rebate) + 1n) })).to.be.revertedWithCustomError(rebateScheme, 'InvalidProof');
  });

  it('refuses the zero payout address', async () => {
    await expect(submit({ ...claim, payout: hre.ethers.ZeroAddress })).to.be.revertedWithCustomError(rebateScheme, 'ZeroPayout');
  });

  it('refuses an unknown root', async () => {
    await expect(submit({ ...claim, root: '12345' })).to.be.revertedWithCustomError(rebateScheme, 'UnknownRoot').withArgs(12345n);
  });

  it('accepts a slightly older root, refuses an expired one', async () => {
    const registry = contractAt('MeterRegistry', d.registry, owner);
    const window = Number(await registry.ROOT_WINDOW());
    // window - 1 more roots: the claim's root is still among the last `window`
    for (let i = 0; i < window - 1; i++) await registerLeaves(owner, d.registry, d.depth, [BigInt(1000 + i)], d.fromBlock);
    expect(await registry.isKnownRoot(BigInt(claim.root))).to.equal(true);
    const id = await hre.network.provider.send('evm_snapshot');
    await expect(submit(claim)).to.emit(rebateScheme, 'Claimed');
    await hre.network.provider.send('evm_revert', [id]);
    await registerLeaves(owner, d.registry, d.depth, [999n], d.fromBlock);
    await expect(submit(claim)).to.be.revertedWithCustomError(rebateScheme, 'UnknownRoot');
  });

  it('refuses a spent nullifier: the same claim twice, and to another payout', async () => {
    await (await submit(claim)).wait();
    await expect(submit(claim)).to.be.revertedWithCustomError(rebateScheme, 'AlreadyClaimed').withArgs(BigInt(claim.nullifier));
    const again = await prove(0, 2, freshAddress()); // the same meter and period proved again by its household
    expect(again.nullifier).to.equal(claim.nullifier);
    await expect(submit(again)).to.be.revertedWithCustomError(rebateScheme, 'AlreadyClaimed');
  });

  it('refuses a re-randomised proof of a spent claim (a valid proof with other bytes)', async () => {
    await (await submit(claim)).wait();
    const curve = await buildBn128();
    const vkey = JSON.parse(readFileSync(artifactsOf(d.circuit).vkey, 'utf8'));
    const other = { ...claim, proof: rerandomizeProof(curve, vkey, claim.proof) as ClaimFile['proof'] };
    expect(solidityProof(other.proof)).to.not.deep.equal(solidityProof(claim.proof));
    expect(await verifyClaimOffline(other)).to.equal(true);
    await expect(submit(other)).to.be.revertedWithCustomError(rebateScheme, 'AlreadyClaimed');
  });

  it('refuses a claim made for another scheme (wrong commitment)', async () => {
    const other = await deployScheme(owner, exampleChainScheme({ id: 'other-scheme', start: START, periodDays: 1, periods: 20 }), { budget: BUDGET, registry: d.registry });
    const otherScheme = contractAt('RebateScheme', other.scheme, owner);
    await expect(submit(claim, otherScheme)).to.be.revertedWithCustomError(otherScheme, 'WrongScheme').withArgs(BigInt(claim.schemeCommitment), BigInt(other.schemeCommitment));
  });

  it('refuses a period off the grid', async () => {
    await expect(submit({ ...claim, period: { ...claim.period, index: scheme.periods } })).to.be.revertedWithCustomError(rebateScheme, 'PeriodOffGrid').withArgs(BigInt(scheme.periods), BigInt(scheme.periods));
  });

  it('refuses a claim beyond the remaining budget', async () => {
    // the same scheme deployed again with a budget 1 µp short of the claim: the claim is valid there too
    const poor = await deployScheme(owner, schemeJson, { budget: BigInt(claim.rebate) - 1n, registry: d.registry });
    const poorScheme = contractAt('RebateScheme', poor.scheme, owner);
    await expect(submit(claim, poorScheme)).to.be.revertedWithCustomError(poorScheme, 'BudgetExhausted').withArgs(BigInt(claim.rebate), BigInt(claim.rebate) - 1n);
  });

  it('refuses to prove a claim for a period that earns nothing (no proof, no nullifier spent)', async () => {
    const readings = syntheticReadings(1, 40).map(() => 500); // 24 kWh for the day: above the 10 kWh threshold
    const { bundle } = await certifyPeriod({ startDay: dayOf(START) + 4, readings, key: keys[1] });
    const tree = await registryTree(provider(), d.registry, d.depth, d.fromBlock);
    let refusal: unknown;
    await proveClaim({ bundle, scheme, periodIndex: 4, tree, payout: freshAddress() }).catch((e) => (refusal = e));
    expect(String(refusal)).to.match(/no rebate is due for period 4/);
  });

  it('names the revert for the command line', async () => {
    await (await submit(claim)).wait();
    const reason = await submit(claim).then(() => 'sent', revertReason);
    expect(reason).to.equal(`AlreadyClaimed(${claim.nullifier})`);
  });

  it('the registry: only the registrar adds meters, leaves must be field elements, roots unique', async () => {
    const stranger = (await hre.ethers.getSigners())[1] as unknown as Signer;
    const registry = contractAt('MeterRegistry', d.registry, owner);
    await expect((registry.connect(stranger) as Contract).getFunction('addMeters')([1n], 2n)).to.be.revertedWithCustomError(registry, 'NotRegistrar');
    await expect(registry.addMeters([], 2n)).to.be.revertedWithCustomError(registry, 'NoLeaves');
    await expect(registry.addMeters([0n], 2n)).to.be.revertedWithCustomError(registry, 'NotAFieldElement');
    await expect(registry.addMeters([1n], BigInt(claim.root))).to.be.revertedWithCustomError(registry, 'RootAlreadyPublished');
    // a registrar's root that does not match its leaves is caught by whoever rebuilds the tree
    await (await registry.addMeters([5n], 77n)).wait();
    let caught = '';
    await registryTree(provider(), d.registry, d.depth, d.fromBlock).catch((e: Error) => (caught = e.message));
    expect(caught).to.match(/published root 77/);
  });
});
