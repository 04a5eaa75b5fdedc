/** The progressive rebate of a scheme (circuits/rebate.circom): the period's total rebate in µp; nothing per day. */
import { z } from 'zod';
import { decodeRebateOutputs, parseRebateScheme, REBATE_OUTPUT_COUNT, REBATE_SCHEME_FORMAT, rebateBracketVectors, rebatePublicSignals, RebateSchemeSchema, rebateSignalCount, rebateSignalName, rebateWitnessInput, type RebateOutputs, type RebateStatement } from '../../circuits/rebate.js';
import { computeRebate } from '../../circuits/rebate.reference.js';
import { documentFlag, inField, periodFor } from './fields.js';
import { defineKind } from './kind.js';

export const rebateKind = defineKind<RebateStatement, RebateOutputs>({
  kind: 'rebate',
  summary: "the period's total rebate under the scheme; no day's consumption or saving, no reading",
  fields: z.object({ scheme: RebateSchemeSchema }),
  flags: [documentFlag('scheme', REBATE_SCHEME_FORMAT, 'rebate scheme document')],
  units: { rebate: 'micro-pence' },
  statement: (period, f, c) => {
    const scheme = inField('scheme', () => parseRebateScheme(f.scheme));
    inField('scheme', () => rebateBracketVectors(scheme, c.params.brackets)); // refuses a scheme this circuit cannot take
    return { ...periodFor(period, c), scheme };
  },
  outputCount: () => REBATE_OUTPUT_COUNT,
  signalCount: rebateSignalCount,
  signalName: rebateSignalName,
  publicSignals: rebatePublicSignals,
  decode: (signals) => decodeRebateOutputs(signals),
  outputsJson: (o) => ({ rebate: String(o.rebate) }),
  witnessInput: rebateWitnessInput,
  // the scheme as published, not the circuit's padded bracket vectors
  reference: (bundle, s) => ({ rebate: computeRebate(bundle.readingsWh, s.scheme.thresholdWhPerDay, s.scheme.brackets) }),
});
