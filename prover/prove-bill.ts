/** Proves a certified bill: bundle + tariff (+ value-of-energy vector) → result file contents. */
import type { Bundle } from '../meter/bundle.js';
import type { ProverBackend } from './backend.js';
import { proveResult } from './prove.js';
import type { BillResultJson } from './result.js';

export interface ProveBillOptions {
  bundle: Bundle;
  /** the tariff document as published (JSON) */
  tariff: unknown;
  valueOfEnergy?: unknown;
  backend?: ProverBackend;
}

export async function proveBill(o: ProveBillOptions): Promise<BillResultJson> {
  return (await proveResult({ kind: 'bill', bundle: o.bundle, fields: { tariff: o.tariff, valueOfEnergy: o.valueOfEnergy ?? null }, backend: o.backend })) as BillResultJson;
}
