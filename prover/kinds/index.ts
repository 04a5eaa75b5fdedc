/** Every result kind the prover, the offline verifier, the CLI and the verifier API know, by name. */
import { billKind } from './bill.js';
import { compareKind } from './compare.js';
import { profileKind } from './profile.js';
import { rebateKind } from './rebate.js';
import { samplingKind } from './sampling.js';
import { suspectKind } from './suspect.js';
import { thresholdKind } from './threshold.js';
import { tieredKind } from './tiered.js';
import { totalsKind } from './totals.js';
import type { ResultKind } from './kind.js';

export const KINDS: Record<string, ResultKind<any, any>> = {
  bill: billKind,
  rebate: rebateKind,
  totals: totalsKind,
  sampling: samplingKind,
  profile: profileKind,
  suspect: suspectKind,
  threshold: thresholdKind,
  tiered: tieredKind,
  compare: compareKind,
};

export function kindNamed(name: string): ResultKind<any, any> {
  const k = KINDS[name];
  if (!k) throw new Error(`unknown result kind "${name}" (known: ${Object.keys(KINDS).join(', ')})`);
  return k;
}

export type { FieldFlag, OutputsJson, ResultKind } from './kind.js';
