/**
 * Tariff comparison (circuits/compare.ts): which tariff of a published set would have been cheapest for the
 * period, and the saving against the household's current one. Reveals those two numbers only.
 */
import { z } from 'zod';
import {
  COMPARE_OUTPUT_COUNT,
  comparePublicSignals,
  compareSignalCount,
  compareSignalName,
  compareStatement,
  compareWitnessInput,
  decodeCompareOutputs,
  parseTariffSet,
  TARIFF_SET_FORMAT,
  type CompareOutputs,
  type CompareStatement,
} from './circuit.js';
import { compareTariffs } from './reference.js';
import { documentFlag, inField } from '../fields.js';
import { defineKind } from '../kind.js';

export const compareKind = defineKind<CompareStatement, CompareOutputs>({
  kind: 'compare',
  summary: 'the index of the cheapest tariff of the set and the saving against the current one; no bill, no reading',
  fields: z.object({ tariffs: z.unknown(), current: z.number().int().min(0) }),
  flags: [
    documentFlag('tariffs', TARIFF_SET_FORMAT, 'the tariffs to compare'),
    { field: 'current', flag: '--current <index>', description: "index of the household's current tariff in the set (0 = the first)", type: 'integer', required: true },
  ],
  units: { cheapest: 'index', saving: 'micro-pence' },
  statement: (period, f, c) => {
    const set = inField('tariffs', () => parseTariffSet(f.tariffs));
    return compareStatement(period, set, f.current as number, c);
  },
  outputCount: () => COMPARE_OUTPUT_COUNT,
  signalCount: compareSignalCount,
  signalName: compareSignalName,
  publicSignals: comparePublicSignals,
  decode: (signals, _s, c) => decodeCompareOutputs(signals, c),
  outputsJson: (o) => ({ cheapest: String(o.cheapest), saving: String(o.saving) }),
  witnessInput: compareWitnessInput,
  reference: (bundle, s) => compareTariffs(bundle.readingsWh, s.tariffs, s.current),
});
