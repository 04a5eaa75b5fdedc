/**
 * Runs Hardhat 2 inside this tsx process. `npx hardhat` would load hardhat.config.ts with ts-node, which the
 * project does not use (tsx runs all its TypeScript); Hardhat's library entry point loads the same config
 * through tsx instead. As a script: `tsx cli/hardhat.ts <task> [--tap]` (compile, test; --tap: mocha's TAP
 * reporter, whose "# pass N / # fail N" lines the test runner counts).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HardhatRuntimeEnvironment } from 'hardhat/types/index.js';
import { REPO_ROOT } from '../core/paths.js';

let requireHook = false;

/** The Hardhat runtime of the repository's hardhat.config.ts (loaded once per process). */
export async function hardhat(): Promise<HardhatRuntimeEnvironment> {
  process.env.HARDHAT_DISABLE_TELEMETRY_PROMPT = 'true';
  // Hardhat require()s its config: tsx's CommonJS hook lets it read TypeScript, also where only tsx's ESM
  // hook is registered (bin/meterproof.js) or none (the compiled CLI).
  if (!requireHook) (await import('tsx/cjs/api')).register();
  requireHook = true;
  return (await import('hardhat')).default as unknown as HardhatRuntimeEnvironment;
}

/**
 * Compiles the contracts (and generates the verifier contracts of the keys built now) in a child process:
 * Hardhat's runtime keeps a command's process alive after it is done.
 */
export function compileContracts(): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'compile'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`compiling the contracts failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
}

if (process.argv[1]?.endsWith('cli/hardhat.ts')) {
  const [task = 'compile', ...rest] = process.argv.slice(2);
  if (rest.includes('--tap')) process.env.MOCHA_REPORTER = 'tap';
  const hre = await hardhat();
  const failures = await hre.run(task, task === 'test' ? {} : { quiet: true });
  process.exit(task === 'test' && failures ? 1 : 0);
}
