/** Suspect-pattern match (suspect.circom): one bit, whether the average day correlates with a pattern at or above its cut-off. */
import { z } from 'zod';
import { smallOutput } from '../../circuits/lib/certified_inputs.js';
import { parseSuspectPattern, SUSPECT_LAYOUT, SUSPECT_PATTERN_FORMAT, SuspectPatternSchema, suspectSignalValues, suspectWitnessInput, type SuspectOutputs, type SuspectStatement } from './circuit.js';
import { exampleFields } from './example.js';
import { suspectMatch } from './reference.js';
import { suspectService } from './service.js';
import { documentFlag, inField, periodFor } from '../fields.js';
import { defineKind } from '../kind.js';

export const suspectKind = defineKind<SuspectStatement, SuspectOutputs>({
  kind: 'suspect',
  summary: "one bit: whether the household's average day correlates with the published pattern at or above its cut-off",
  reveals: { learns: 'one yes/no answer: whether your average day matches the published pattern', staysHome: 'your readings, your consumption, how close the match was' },
  circuit: {
    source: 'kinds/suspect/suspect.circom',
    template: 'SuspectMatch',
    instances: {
      suspect_1d: { params: { maxDays: 1, minDays: 1 }, budget: 6_200 },
      suspect_7d: { params: { maxDays: 7, minDays: 7 }, budget: 11_550 },
      suspect_31d: { params: { maxDays: 31, minDays: 28 }, budget: 30_850 },
    },
  },
  layout: SUSPECT_LAYOUT,
  testCircuits: ['suspect_1d'],
  fields: z.object({ pattern: SuspectPatternSchema }),
  flags: [documentFlag('pattern', SUSPECT_PATTERN_FORMAT, 'suspect pattern document')],
  units: { match: 'bit' },
  labels: { match: 'Matches the pattern' },
  statement: (period, f, c) => {
    const { pattern, minPermille } = inField('pattern', () => parseSuspectPattern(f.pattern));
    return { ...periodFor(period, c), pattern, minPermille };
  },
  signalValues: suspectSignalValues,
  readOutputs: (v) => ({ match: smallOutput(v.match[0], 2, 'match bit') === 1 }),
  outputsJson: (o) => ({ match: o.match ? '1' : '0' }),
  witnessInput: suspectWitnessInput,
  reference: (bundle, s) => ({ match: suspectMatch(bundle.readingsWh, s.pattern, s.minPermille) }),
  example: exampleFields,
  service: suspectService,
});
