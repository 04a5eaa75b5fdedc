/**
 * The kinds' own command modules (their declarations' `cli`, from the repository root with their .js
 * extension). `npm run build` derives the list from the registry into kind-commands.json beside the compiled
 * command line, so that it starts without loading every kind; run from the sources, the registry is read.
 */
import { readFileSync } from 'node:fs';

export const KIND_COMMANDS_FILE = 'kind-commands.json';

export async function kindCommandModules(): Promise<readonly string[]> {
  try {
    return JSON.parse(readFileSync(new URL(KIND_COMMANDS_FILE, import.meta.url), 'utf8')) as string[];
  } catch {
    // the sources (tsx), where nothing is derived
  }
  return declaredKindCommands();
}

/** The list as the kind declarations state it. */
export async function declaredKindCommands(): Promise<string[]> {
  const { KINDS } = await import('../kinds/registry.js');
  return Object.values(KINDS).flatMap((k) => (k.cli ? [k.cli] : []));
}
