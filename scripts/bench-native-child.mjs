// The native row's child process of scripts/bench-native.ts: plain Node on the compiled modules (dist/, as the
// meterproof command runs them), so that its peak RSS is what a Node process proving natively pays — not tsx's
// ≈30 MB of TypeScript loader. Witness (the circuit's C++ generator when built — its long-lived process, started
// by the warm-up, as in any process proving more than once — else its WebAssembly) + proof (+ the addon's check
// of it), `runs` times after a warm-up; prints the times taken as one JSON line (the parent takes their medians).
//
//   node scripts/bench-native-child.mjs <bench dir> <circuit id> <runs>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, id, runsArg] = process.argv.slice(2);
const runs = Number(runsArg);
const baseRssMB = process.memoryUsage().rss / 2 ** 20;
const { computeWitnessWasm, nativeWitnessGenerator, proveNative, releaseNative, witnessServerPeakRssMB, writeWitnessNative } = await import('../dist/native/native-prover.js');
const a = JSON.parse(readFileSync(join(dir, 'artifacts.json'), 'utf8'));
const input = JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8'));
const gen = nativeWitnessGenerator(a.wasm);
const w = [];
const p = [];
const c = [];
for (let i = 0; i <= runs; i++) {
  const t0 = performance.now();
  // as the native backend does (prover/native-backend.ts): the C++ generator writes a file the addon maps
  const wtns = gen ? join(dir, 'native-witness.wtns') : await computeWitnessWasm(input, a.wasm);
  if (gen) await writeWitnessNative(input, gen, wtns);
  const t1 = performance.now();
  const r = await proveNative(a.zkey, wtns, { witnessName: id });
  const t2 = performance.now();
  if (i === 0) {
    writeFileSync(join(dir, 'native-proof.json'), JSON.stringify({ proof: r.proof, publicSignals: r.publicSignals }));
    continue;
  }
  w.push(t1 - t0);
  p.push(t2 - t1);
  c.push(r.timings.checkMs);
}
const [generatorPeakRssMB] = witnessServerPeakRssMB(); // its own process: not in this one's maxRSS
await releaseNative();
console.log(JSON.stringify({ witness: gen ? 'native' : 'wasm', witnessMs: w, proveMs: p, checkMs: c, peakRssMB: process.resourceUsage().maxRSS / 1024, baseRssMB, generatorPeakRssMB }));
