/**
 * Hardhat 2 (Node 20; Hardhat 3 needs Node ≥ 22.13): the rebate scheme contracts (contracts/), their mocha
 * tests (test/contracts/*.spec.ts) and the local network of `meterproof chain node`.
 *
 * Offline: solc 0.8.28 is the npm package `solc` (solc-js), never a download. Before every compile the
 * claim verifiers are generated from the project's own keys (cli/chain-verifier.ts → contracts/generated/,
 * gitignored). Hardhat runs inside the project's tsx process (cli/hardhat.ts), not through `npx hardhat`,
 * which would load this file with ts-node, a tool the project does not use.
 */
import { createRequire } from 'node:module';
import { subtask, task } from 'hardhat/config.js';
import { TASK_COMPILE, TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from 'hardhat/builtin-tasks/task-names.js';
import type { HardhatUserConfig } from 'hardhat/types/index.js';
import '@nomicfoundation/hardhat-ethers';
import '@nomicfoundation/hardhat-chai-matchers';

const SOLC = '0.8.28';
const require = createRequire(__filename);

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD).setAction(async ({ solcVersion }: { solcVersion: string }) => {
  if (solcVersion !== SOLC) throw new Error(`only solc ${SOLC} (the npm package solc) is available offline, not ${solcVersion}`);
  return { version: SOLC, longVersion: require('solc').version().replace('.Emscripten.clang', ''), compilerPath: require.resolve('solc/soljson.js'), isSolcJs: true };
});

task(TASK_COMPILE).setAction(async (args: Record<string, unknown>, _hre, runSuper) => {
  const { writeClaimVerifiers } = await import('./cli/chain-verifier.js');
  await writeClaimVerifiers();
  return runSuper(args);
});

const config: HardhatUserConfig = {
  solidity: { version: SOLC, settings: { optimizer: { enabled: true, runs: 10_000 }, evmVersion: 'cancun' } },
  paths: { sources: './contracts', tests: './test/contracts', artifacts: './build/hardhat/artifacts', cache: './build/hardhat/cache' },
  networks: { hardhat: { chainId: 31337 } },
  mocha: { timeout: 600_000, reporter: process.env.MOCHA_REPORTER ?? 'spec' },
};

export default config;
