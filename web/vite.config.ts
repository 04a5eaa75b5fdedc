/** Vite build of the household page (web/): everything bundled, no CDN; output in build/web/. */
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

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

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  plugins: [browserSafe],
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
