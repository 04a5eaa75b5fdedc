/**
 * Anonymous rebate claims (kinds/rebate/claim): proving one for a period of a scheme's grid, the claim file
 * ("meterproof-claim/1") a household submits to the scheme's contract, and its offline verification.
 * The file names the scheme and period but no meter: its public values are those the contract sees.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as snarkjs from 'snarkjs';
import { z } from 'zod';
import { isCanonicalFieldDecimal } from '../../../core/field.js';
import { artifactsOf } from '../../../core/paths.js';
import { isoDay } from '../../../core/time.js';
import { parseDocument } from '../../../core/documents.js';
import { claimWitnessInput, gridPeriod, packClaimSignals, schemeCommitment, unpackClaimSignals, type ClaimSignals, type ClaimWitness } from '../claim/circuit.js';
import { claimCircuitFor } from '../claim/kind.js';
import { referenceClaim } from '../claim/reference.js';
import { verifyBundleSignature } from '../../../meter/bundle.js';
import { snarkjsBackend, type Groth16Proof, type ProverBackend } from '../../../prover/backend.js';

export const CLAIM_FORMAT = 'meterproof-claim/1';

const Field = z.string().refine(isCanonicalFieldDecimal, 'expected a field element in decimal');
const G1 = z.array(Field).length(3);
const ProofSchema = z.strictObject({ pi_a: G1, pi_b: z.array(z.array(Field).length(2)).length(3), pi_c: G1, protocol: z.literal('groth16'), curve: z.literal('bn128') });

export const ClaimFileSchema = z.strictObject({
  format: z.literal(CLAIM_FORMAT),
  circuit: z.string().regex(/^claim_\w+$/, 'expected a claim circuit id'),
  scheme: z.string().min(1).describe('the scheme id (for people; the contract checks schemeCommitment)'),
  period: z.strictObject({ index: z.number().int().min(0), start: z.string(), days: z.number().int().min(1) }),
  root: Field,
  nullifier: Field,
  schemeCommitment: Field,
  payout: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected an address (0x and 40 hex digits)'),
  /** µp, token units */
  rebate: Field,
  proof: ProofSchema,
});
export type ClaimFile = z.infer<typeof ClaimFileSchema>;

export function parseClaimFile(json: unknown): ClaimFile {
  return parseDocument(ClaimFileSchema, json, 'claim file');
}

export function readClaimFile(path: string): ClaimFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read claim file ${path}: ${(e as Error).message.replace(/\s+/g, ' ')}`);
  }
  return parseClaimFile(json);
}

export function claimSignals(f: ClaimFile): ClaimSignals {
  return { nullifier: BigInt(f.nullifier), rebate: BigInt(f.rebate), root: BigInt(f.root), schemeCommitment: BigInt(f.schemeCommitment), periodIndex: f.period.index, payout: BigInt(f.payout) };
}

/**
 * Proves a claim: the bundle must be the meter's signed readings for exactly the period, the meter's
 * leaf must be in `tree`. The circuit's outputs are checked against the reference before the file is
 * written.
 */
export async function proveClaim(w: ClaimWitness, backend: ProverBackend = snarkjsBackend): Promise<ClaimFile> {
  if (!(await verifyBundleSignature(w.bundle))) throw new Error("the bundle's signature does not verify: its readings, period or chain state were altered, or it was signed by another meter");
  const circuit = claimCircuitFor(w.scheme.periodDays);
  const a = artifactsOf(circuit.id);
  if (!existsSync(a.wasm) || !existsSync(a.zkey)) throw new Error(`circuit ${circuit.id} is not built: run "meterproof setup --circuit ${circuit.id}" first`);
  const commitment = await schemeCommitment(w.scheme, circuit.params.brackets);
  const expected = await referenceClaim(w.bundle, w.scheme, w.periodIndex, commitment);
  // A claim of nothing would spend the meter's nullifier for the period and the sender's gas for no payout.
  if (expected.rebate === 0n) throw new Error(`no rebate is due for period ${w.periodIndex} of scheme ${w.scheme.id}: the period's consumption earns nothing under its brackets, so there is nothing to claim`);
  const input = await claimWitnessInput(w, circuit);
  const { proof, publicSignals } = await backend.prove(input, a.wasm, a.zkey);
  const signals = unpackClaimSignals(publicSignals, circuit);
  if (signals.nullifier !== expected.nullifier || signals.rebate !== expected.rebate) throw new Error(`the circuit's claim (rebate ${signals.rebate}) disagrees with the reference (rebate ${expected.rebate})`);
  const period = gridPeriod(w.scheme, w.periodIndex);
  return {
    format: CLAIM_FORMAT,
    circuit: circuit.id,
    scheme: w.scheme.id,
    period: { index: w.periodIndex, start: isoDay(period.startDay), days: period.days },
    root: String(signals.root),
    nullifier: String(signals.nullifier),
    schemeCommitment: String(signals.schemeCommitment),
    payout: w.payout.toLowerCase(),
    rebate: String(signals.rebate),
    proof: proof as ClaimFile['proof'],
  };
}

/** Whether the claim's proof verifies with its circuit's verification key (what the contract will check). */
export async function verifyClaimOffline(f: ClaimFile): Promise<boolean> {
  const circuit = claimCircuitFor(f.period.days);
  if (circuit.id !== f.circuit) return false;
  const vkeyPath = artifactsOf(circuit.id).vkey;
  if (!existsSync(vkeyPath)) throw new Error(`no verification key for ${circuit.id}: run "meterproof setup --circuit ${circuit.id}" first`);
  const vkey = JSON.parse(readFileSync(vkeyPath, 'utf8'));
  return snarkjs.groth16.verify(vkey, packClaimSignals(claimSignals(f), circuit).map(String), f.proof);
}

/** The proof as the Solidity verifier takes it: pi_a, pi_b (coordinates of each Fp2 swapped), pi_c. */
export function solidityProof(p: Pick<Groth16Proof, 'pi_a' | 'pi_b' | 'pi_c'>): bigint[] {
  return [p.pi_a[0], p.pi_a[1], p.pi_b[0][1], p.pi_b[0][0], p.pi_b[1][1], p.pi_b[1][0], p.pi_c[0], p.pi_c[1]].map(BigInt);
}
