/**
 * A circuit's public layout: its public signals as snarkjs orders them — outputs first, then public
 * inputs — each a named scalar or vector whose length may depend on the instance (days, brackets, …).
 *
 * A kind declares its layout once; signal counts and names, the compile configuration's public list,
 * packing a statement into signals and reading outputs back are all derived from it, and a test checks it
 * against the .circom declaration order and the compiled circuit's .sym.
 */
import type { CircuitConfig } from './config.js';

export interface PublicSignal {
  name: string;
  /** an output of the main component (outputs come first in the public signals) */
  output?: boolean;
  /** a vector's length for an instance; a scalar has none */
  length?: (c: CircuitConfig) => number;
}

export type PublicLayout = readonly PublicSignal[];

/** An output signal, a scalar unless `length` is given. */
export const output = (name: string, length?: (c: CircuitConfig) => number): PublicSignal => ({ name, output: true, length });
/** A public input signal, a scalar unless `length` is given. */
export const input = (name: string, length?: (c: CircuitConfig) => number): PublicSignal => ({ name, length });

export interface PlacedSignal {
  name: string;
  output: boolean;
  /** index of the first element in the public signals */
  offset: number;
  length: number;
  vector: boolean;
}

/** The layout placed for instance `c`: each signal's offset and length. */
export function placeSignals(layout: PublicLayout, c: CircuitConfig): PlacedSignal[] {
  const outputsFirst = layout.findIndex((s) => !s.output);
  if (outputsFirst >= 0 && layout.slice(outputsFirst).some((s) => s.output)) throw new Error(`${c.kind}: outputs must come before public inputs in a public layout`);
  let offset = 0;
  return layout.map((s) => {
    const length = s.length ? s.length(c) : 1;
    if (!Number.isInteger(length) || length < 1) throw new Error(`${c.id}: signal ${s.name} has length ${length}`);
    const placed = { name: s.name, output: !!s.output, offset, length, vector: !!s.length };
    offset += length;
    return placed;
  });
}

export const signalCount = (layout: PublicLayout, c: CircuitConfig): number => placeSignals(layout, c).reduce((n, s) => n + s.length, 0);

export const outputCount = (layout: PublicLayout, c: CircuitConfig): number => placeSignals(layout, c).filter((s) => s.output).reduce((n, s) => n + s.length, 0);

/** Names of the main component's public inputs (the compile configuration's `public` list). */
export const publicInputNames = (layout: PublicLayout): string[] => layout.filter((s) => !s.output).map((s) => s.name);

/** The name of public signal `i`, e.g. "bracketRate[2]", as the compiled .sym names it after "main.". */
export function signalName(layout: PublicLayout, i: number, c: CircuitConfig): string {
  const s = placeSignals(layout, c).find((p) => i >= p.offset && i < p.offset + p.length);
  if (!s) throw new Error(`${c.id} has ${signalCount(layout, c)} public signals, not ${i + 1}`);
  return s.vector ? `${s.name}[${i - s.offset}]` : s.name;
}

/** Every public signal's name in order (the .sym's main.* names of wires 1..n). */
export const signalNames = (layout: PublicLayout, c: CircuitConfig): string[] => Array.from({ length: signalCount(layout, c) }, (_, i) => signalName(layout, i, c));

export type SignalValues = Record<string, bigint | readonly bigint[]>;

/** Packs named values into the public signals; refuses a missing, unknown or wrongly sized one. */
export function packSignals(layout: PublicLayout, c: CircuitConfig, values: SignalValues): bigint[] {
  const placed = placeSignals(layout, c);
  const unknown = Object.keys(values).filter((k) => !placed.some((p) => p.name === k));
  if (unknown.length) throw new Error(`${c.id}: no public signal named ${unknown.join(', ')}`);
  return placed.flatMap((p) => {
    const v = values[p.name];
    if (v === undefined) throw new Error(`${c.id}: public signal ${p.name} has no value`);
    const list = typeof v === 'bigint' ? [v] : [...v];
    if (list.length !== p.length || (typeof v === 'bigint') === p.vector) throw new Error(`${c.id}: public signal ${p.name} takes ${p.vector ? `${p.length} values` : 'one value'}, not ${typeof v === 'bigint' ? 'a scalar' : `${list.length}`}`);
    return list;
  });
}

/** Reads public signals back by name (scalars as one-element lists). */
export function unpackSignals(layout: PublicLayout, c: CircuitConfig, signals: readonly (bigint | string)[]): Record<string, bigint[]> {
  const placed = placeSignals(layout, c);
  return Object.fromEntries(placed.map((p) => [p.name, signals.slice(p.offset, p.offset + p.length).map((x) => BigInt(x))]));
}
