/** The progressive rebate of a scheme (rebate.circom): the period's total rebate in µp; nothing per day. */
import { z } from 'zod';
import { fromFieldSigned } from '../../core/field.js';
import { documentFlag, inField, periodFor } from '../fields.js';
import { defineKind } from '../kind.js';
import { parseRebateScheme, REBATE_LAYOUT, REBATE_SCHEME_FORMAT, rebateBracketVectors, RebateSchemeSchema, rebateSignalValues, rebateWitnessInput, type RebateOutputs, type RebateStatement } from './circuit.js';
import { claimFamily } from './claim/kind.js';
import { exampleFields } from './example.js';
import { computeRebate } from './reference.js';
import { rebateService } from './service.js';

export const rebateKind = defineKind<RebateStatement, RebateOutputs>({
  kind: 'rebate',
  summary: "the period's total rebate under the scheme; no day's consumption or saving, no reading",
  reveals: { learns: 'the total rebate you earned under the scheme for the period', staysHome: "each day's consumption or saving, every reading" },
  circuit: {
    source: 'kinds/rebate/rebate.circom',
    template: 'Rebate',
    instances: {
      rebate_1d: { params: { maxDays: 1, minDays: 1, brackets: 4 }, budget: 6_150 },
      rebate_7d: { params: { maxDays: 7, minDays: 7, brackets: 4 }, budget: 11_800 },
      rebate_31d: { params: { maxDays: 31, minDays: 28, brackets: 4 }, budget: 32_500 },
      rebate_92d: { params: { maxDays: 92, minDays: 32, brackets: 4 }, budget: 89_650 },
    },
  },
  layout: REBATE_LAYOUT,
  testCircuits: ['rebate_1d', 'rebate_7d'],
  fields: z.object({ scheme: RebateSchemeSchema }),
  flags: [documentFlag('scheme', REBATE_SCHEME_FORMAT, 'rebate scheme document')],
  units: { rebate: 'micro-pence' },
  labels: { rebate: 'Rebate' },
  statement: (period, f, c) => {
    const scheme = inField('scheme', () => parseRebateScheme(f.scheme));
    inField('scheme', () => rebateBracketVectors(scheme, c.params.brackets)); // refuses a scheme this circuit cannot take
    return { ...periodFor(period, c), scheme };
  },
  signalValues: rebateSignalValues,
  readOutputs: (v) => ({ rebate: fromFieldSigned(v.rebate[0]) }),
  outputsJson: (o) => ({ rebate: String(o.rebate) }),
  witnessInput: rebateWitnessInput,
  // the scheme as published, not the circuit's padded bracket vectors
  reference: (bundle, s) => ({ rebate: computeRebate(bundle.readingsWh, s.scheme.baselineWh, s.scheme.brackets) }),
  example: exampleFields,
  service: rebateService,
  // anonymous claims paid by a scheme's contract (claim/README.md): their circuits and commands
  families: [claimFamily],
  cli: 'kinds/rebate/cli/chain.js',
});
