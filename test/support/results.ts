/** Result-level test helpers for every kind: edit a proven result, expect verification to refuse it with a code. */
import assert from 'node:assert/strict';
import { signalNames } from '../../circuits/layout.js';
import { getCircuit, kindNamed, type OutputsJson } from '../../kinds/registry.js';
import type { ResultJson } from '../../prover/result.js';
import { rebuildStatement, resultCircuit, ResultRejected, verifyResult, type RejectionCode } from '../../prover/verify.js';

/** A deep copy of `result` with `change` applied (the statement's documents are plain JSON, so `any` there). */
export function edited(result: ResultJson, change: (r: ResultJson & { statement: Record<string, any> }) => void): ResultJson {
  const r = structuredClone(result);
  change(r);
  return r;
}

/** verifyResult refuses `result` with `code`; returns the reason for further checks. */
export async function rejectedWith(result: unknown, code: RejectionCode): Promise<string> {
  let reason = '';
  await assert.rejects(verifyResult(result), (e: unknown) => {
    assert.ok(e instanceof ResultRejected, `expected a rejection, got ${e}`);
    assert.equal(e.code, code, e.message);
    reason = e.message;
    return true;
  });
  return reason;
}

/** The position of public signal `name` ("startDay", "weights[11]") in a result of `circuitId`, from its kind's layout: tests never count positions by hand. */
export function signalIndex(circuitId: string, name: string): number {
  const c = getCircuit(circuitId);
  const i = signalNames(kindNamed(c.kind).layout, c).indexOf(name);
  if (i < 0) throw new Error(`${circuitId} has no public signal ${name}`);
  return i;
}

/**
 * The first public signal (an output) replaced by `forge`'s value, and the outputs decoded from the new
 * signals: assigned to a result, its outputs and public signals agree, so only the proof can refuse it.
 */
export function forged(r: ResultJson, forge: (x: bigint) => bigint): { publicSignals: string[]; outputs: OutputsJson } {
  const { result, circuit, kind } = resultCircuit(r);
  const signals = r.publicSignals.map(BigInt);
  signals[0] = forge(signals[0]);
  return { publicSignals: signals.map(String), outputs: kind.outputsJson(kind.decode(signals, rebuildStatement(result, circuit, kind), circuit)) };
}
