/**
 * A circuit's public layout: its public signals as snarkjs orders them — outputs first, then public
 * inputs — each a named scalar or array (one or more dimensions, row-major as circom flattens them) whose
 * size may depend on the instance (days, brackets, …).
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
  /** an array's length for an instance, or its dimensions (e.g. [K, 48]); a scalar has none */
  length?: (c: CircuitConfig) => number | readonly number[];
  /** what element `j` (flattened) stands for, for people: "slots 22 and 23" */
  describe?: (j: number, c: CircuitConfig) => string;
}

export type PublicLayout = readonly PublicSignal[];

/** An output signal, a scalar unless `length` is given. */
export const output = (name: string, length?: PublicSignal['length'], describe?: PublicSignal['describe']): PublicSignal => ({ name, output: true, length, describe });
/** A public input signal, a scalar unless `length` is given. */
export const input = (name: string, length?: PublicSignal['length'], describe?: PublicSignal['describe']): PublicSignal => ({ name, length, describe });

export interface PlacedSignal {
  name: string;
  output: boolean;
  /** index of the first element in the public signals */
  offset: number;
  /** number of elements (the product of the dimensions) */
  length: number;
  /** dimensions; [] for a scalar */
  shape: number[];
  vector: boolean;
}

/** The layout placed for instance `c`: each signal's offset and length. */
export function placeSignals(layout: PublicLayout, c: CircuitConfig): PlacedSignal[] {
  const outputsFirst = layout.findIndex((s) => !s.output);
  if (outputsFirst >= 0 && layout.slice(outputsFirst).some((s) => s.output)) throw new Error(`${c.kind}: outputs must come before public inputs in a public layout`);
  let offset = 0;
  return layout.map((s) => {
    const size = s.length?.(c);
    const shape = size === undefined ? [] : typeof size === 'number' ? [size] : [...size];
    if (shape.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${c.id}: signal ${s.name} has dimensions ${shape.join(' × ')}`);
    const length = shape.reduce((a, b) => a * b, 1);
    const placed = { name: s.name, output: !!s.output, offset, length, shape, vector: shape.length > 0 };
    offset += length;
    return placed;
  });
}

export const signalCount = (layout: PublicLayout, c: CircuitConfig): number => placeSignals(layout, c).reduce((n, s) => n + s.length, 0);

export const outputCount = (layout: PublicLayout, c: CircuitConfig): number => placeSignals(layout, c).filter((s) => s.output).reduce((n, s) => n + s.length, 0);

/** Names of the main component's public inputs (the compile configuration's `public` list). */
export const publicInputNames = (layout: PublicLayout): string[] => layout.filter((s) => !s.output).map((s) => s.name);

/** The name of public signal `i`, e.g. "rates[2]" or "shapes[1][9]", as the compiled .sym names it after "main.". */
export function signalName(layout: PublicLayout, i: number, c: CircuitConfig): string {
  const s = placeSignals(layout, c).find((p) => i >= p.offset && i < p.offset + p.length);
  if (!s) throw new Error(`${c.id} has ${signalCount(layout, c)} public signals, not ${i + 1}`);
  let rest = i - s.offset;
  const indices = s.shape.map((_, d) => {
    const stride = s.shape.slice(d + 1).reduce((a, b) => a * b, 1);
    const index = Math.floor(rest / stride);
    rest %= stride;
    return `[${index}]`;
  });
  return s.name + indices.join('');
}

/** Public signal `i` for people: its name and, where the layout says, what it stands for ("weights[11] (slots 22 and 23)"). */
export function signalDescription(layout: PublicLayout, i: number, c: CircuitConfig): string {
  const name = signalName(layout, i, c);
  const placed = placeSignals(layout, c);
  const k = placed.findIndex((p) => i >= p.offset && i < p.offset + p.length);
  const describe = layout[k].describe;
  return describe ? `${name} (${describe(i - placed[k].offset, c)})` : name;
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
