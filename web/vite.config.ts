/** Vite build of the household page (web/): everything bundled, no CDN; output in build/web/. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { WASM_CORE_DIR, WASM_FILES } from '../native/build-wasm.mjs';

/**
 * The page must not depend on Node: a module in its graph that imports node:fs (say) fails the build here
 * instead of being replaced by an empty stub that fails in the household's browser.
 */
const browserSafe: Plugin = {
  name: 'meterproof-browser-safe',
  enforce: 'pre',
  async resolveId(id, importer) {
    // circomlibjs's entry re-exports all of circomlibjs: its reference Poseidons import Node's assert, EdDSA's
    // blake-hash Node's streams and buffer, and the contract generators ethers. The page only hashes with
    // Poseidon (meter/crypto.ts, loaded on first use): it gets circomlibjs's WebAssembly Poseidon module alone.
    if (id === 'circomlibjs' && importer && /[\\/]meter[\\/]crypto\.ts$/.test(importer)) return '\0circomlibjs-poseidon';
    // A kind's example (demo and benchmark documents read from docs/examples/) is Node-only; the page never uses it.
    if (id === './example.js' && importer && /[\\/]kinds[\\/][^\\/]+[\\/]kind\.ts$/.test(importer)) return '\0node-only-example';
    if (id.startsWith('node:') || builtinModules.includes(id)) this.error(`not browser-safe: ${importer ?? 'an entry'} imports the Node module "${id}"`);
    return null;
  },
  async load(id) {
    if (id === '\0circomlibjs-poseidon') {
      const entry = await this.resolve('circomlibjs', join(import.meta.dirname, 'index.html'), { skipSelf: true });
      if (!entry) this.error('circomlibjs is not installed');
      const poseidon = JSON.stringify(join(dirname(entry.id), 'src', 'poseidon_wasm.js'));
      return `export { buildPoseidon } from ${poseidon};\nexport function buildEddsa() { throw new Error('EdDSA (signing readings) is not part of the household page'); }`;
    }
    if (id === '\0node-only-example') return "export function exampleFields() { throw new Error('the kinds\\' examples are not available in the browser'); }";
    return null;
  },
};

/**
 * The native prover's WebAssembly core (native/build-wasm.mjs, built by web/build.ts when emcc is present),
 * copied as is — emscripten's loader finds its .wasm and pthread worker next to itself, so Vite must not
 * rewrite it — into one content-addressed folder, assets/core-<hash>/ (immutable like the other assets).
 * The worker learns the URLs and each .wasm's SHA-256 from __MP_CORE__ (web/src/wasm-core.ts); null when
 * the core is not built, and the page proves with snarkjs.
 */
function wasmCore(): { define: string; plugin: Plugin } {
  const files = Object.values(WASM_FILES).flat();
  if (!files.every((f) => existsSync(join(WASM_CORE_DIR, f)))) return { define: 'null', plugin: { name: 'meterproof-wasm-core' } };
  const bytes = new Map(files.map((f) => [f, readFileSync(join(WASM_CORE_DIR, f))]));
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const folder = createHash('sha256');
  for (const [f, b] of bytes) folder.update(f).update('\0').update(b);
  const dir = `assets/core-${folder.digest('hex').slice(0, 16)}/`;
  const build = (name: string) => ({ module: `/${dir}${name}.mjs`, wasm: `/${dir}${name}.wasm`, sha256: sha256(bytes.get(`${name}.wasm`)!) });
  return {
    define: JSON.stringify({ single: build('prover'), threaded: build('prover-mt') }),
    plugin: {
      name: 'meterproof-wasm-core',
      generateBundle() {
        for (const [f, b] of bytes) this.emitFile({ type: 'asset', fileName: dir + f, source: b });
      },
    },
  };
}
const core = wasmCore();

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  plugins: [browserSafe, core.plugin],
  define: { __MP_CORE__: core.define },
  build: {
    outDir: join(import.meta.dirname, '..', 'build', 'web'),
    emptyOutDir: true,
    target: 'es2022',
    // snarkjs and its WebAssembly curve code make one large worker chunk, downloaded once and cached
    chunkSizeWarningLimit: 4096,
    // the household page, and the key ceremony's contribution page (cli/ceremony.ts, docs/ceremony.md)
    rollupOptions: { input: { main: join(import.meta.dirname, 'index.html'), contribute: join(import.meta.dirname, 'contribute.html') } },
  },
  worker: { format: 'es', plugins: () => [browserSafe] },
});
