/**
 * What a claim's outputs must be, computed without the circuit: the rebate by the rebate kind's reference
 * (a plain loop over days and brackets), the nullifier from the meter's signature on the period's last
 * day as kinds/rebate/claim/README.md defines it.
 */
import type { Bundle } from '../../../meter/bundle.js';
import { poseidonHash } from '../../../meter/crypto.js';
import { computeRebate } from '../reference.js';
import type { ChainScheme } from './circuit.js';

/** Poseidon(schemeCommitment, periodIndex, R8x, S): one value per meter, scheme and period. */
export function claimNullifier(schemeCommitment: bigint, periodIndex: number, signature: Bundle['signature']): Promise<bigint> {
  return poseidonHash([schemeCommitment, BigInt(periodIndex), signature.R8x, signature.S]);
}

export async function referenceClaim(bundle: Bundle, scheme: ChainScheme, periodIndex: number, schemeCommitment: bigint): Promise<{ nullifier: bigint; rebate: bigint }> {
  return {
    nullifier: await claimNullifier(schemeCommitment, periodIndex, bundle.signature),
    rebate: computeRebate(bundle.readingsWh, scheme.rebate.baselineWh, scheme.rebate.brackets),
  };
}
