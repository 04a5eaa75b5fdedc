/** Witness-level harness for the circuit library's templates (test/circuits/lib*.test.ts). */
import assert from 'node:assert/strict';
import * as snarkjs from 'snarkjs';
import { compileTestCircuit, includeFrom } from '../../circuits/compile.js';
import { fromFieldSigned, toField } from '../../core/field.js';

/**
 * Compiles `main` against circuits/lib/<libFile> and returns a witness function whose wires are read as
 * signed integers. `main` is either a template instance ("ArgMax(4, 8)") or a full body that declares
 * its own main component (for wrappers).
 */
export function libHarness(name: string, libFile: string, main: string) {
  const body = main.includes('component main') ? main : `component main = ${main};`;
  const compiled = compileTestCircuit(name, (dir) => `pragma circom 2.1.0;\ninclude "${includeFrom(dir, `circuits/lib/${libFile}`)}";\n${body}\n`);
  return async (input: Record<string, unknown>): Promise<bigint[]> => {
    const w = { type: 'mem' };
    await snarkjs.wtns.calculate(input, (await compiled).wasm, w);
    return ((await snarkjs.wtns.exportJson(w)) as bigint[]).map((x) => fromFieldSigned(x));
  };
}

/** A signed integer as a circuit input. */
export const field = (x: number | bigint) => toField(BigInt(x)).toString();

/** The witness generator refuses the input (a constraint of the template fails). */
export const rejectsWitness = (p: Promise<unknown>) => assert.rejects(p, /Assert Failed/);
