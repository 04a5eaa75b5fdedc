/**
 * Tariff comparison (compare.circom): which tariff of a published set would have been cheapest for the
 * period, and the saving against the household's current one. Reveals those two numbers only.
 */
import { z } from 'zod';
import { fromFieldSigned } from '../../core/field.js';
import { smallOutput } from '../../circuits/lib/certified_inputs.js';
import { COMPARE_LAYOUT, compareSignalValues, compareStatement, compareWitnessInput, parseTariffSet, TARIFF_SET_FORMAT, tariffCount, type CompareOutputs, type CompareStatement } from './circuit.js';
import { exampleFields } from './example.js';
import { compareTariffs } from './reference.js';
import { compareService } from './service.js';
import { documentFlag, inField } from '../fields.js';
import { defineKind } from '../kind.js';

export const compareKind = defineKind<CompareStatement, CompareOutputs>({
  kind: 'compare',
  summary: 'the index of the cheapest tariff of the set and the saving against the current one; no bill, no reading',
  reveals: { learns: 'which tariff of the published set would have been cheapest for you and how much you would have saved against your current one', staysHome: 'your bill, your readings, your consumption' },
  circuit: {
    source: 'kinds/compare/compare.circom',
    template: 'TariffComparison',
    instances: {
      compare_1d: { params: { maxDays: 1, minDays: 1, K: 4 }, budget: 6_650 },
      compare_7d: { params: { maxDays: 7, minDays: 7, K: 4 }, budget: 12_300 },
      compare_31d: { params: { maxDays: 31, minDays: 28, K: 4 }, budget: 32_800 },
    },
  },
  layout: COMPARE_LAYOUT,
  testCircuits: ['compare_1d', 'compare_7d'],
  fields: z.object({ tariffs: z.unknown(), current: z.number().int().min(0) }),
  flags: [
    documentFlag('tariffs', TARIFF_SET_FORMAT, 'the tariffs to compare'),
    { field: 'current', flag: '--current <index>', description: "index of the household's current tariff in the set (0 = the first)", type: 'integer', required: true },
  ],
  units: { cheapest: 'index', saving: 'micro-pence' },
  labels: { cheapest: 'Cheapest tariff', saving: 'Saving against your current tariff' },
  statement: (period, f, c) => {
    const set = inField('tariffs', () => parseTariffSet(f.tariffs));
    return compareStatement(period, set, f.current as number, c);
  },
  signalValues: compareSignalValues,
  readOutputs: (v, _s, c) => {
    const saving = fromFieldSigned(v.saving[0]);
    if (saving < 0n) throw new Error(`saving ${saving} is negative`);
    return { cheapest: smallOutput(v.cheapest[0], tariffCount(c), 'tariff index'), saving };
  },
  outputsJson: (o) => ({ cheapest: String(o.cheapest), saving: String(o.saving) }),
  witnessInput: compareWitnessInput,
  reference: (bundle, s) => compareTariffs(bundle.readingsWh, s.tariffs, s.current),
  example: exampleFields,
  service: compareService,
});
