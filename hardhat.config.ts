/**
 * Hardhat 2 (Node 20; Hardhat 3 needs Node ≥ 22.13): the kinds' contracts (Solidity anywhere under kinds/),
 * their mocha tests (kinds/<kind>/contracts/*.spec.ts) and the local network of `meterproof chain node`.
 *
 * Offline: solc 0.8.28 is the npm package `solc` (solc-js), never a download. Before every compile the
 * scheme's verifier contracts are generated from the project's own keys (kinds/rebate/contracts/verifiers.ts
 * → generated/ beside the contracts, gitignored). Hardhat runs inside the project's tsx process
 * (cli/hardhat.ts), not through `npx hardhat`, which would load this file with ts-node, a tool the project
 * does not use.
 */
import { createRequire } from 'node:module';
import { subtask, task } from 'hardhat/config.js';
import { TASK_COMPILE, TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, TASK_TEST_GET_TEST_FILES } from 'hardhat/builtin-tasks/task-names.js';
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
  const { writeVerifierContracts } = await import('./kinds/rebate/contracts/verifiers.js');
  await writeVerifierContracts();
  return runSuper(args);
});

// Mocha runs the *.spec.ts under kinds/ (the *.test.ts there are node:test's, run by `npm test`'s other lanes).
subtask(TASK_TEST_GET_TEST_FILES).setAction(async (args: { testFiles: string[] }, _hre, runSuper) => {
  const files: string[] = await runSuper(args);
  return args.testFiles.length > 0 ? files : files.filter((f) => f.endsWith('.spec.ts'));
});

const config: HardhatUserConfig = {
  solidity: { version: SOLC, settings: { optimizer: { enabled: true, runs: 10_000 }, evmVersion: 'cancun' } },
  paths: { sources: './kinds', tests: './kinds', artifacts: './build/hardhat/artifacts', cache: './build/hardhat/cache' },
  networks: { hardhat: { chainId: 31337 } },
  mocha: { timeout: 600_000, reporter: process.env.MOCHA_REPORTER ?? 'spec' },
};

export default config;
