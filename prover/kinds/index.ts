/** Every result kind the prover, the offline verifier, the CLI and the verifier API know, by name. */
import { billKind } from './bill.js';
import type { ResultKind } from './kind.js';

export const KINDS: Record<string, ResultKind<any, any>> = {
  bill: billKind,
};

export function kindNamed(name: string): ResultKind<any, any> {
  const k = KINDS[name];
  if (!k) throw new Error(`unknown result kind "${name}" (known: ${Object.keys(KINDS).join(', ')})`);
  return k;
}

export type { FieldFlag, OutputsJson, ResultKind } from './kind.js';
