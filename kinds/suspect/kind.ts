/** Suspect-profile match (circuits/suspect.circom): one bit, whether the average day correlates with a pattern at or above its threshold. */
import { z } from 'zod';
import { decodeSuspectOutputs, parseSuspectPattern, SUSPECT_OUTPUT_COUNT, SUSPECT_PATTERN_FORMAT, suspectPublicSignals, SuspectPatternSchema, suspectSignalCount, suspectSignalName, suspectWitnessInput, type SuspectOutputs, type SuspectStatement } from './circuit.js';
import { suspectMatch } from './reference.js';
import { documentFlag, inField, periodFor } from '../fields.js';
import { defineKind } from '../kind.js';

export const suspectKind = defineKind<SuspectStatement, SuspectOutputs>({
  kind: 'suspect',
  summary: "one bit: whether the household's average day correlates with the published pattern at or above its threshold",
  fields: z.object({ pattern: SuspectPatternSchema }),
  flags: [documentFlag('pattern', SUSPECT_PATTERN_FORMAT, 'suspect pattern document')],
  units: { match: 'bit' },
  statement: (period, f, c) => {
    const { pattern, thresholdPermille } = inField('pattern', () => parseSuspectPattern(f.pattern));
    return { ...periodFor(period, c), pattern, thresholdPermille };
  },
  outputCount: () => SUSPECT_OUTPUT_COUNT,
  signalCount: suspectSignalCount,
  signalName: (i) => suspectSignalName(i),
  publicSignals: suspectPublicSignals,
  decode: (signals) => decodeSuspectOutputs(signals),
  outputsJson: (o) => ({ match: o.match ? '1' : '0' }),
  witnessInput: suspectWitnessInput,
  reference: (bundle, s) => ({ match: suspectMatch(bundle.readingsWh, s.pattern, s.thresholdPermille) }),
});
