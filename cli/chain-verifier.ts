/**
 * The claim circuits' Groth16 verifiers in Solidity, generated from the project's own keys with snarkjs's
 * template (contracts/generated/, gitignored): one contract per claim instance whose keys are built,
 * named Claim<days>Verifier (claim_7d → Claim7dVerifier). Hardhat's compile task calls this first.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as snarkjs from 'snarkjs';
import { artifactsOf, REPO_ROOT } from '../core/paths.js';
import { claimFamily } from '../kinds/claim/kind.js';

export const GENERATED_CONTRACTS = join(REPO_ROOT, 'contracts', 'generated');

/** claim_7d → Claim7dVerifier */
export function verifierContractName(circuitId: string): string {
  return `Claim${circuitId.replace(/^claim_/, '')}Verifier`;
}

/** Writes the verifier of every claim instance whose keys exist; a file is rewritten only when it changes. */
export async function writeClaimVerifiers(): Promise<string[]> {
  const template = readFileSync(join(REPO_ROOT, 'node_modules', 'snarkjs', 'templates', 'verifier_groth16.sol.ejs'), 'utf8');
  mkdirSync(GENERATED_CONTRACTS, { recursive: true });
  const written: string[] = [];
  for (const c of claimFamily.circuits) {
    const zkey = artifactsOf(c.id).zkey;
    if (!existsSync(zkey)) continue;
    const source = (await snarkjs.zKey.exportSolidityVerifier(zkey, { groth16: template }, undefined)) as string;
    const named = source.replace(/contract Groth16Verifier\b/, `contract ${verifierContractName(c.id)}`);
    const file = join(GENERATED_CONTRACTS, `${verifierContractName(c.id)}.sol`);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== named) writeFileSync(file, named);
    written.push(c.id);
  }
  return written;
}
