/**
 * Sampled disclosure (sampling.circom): the certified readings at the slots a verifier's challenge seed
 * selects. Outputs: `slots` (absolute UTC half-hour slot numbers, core/time.ts) and `readings` (Wh), in the
 * circuit's sample order.
 */
import { z } from 'zod';
import { smallOutput } from '../../circuits/lib/certified_inputs.js';
import { MAX_READING_WH } from '../../meter/chain.js';
import { CHALLENGE_FORMAT, challengeStatement, ChallengeSchema, parseChallenge, SAMPLING_LAYOUT, samplingSignalValues, samplingWitnessInput, type SamplingOutputs, type SamplingStatement } from './circuit.js';
import { exampleFields } from './example.js';
import { sampleReadings } from './reference.js';
import { samplingService } from './service.js';
import { documentFlag, inField, periodFor } from '../fields.js';
import { defineKind } from '../kind.js';

export const samplingKind = defineKind<SamplingStatement, SamplingOutputs>({
  kind: 'sampling',
  summary: "the readings at the slots the verifier's challenge seed selects (about 1 in 100); no other reading",
  reveals: { learns: "the readings of the few half-hours (about 1 in 100) the verifier's challenge picks at random", staysHome: 'every other reading' },
  circuit: {
    source: 'kinds/sampling/sampling.circom',
    template: 'SampledReadings',
    instances: {
      sampling_1d: { params: { maxDays: 1, minDays: 1, samples: 1 }, budget: 6_700 },
      sampling_7d: { params: { maxDays: 7, minDays: 7, samples: 4 }, budget: 12_700 },
      sampling_31d: { params: { maxDays: 31, minDays: 28, samples: 15 }, budget: 38_400 },
      sampling_92d: { params: { maxDays: 92, minDays: 32, samples: 40 }, budget: 112_850 },
    },
  },
  layout: SAMPLING_LAYOUT,
  testCircuits: ['sampling_1d'],
  fields: z.object({ challenge: ChallengeSchema }),
  flags: [documentFlag('challenge', CHALLENGE_FORMAT, "the verifier's challenge document")],
  units: { slots: 'UTC half-hour slot number', readings: 'Wh' },
  labels: { slots: 'Half-hours sampled', readings: 'Readings of those half-hours' },
  statement: (period, f, c) => inField('challenge', () => challengeStatement(periodFor(period, c), parseChallenge(f.challenge))),
  signalValues: samplingSignalValues,
  readOutputs: (v) => ({
    samples: v.slot.map((slot, j) => ({
      slot: smallOutput(slot, Number.MAX_SAFE_INTEGER, `slot of sample ${j}`),
      readingWh: smallOutput(v.reading[j], MAX_READING_WH + 1, `reading of sample ${j}`),
    })),
  }),
  outputsJson: (o) => ({ slots: o.samples.map((x) => String(x.slot)), readings: o.samples.map((x) => String(x.readingWh)) }),
  witnessInput: samplingWitnessInput,
  reference: async (bundle, s, c) => ({ samples: await sampleReadings(bundle.readingsWh, s.startDay, s.seed, c.params.samples) }),
  example: exampleFields,
  service: samplingService,
});
