// Benchmark of the development ceremony on a circuit shaped like meterproof's largest one
// (~31.5k constraints, domain 2^15, ~32k wires, 751 public signals), one proof as a sanity check,
// then a development .ptau of power 12.
//   npx tsx test/keys/bench-dev-keys.ts
// Not a test (takes about a minute); the numbers in docs/ceremony.md come from this script.

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as snarkjs from 'snarkjs';
import { buildKeys } from '../../keys/ceremony.js';
import { terminateSharedCurve } from '../../keys/curve.js';
import { writeDevPtau } from '../../keys/dev-ptau.js';
import { ToxicWaste } from '../../keys/toxic.js';
import { compileCircuit } from './helpers.js';

const N_PUBLIC_INPUTS = 750;
const N_MULTIPLICATIONS = 31500;

const source = `pragma circom 2.1.0;
// A chain of multiplications mixing in the public inputs: ${N_MULTIPLICATIONS + 1} constraints,
// every wire in both A and B (the dense case: no zero points to skip).
template Chain(nPub, nMul) {
    signal input in[nPub];
    signal output out;
    signal acc[nMul + 1];
    acc[0] <== in[0] * in[1];
    for (var i = 0; i < nMul; i++) acc[i + 1] <== (acc[i] + in[i % nPub]) * (acc[i] + i);
    out <== acc[nMul];
}
component main {public [in]} = Chain(${N_PUBLIC_INPUTS}, ${N_MULTIPLICATIONS});
`;

const started = performance.now();
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s`;
const log = (message: string): void => console.log(`${elapsed()}  ${message}`);

const circuit = await compileCircuit('bench-chain', source);
const outDir = join(circuit.dir, 'keys');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

log('buildKeys (development mode)');
const keys = await buildKeys({ r1csPath: circuit.r1cs, outDir, onProgress: log });
log(`done: ${JSON.stringify(keys.transcript.timingsMs)}`);
log(`circuit: ${JSON.stringify(keys.transcript.circuit)}`);

const input = { in: Array.from({ length: N_PUBLIC_INPUTS }, (_, i) => String(i + 2)) };
const { proof, publicSignals } = await snarkjs.groth16.fullProve(input, circuit.wasm, keys.zkeyPath);
log('proved');
const vkey = JSON.parse(readFileSync(keys.vkeyPath, 'utf8'));
log(`verified: ${await snarkjs.groth16.verify(vkey, publicSignals, proof)}`);

const ptauStarted = performance.now();
const toxic = ToxicWaste.generate();
await writeDevPtau({ toxic, power: 12, ptauPath: join(outDir, 'dev12.ptau') });
toxic.wipe();
log(`dev ptau 2^12 written in ${((performance.now() - ptauStarted) / 1000).toFixed(1)} s`);
await terminateSharedCurve();
