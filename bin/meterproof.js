#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`, which `npm install` runs through "prepare"). In a
// working copy where a TypeScript source is newer than that build, or with METERPROOF_TSX=1, it runs the
// sources through tsx instead (slower start, no build step while developing). A package without sources
// always runs dist/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = join(root, 'dist', 'cli', 'main.js');
const stamp = join(root, 'dist', '.built'); // written by `npm run build` after a successful compile

/** Is any source the build compiles (tsconfig.build.json "include") newer than the build? */
function sourcesNewerThan(ms) {
  const config = join(root, 'tsconfig.build.json');
  if (!existsSync(config)) return false;
  const walk = (path) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return false;
    }
    if (st.isDirectory()) return readdirSync(path).some((name) => walk(join(path, name)));
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && st.mtimeMs > ms;
  };
  return JSON.parse(readFileSync(config, 'utf8')).include.some((dir) => walk(join(root, dir)));
}

if (process.env.METERPROOF_TSX !== '1' && existsSync(compiled) && existsSync(stamp) && !sourcesNewerThan(statSync(stamp).mtimeMs)) {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../cli/main.ts', import.meta.url).href);
}
