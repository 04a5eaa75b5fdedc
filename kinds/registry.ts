/**
 * The kind registry: every result kind (kinds/all.ts) and every circuit instance they declare. The prover,
 * the offline verifier, the CLI, the verifier API, the benchmark, the examples and the test runner find
 * kinds and circuits here.
 */
import type { CircuitConfig } from '../circuits/config.js';
import * as all from './all.js';
import type { ResultKind } from './kind.js';

export const KINDS: Record<string, ResultKind<any, any>> = Object.fromEntries(Object.values(all).map((k) => [k.kind, k]));

export function kindNamed(name: string): ResultKind<any, any> {
  const k = KINDS[name];
  if (!k) throw new Error(`unknown result kind "${name}" (known: ${Object.keys(KINDS).join(', ')})`);
  return k;
}

/** Every circuit instance of every kind. */
export function loadCircuits(): CircuitConfig[] {
  return Object.values(KINDS).flatMap((k) => k.circuits);
}

/**
 * Circuit families that are not result kinds, declared by the kinds whose folders hold them (`families`):
 * their own public layouts, never certified by the verifier API, so loadCircuits() (whose callers read
 * each circuit's kind) leaves them out; allCircuits() and getCircuit() include them.
 */
const FAMILIES = Object.values(KINDS).flatMap((k) => k.families ?? []);

/** Every circuit instance: the kinds' and the families'. */
export function allCircuits(): CircuitConfig[] {
  return [...loadCircuits(), ...FAMILIES.flatMap((f) => f.circuits)];
}

export function getCircuit(id: string): CircuitConfig {
  const circuit = allCircuits().find((c) => c.id === id);
  if (!circuit) throw new Error(`unknown circuit "${id}" (known: ${allCircuits().map((c) => c.id).join(', ')})`);
  return circuit;
}

/** The period lengths a kind's circuits serve, for messages: "1, 7, 28-31 and 32-92 days". */
export function servedDays(kind: string): string {
  const ranges = kindNamed(kind)
    .circuits.map((c) => c.params)
    .sort((a, b) => a.minDays - b.minDays)
    .map((p) => (p.minDays === p.maxDays ? `${p.minDays}` : `${p.minDays}-${p.maxDays}`));
  return `${ranges.length > 1 ? `${ranges.slice(0, -1).join(', ')} and ` : ''}${ranges[ranges.length - 1]} days`;
}

/**
 * The smallest circuit of a kind that serves a period of `days` days. A period longer than any circuit is
 * proved as shorter ones, which the message says; bills are then composed from these certified parts
 * (GET /v1/statements, docs/verifier-api.md).
 */
export function circuitForDays(kind: string, days: number): CircuitConfig {
  const circuits = kindNamed(kind).circuits;
  const fits = circuits.filter((c) => c.params.minDays <= days && days <= c.params.maxDays).sort((a, b) => a.params.maxDays - b.params.maxDays);
  if (fits.length === 0) {
    const longest = Math.max(...circuits.map((c) => c.params.maxDays));
    const hint = days > longest ? `; prove shorter periods${kind === 'bill' ? ' and compose them (GET /v1/statements)' : ''}` : '';
    throw new Error(`no ${kind} circuit serves a period of ${days} days (${kind} circuits serve ${servedDays(kind)})${hint}`);
  }
  return fits[0];
}

/**
 * The instances `npm test` builds keys for and proves with: each kind's own, and every quarter circuit
 * (32-92 days), each proved through the verifier API (test/verifier-api/quarter.test.ts) and the bill's in
 * the household page (test/web/quarter.test.ts).
 */
export function testCircuits(): string[] {
  const quarters = loadCircuits().filter((c) => c.params.maxDays === 92);
  return [...new Set([...Object.values(KINDS), ...FAMILIES].flatMap((k) => [...k.testCircuits]).concat(quarters.map((c) => c.id)))];
}

export type { FieldFlag, OutputsJson, ResultKind } from './kind.js';
