#!/usr/bin/env node
// `npm run build`, after tsc: copies the worker entries (plain .mjs files that tsc does not emit) beside
// their compiled modules in dist/, saves ffjavascript's generated BN254 code for offline verification
// (prover/snark-verify.ts), derives the kinds' own command modules for the command line (cli/kind-commands.ts), then stamps the build (bin/meterproof.js runs dist/ only when stamped).
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const file of ['keys/fixed-base-worker.mjs', 'verifier-api/verify-worker.mjs', 'verifier-api/provision-worker.mjs']) copyFileSync(join(root, file), join(root, 'dist', file));
const { curveCode, CURVE_CODE_FILE } = await import('../dist/prover/snark-verify.js');
writeFileSync(join(root, 'dist', 'prover', CURVE_CODE_FILE), JSON.stringify(await curveCode()));
const { declaredKindCommands, KIND_COMMANDS_FILE } = await import('../dist/cli/kind-commands.js');
writeFileSync(join(root, 'dist', 'cli', KIND_COMMANDS_FILE), JSON.stringify(await declaredKindCommands()));
writeFileSync(join(root, 'dist', '.built'), '');
