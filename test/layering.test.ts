/**
 * Imports point one way, from the bottom of the tree to its top:
 *
 *   core → meter, tariff, keys → circuits, kinds → prover → verifier-api, web, cli → scripts, bin
 *
 * A module imports only from its own folder or a folder below it, and nothing but tests imports test/
 * (tests, wherever they sit, may import anything). A kind's folder may hold what it adds to a higher layer
 * in a sub-folder named after that layer (kinds/rebate/cli/, kinds/rebate/scripts/): such a file sits at
 * that layer. Fails on the first import that points back.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../core/paths.js';

/** Folders bottom to top; a folder may import its own level and the levels before it. */
const LEVELS: readonly (readonly string[])[] = [['core'], ['meter', 'tariff', 'keys'], ['circuits'], ['kinds'], ['native'], ['prover'], ['verifier-api'], ['web', 'cli'], ['schemas', 'scripts'], ['bin']];
/** Files at the repository root (hardhat.config.ts, …) are configuration: the top, like bin/. */
const levelOf = (folder: string) => (folder.includes('.') ? LEVELS.length : LEVELS.findIndex((l) => l.includes(folder)));
/** Same-level folders that stay independent of each other (they only share what is below them). */
const INDEPENDENT = [['meter', 'tariff', 'keys'], ['web', 'cli']];

const NOT_SOURCE = new Set(['node_modules', 'build', 'dist', 'out', 'data', 'scratch', '.git', 'test']);
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return NOT_SOURCE.has(e.name) ? [] : sources(join(dir, e.name));
    return /\.(ts|mts|mjs|js)$/.test(e.name) && !/\.(test|spec|d)\.ts$/.test(e.name) ? [join(dir, e.name)] : [];
  });
}

/** The folder whose layer a file sits at: its top folder, or a kind's sub-folder named after a higher layer. */
function topFolder(file: string): string {
  const parts = relative(REPO_ROOT, file).split(sep);
  return parts[0] === 'kinds' && parts.length > 3 && levelOf(parts[2]) > levelOf('kinds') ? parts[2] : parts[0];
}

function backImports(): string[] {
  const problems: string[] = [];
  for (const file of sources(REPO_ROOT)) {
    const from = topFolder(file);
    if (levelOf(from) < 0) problems.push(`${relative(REPO_ROOT, file)}: folder ${from} has no level in test/layering.test.ts`);
    const text = readFileSync(file, 'utf8');
    // module specifiers only (generated Solidity in a string may say `import "../X.sol"`)
    for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+\.(?:m?js|ts|json))['"]/g)) {
      const to = topFolder(join(dirname(file), spec));
      if (to === from) continue;
      const where = `${relative(REPO_ROOT, file)} imports ${spec}`;
      if (to === 'test') problems.push(`${where}: only tests import test/`);
      else if (levelOf(to) > levelOf(from)) problems.push(`${where}: ${from} is below ${to}`);
      else if (INDEPENDENT.some((g) => g.includes(from) && g.includes(to))) problems.push(`${where}: ${from} and ${to} are independent`);
    }
  }
  return problems;
}

test('no import points back up the layers, and nothing but tests imports test/', () => {
  assert.deepEqual(backImports(), []);
});
