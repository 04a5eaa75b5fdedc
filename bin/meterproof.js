#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`, which `npm install` runs through "prepare"). In a
// working copy where a TypeScript source is newer than that build, or with METERPROOF_TSX=1, it runs the
// sources through tsx instead (slower start, no build step while developing). A package without sources
// always runs dist/.
import { fileURLToPath } from 'node:url';
import { distIsCurrent } from '../scripts/dist-current.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

if (process.env.METERPROOF_TSX !== '1' && distIsCurrent(root)) {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../cli/main.ts', import.meta.url).href);
}
