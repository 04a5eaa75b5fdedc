/**
 * Reads a compiled circuit's .sym (one line per signal: label, witness index or -1 when optimised away,
 * component, full name) so that tests find wires by name — "main.bill", "main.readings[17]" — instead of
 * by raw index.
 */
import { readFileSync } from 'node:fs';

export interface SymbolTable {
  /** witness index of a signal by full name, e.g. "main.bill"; undefined when optimised away or unknown */
  wire(name: string): number | undefined;
  /** full names of witness wires 1..count (the public signals, in snarkjs order) */
  publicNames(count: number): string[];
}

export function readSymbols(symPath: string): SymbolTable {
  const byName = new Map<string, number>();
  const byWire = new Map<number, string>();
  for (const line of readFileSync(symPath, 'utf8').split('\n')) {
    if (!line) continue;
    const [, wire, , name] = line.split(',');
    const index = Number(wire);
    if (index < 0) continue;
    byName.set(name, index);
    // several names can share a wire (an input copied into a sub-component): keep main's own name
    if (!byWire.has(index) || name.split('.').length < byWire.get(index)!.split('.').length) byWire.set(index, name);
  }
  return {
    wire: (name) => byName.get(name),
    publicNames: (count) => Array.from({ length: count }, (_, i) => byWire.get(i + 1) ?? `<wire ${i + 1} unnamed>`),
  };
}
