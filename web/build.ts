/**
 * Builds the household page (web/) into build/web/ with Vite — skipped when nothing it is built from
 * changed since the last build (a content hash of its sources, the library code it imports, the lock
 * file and the WebAssembly prover core). `npm run build:web` runs it; the web demo, the browser tests and
 * the browser benchmark call it.
 *
 * The core (native/build-wasm.mjs) is built first when emscripten is installed (itself cached); without it
 * the page is built all the same and proves with snarkjs, and this says so in one line — never a failure.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, WEB_BUILD_DIR } from '../core/paths.js';
import { buildWasmCore, WASM_CORE_DIR, WASM_FILES } from '../native/build-wasm.mjs';

/** The page's own sources and the library folders its modules import from. */
const SOURCE_DIRS = ['web', 'meter', 'tariff', 'core', 'circuits', 'kinds', 'prover'];
const STAMP = join(WEB_BUILD_DIR, '.sources.sha256');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.(ts|html|css|json)$/.test(e.name) ? [join(dir, e.name)] : []))
    .sort();
}

function sourcesHash(): string {
  const h = createHash('sha256');
  const core = Object.values(WASM_FILES).flat().map((f) => join(WASM_CORE_DIR, f));
  for (const f of [...SOURCE_DIRS.flatMap((d) => sourceFiles(join(REPO_ROOT, d))), join(REPO_ROOT, 'package-lock.json'), ...core.filter((f) => existsSync(f))]) {
    h.update(relative(REPO_ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

export async function buildWeb(o: { force?: boolean; log?: (message: string) => void } = {}): Promise<{ built: boolean; ms: number }> {
  const t0 = performance.now();
  const core = await buildWasmCore();
  if (!core.built) (o.log ?? console.log)(`meterproof: the page is built without the WebAssembly prover (${core.reason}); it proves with snarkjs`);
  else if (!core.cached) o.log?.(`built the WebAssembly prover in ${core.seconds} s`);
  const hash = sourcesHash();
  if (!o.force && existsSync(join(WEB_BUILD_DIR, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash) {
    return { built: false, ms: performance.now() - t0 };
  }
  o.log?.('building the household page (Vite)');
  const { build } = await import('vite'); // a development tool: loaded only when a build is needed
  await build({ configFile: join(REPO_ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(STAMP, hash);
  return { built: true, ms: performance.now() - t0 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { built, ms } = await buildWeb({ force: process.argv.includes('--force'), log: console.log });
  console.log(`${built ? 'built' : 'up to date:'} ${relative(REPO_ROOT, WEB_BUILD_DIR)}/ (${(ms / 1000).toFixed(1)} s)`);
}
