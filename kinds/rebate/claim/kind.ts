/**
 * The anonymous on-chain claim: a circuit family of its own beside the result kinds. It is not a result
 * kind because its public signals do not name the meter and period (CERTIFIED_LAYOUT) and no verifier
 * API certifies it: a scheme's contract verifies it (kinds/rebate/contracts/RebateScheme.sol). The registry
 * (kinds/registry.ts) lists its instances with every kind's, so `meterproof setup --circuit claim_7d`
 * builds it like any circuit.
 */
import { publicInputNames } from '../../../circuits/layout.js';
import type { CircuitConfig } from '../../../circuits/config.js';
import type { InstanceDeclaration } from '../../kind.js';
import { CLAIM_LAYOUT } from './circuit.js';

/** Registry depth of every instance: 2^20 (about a million) meters per scheme registry. */
export const REGISTRY_DEPTH = 20;

const INSTANCES: Record<string, InstanceDeclaration> = {
  claim_1d: { params: { maxDays: 1, minDays: 1, brackets: 4, depth: REGISTRY_DEPTH }, budget: 12_300 }, // 12,187
  claim_7d: { params: { maxDays: 7, minDays: 7, brackets: 4, depth: REGISTRY_DEPTH }, budget: 18_000 }, // 17,865
  // 38,501: the target is ≤ 1.3 × rebate_31d (32,422) = 42,148
  claim_31d: { params: { maxDays: 31, minDays: 28, brackets: 4, depth: REGISTRY_DEPTH }, budget: 38_700 },
};

export const claimFamily = {
  family: 'claim',
  circuits: Object.entries(INSTANCES).map(
    ([id, inst]): CircuitConfig => ({ id, kind: 'claim', source: 'kinds/rebate/claim/claim.circom', template: 'Claim', params: inst.params, public: publicInputNames(CLAIM_LAYOUT), budget: inst.budget }),
  ),
  /** what `npm test` builds keys for: the contract tests prove with it */
  testCircuits: ['claim_1d'],
} as const;

/** The claim instance for a grid of `periodDays`-day periods. */
export function claimCircuitFor(periodDays: number): CircuitConfig {
  const c = claimFamily.circuits.filter((c) => c.params.minDays <= periodDays && periodDays <= c.params.maxDays).sort((a, b) => a.params.maxDays - b.params.maxDays)[0];
  if (!c) throw new Error(`no claim circuit serves ${periodDays}-day periods (1, 7 and 28-31 days are served)`);
  return c;
}
