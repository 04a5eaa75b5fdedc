#!/usr/bin/env node
// `npm run build`, after tsc: copies the worker entries (plain .mjs files that tsc does not emit) beside
// their compiled modules in dist/, then stamps the build (bin/meterproof.js runs dist/ only when stamped).
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const file of ['keys/fixed-base-worker.mjs', 'verifier-api/verify-worker.mjs', 'verifier-api/provision-worker.mjs']) copyFileSync(join(root, file), join(root, 'dist', file));
writeFileSync(join(root, 'dist', '.built'), '');
