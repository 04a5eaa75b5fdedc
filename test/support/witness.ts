/** Witness computation and editing for circuit tests (no proving keys needed). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as snarkjs from 'snarkjs';
import assert from 'node:assert/strict';
import type { CertifiedPeriod } from '../../circuits/lib/certified_inputs.js';
import { artifactsOf } from '../../core/paths.js';
import { getCircuit, type ResultKind } from '../../kinds/registry.js';
import type { Bundle } from '../../meter/bundle.js';

/** Full witness as bigints (index 0 is the constant 1, then outputs, then public inputs). */
export async function computeWitness(circuitId: string, input: Record<string, unknown>): Promise<bigint[]> {
  const w = { type: 'mem' };
  await snarkjs.wtns.calculate(input, artifactsOf(circuitId).wasm, w);
  return (await snarkjs.wtns.exportJson(w)) as bigint[];
}

type WitnessInput = Record<string, string | string[]>;

/** A copy of a witness input with `change` applied (the honest input stays as it was). */
export function editedInput<I extends WitnessInput>(input: I, change: (copy: I) => void): I {
  const copy = structuredClone(input);
  change(copy);
  return copy;
}

/** Asserts that the witness generator refuses `input` (one of the circuit's asserts fails). */
export const witnessRefused = (circuitId: string, input: Record<string, unknown>) => assert.rejects(computeWitness(circuitId, input), /Assert Failed/);

/** Writes the witness of `input` to a file and returns its path. */
export async function witnessFile(circuitId: string, input: Record<string, unknown>): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'mp-wtns-')), 'witness.wtns');
  await snarkjs.wtns.calculate(input, artifactsOf(circuitId).wasm, path);
  return path;
}

/**
 * Adds `delta` to wire `index` of a .wtns file in place. Layout: "wtns", version, section count, then
 * sections (type u32, size u64): section 1 = field size n8, prime, wire count; section 2 = the wires,
 * n8 bytes little-endian each.
 */
export function editWitness(path: string, index: number, delta: bigint, prime: bigint): void {
  const buf = readFileSync(path);
  let offset = 12;
  let n8 = 0;
  for (;;) {
    const type = buf.readUInt32LE(offset);
    const size = Number(buf.readBigUInt64LE(offset + 4));
    const data = offset + 12;
    if (type === 1) n8 = buf.readUInt32LE(data);
    if (type === 2) {
      const at = data + index * n8;
      let value = 0n;
      for (let i = n8 - 1; i >= 0; i--) value = (value << 8n) | BigInt(buf[at + i]);
      value = (((value + delta) % prime) + prime) % prime;
      for (let i = 0; i < n8; i++) buf[at + i] = Number((value >> BigInt(8 * i)) & 0xffn);
      writeFileSync(path, buf);
      return;
    }
    offset = data + size;
  }
}

export async function witnessSatisfies(circuitId: string, wtnsPath: string): Promise<boolean> {
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };
  return snarkjs.wtns.check(artifactsOf(circuitId).r1cs, wtnsPath, quiet);
}

/**
 * Runs a kind's circuit on a statement: checks that the witness's public signals are exactly what a
 * verifier rebuilds from the statement and the decoded outputs, and returns the outputs.
 */
export async function kindOutputs<S extends CertifiedPeriod, O>(kind: ResultKind<S, O>, circuitId: string, bundle: Bundle, s: S, c = getCircuit(circuitId)): Promise<O> {
  const w = await computeWitness(circuitId, kind.witnessInput(bundle, s, c));
  const publicSignals = w.slice(1, 1 + kind.signalCount(c));
  const out = kind.decode(publicSignals, s, c);
  assert.deepEqual(publicSignals, kind.publicSignals(s, out, c), 'public signals as the verifier rebuilds them');
  return out;
}
