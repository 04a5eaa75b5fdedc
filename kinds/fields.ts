/** What the kinds share when they turn statement fields into a statement. */
import type { CertifiedPeriod } from '../circuits/lib/certified_inputs.js';
import { assertPeriodFits } from '../circuits/lib/certified_inputs.js';
import type { CircuitConfig } from '../circuits/config.js';
import type { FieldFlag } from './kind.js';

/** Runs a check of one statement field; its error names the field, e.g. "challenge: the challenge is for meter …". */
export function inField<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    throw new Error(`${field}: ${(e as Error).message}`);
  }
}

/** The statement's meter and period, refused when circuit `c` does not serve the period. */
export function periodFor(p: CertifiedPeriod, c: CircuitConfig): CertifiedPeriod {
  assertPeriodFits(p, c);
  return { meterId: p.meterId, publicKey: p.publicKey, startDay: p.startDay, days: p.days };
}

/** The required CLI flag of a kind's one parameter document. */
export function documentFlag(field: string, format: string, what: string): FieldFlag {
  return { field, flag: `--${field} <file>`, description: `${what} (${format})`, type: 'document', required: true };
}
