/**
 * `meterproof keys fetch --from <api>`: installs the proving keys a verifier API serves, for the command
 * line, after checking them against the verification keys that API pins; and the global `--production`
 * switch, which refuses development keys before `prove` or `verify` use them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { artifactsOf, BUILD_DIR } from '../core/paths.js';
import type { KeyTarget } from '../keys/fetch.js';
import { UsageError } from './io.js';

// snarkjs, the kind registry and the key fetcher are imported when a command needs them (cli/main.ts).
const TRANSCRIPT_FILE = 'ceremony.json';

export interface FetchOptions {
  from: string;
  circuits?: string[];
  production?: boolean;
  log?: (m: string) => void;
  /** where a circuit's keys and witness generator go (default build/<id>/) */
  artifacts?: (id: string) => KeyTarget;
}

/** keys/fetch.ts into build/ (or `artifacts`), its refusals as one-line usage errors. */
export async function fetchKeys(o: FetchOptions): Promise<string[]> {
  const { fetchKeys: fetchInto, KeyFetchRefused } = await import('../keys/fetch.js');
  try {
    return await fetchInto({ from: o.from, circuits: o.circuits, production: o.production, log: o.log, target: o.artifacts ?? artifactsOf, scratch: BUILD_DIR });
  } catch (e) {
    throw e instanceof KeyFetchRefused ? new UsageError(e.message) : e;
  }
}

/** The circuit a `prove` or `verify` command is about to use, when it can be told from its arguments. */
async function circuitOf(command: Command): Promise<string | undefined> {
  const opts = command.opts<{ bundle?: string }>();
  if (command.parent?.name() === 'prove' && opts.bundle) {
    const days = (await import('../meter/bundle.js')).readBundle(opts.bundle).days;
    return (await import('../kinds/registry.js')).circuitForDays(command.name(), days).id;
  }
  if (command.name() === 'verify' && command.args[0]) {
    const circuit = (JSON.parse(readFileSync(command.args[0], 'utf8')) as { circuit?: unknown }).circuit;
    return typeof circuit === 'string' ? circuit : undefined;
  }
  return undefined;
}

export function registerKeyCommands(program: Command): void {
  program.option('--production', 'refuse development keys (also: METERPROOF_PRODUCTION=1)');
  program.hook('preAction', async (_program, action) => {
    if (!program.opts().production && process.env.METERPROOF_PRODUCTION !== '1') return;
    let id: string | undefined;
    try {
      id = await circuitOf(action);
    } catch {
      return; // the command itself reports an unreadable file
    }
    if (!id || !/^[A-Za-z0-9_]+$/.test(id)) return;
    const path = join(artifactsOf(id).keysDir, TRANSCRIPT_FILE);
    const mode = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { mode?: string }).mode : undefined;
    if (mode === 'development') throw new UsageError(`${id}: the installed keys are development keys; refused in production (meterproof keys fetch --from <api>)`);
  });

  const keys = program.command('keys').description('proving and verification keys');
  keys
    .command('fetch')
    .description("install the keys a verifier API serves, after checking them against the verification keys it pins (into build/<circuit>/keys/)")
    .requiredOption('--from <url>', 'the verifier API, e.g. http://127.0.0.1:8080')
    .option('--circuit <id...>', 'only these circuits (default: every circuit the API serves)')
    .action(async (o: { from: string; circuit?: string[] }) => {
      const production = program.opts().production || process.env.METERPROOF_PRODUCTION === '1';
      const installed = await fetchKeys({ from: o.from, circuits: o.circuit, production, log: (m) => console.log(`  ${m}`) });
      console.log(`installed keys for ${installed.join(', ')}`);
    });
}
