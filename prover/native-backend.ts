/**
 * The native Groth16 prover as a ProverBackend (prover/backend.ts): native/native-prover.ts does the work —
 * the addon built into build/native/ by `npm install` when it can be, the circuit's C++ witness generator
 * when built (its WebAssembly otherwise), and a pairing check of every proof before it is returned.
 * Node only: the household page keeps snarkjs.
 */
import { snarkjsBackend, type ProverBackend } from './backend.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeWitnessWasm, nativeAvailable, nativeUnavailableReason, nativeWitnessGenerator, proveNative, writeWitnessNative } from '../native/native-prover.js';

export * from '../native/native-prover.js';

export const nativeBackend: ProverBackend & { witness?: 'native' | 'wasm' } = {
  name: 'native-groth16',
  async prove(input, wasm, zkey, onStage) {
    if (typeof zkey !== 'string') throw new Error('the native prover reads the proving key from a file');
    onStage?.('witness');
    const t0 = performance.now();
    const gen = typeof wasm === 'string' ? nativeWitnessGenerator(wasm) : undefined;
    // the C++ generator writes its .wtns to a file the addon maps; the WebAssembly one gives bytes
    const dir = gen ? mkdtempSync(join(tmpdir(), 'meterproof-witness-')) : undefined;
    try {
      const wtns = gen ? join(dir!, 'witness.wtns') : await computeWitnessWasm(input, wasm);
      if (gen) await writeWitnessNative(input, gen, wtns as string);
      const t1 = performance.now();
      onStage?.('prove');
      const { proof, publicSignals } = await proveNative(zkey, wtns, { witnessName: gen ? `the witness of ${gen.exe}` : `the witness of ${typeof wasm === 'string' ? wasm : 'the circuit'}` });
      const t2 = performance.now();
      return { proof, publicSignals, timings: { witnessMs: t1 - t0, proveMs: t2 - t1 } };
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  },
};

export type BackendName = 'native' | 'snarkjs';

/**
 * The prover for `--backend`: native when asked, or by default when built; snarkjs when asked or when the
 * native prover is not built. Asking for native where it is not built is an error saying why.
 */
export function pickBackend(name?: BackendName): ProverBackend {
  if (name === 'snarkjs') return snarkjsBackend;
  if (nativeAvailable()) return nativeBackend;
  if (name === 'native') throw new Error(`--backend native: ${nativeUnavailableReason()}`);
  return snarkjsBackend;
}

