/** Runs the real `meterproof` binary in a working directory, for CLI tests. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../core/paths.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function cliRunner(cwd: string, env: NodeJS.ProcessEnv = {}) {
  const cli = (...args: string[]): Promise<CliRun> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'meterproof.js'), ...args], { cwd, env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });

  /** Runs a command that must succeed; returns its stdout. */
  const ok = async (...args: string[]): Promise<string> => {
    const r = await cli(...args);
    assert.equal(r.code, 0, `meterproof ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  /** Runs a command that must fail with exit code 1 and a one-line reason matching `pattern`, no stack trace. */
  const fails = async (pattern: RegExp, ...args: string[]): Promise<void> => {
    const r = await cli(...args);
    assert.equal(r.code, 1, `meterproof ${args.join(' ')} should fail with exit code 1`);
    assert.match(r.stderr, pattern);
    assert.ok(!/\n\s+at /.test(r.stderr), `no stack trace expected, got: ${r.stderr}`);
  };

  return { cli, ok, fails };
}
