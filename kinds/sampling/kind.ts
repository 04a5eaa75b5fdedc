/**
 * Sampled disclosure (circuits/sampling.circom): the certified readings at the slots a verifier's challenge
 * seed selects. Outputs: `slots` (absolute UTC half-hour slot numbers, core/time.ts) and `readings` (Wh),
 * in the circuit's sample order.
 */
import { z } from 'zod';
import { CHALLENGE_FORMAT, challengeStatement, ChallengeSchema, decodeSamplingOutputs, parseChallenge, samplingPublicSignals, samplingSignalCount, samplingSignalName, samplingWitnessInput, type SamplingOutputs, type SamplingStatement } from './circuit.js';
import { sampleReadings } from './reference.js';
import { documentFlag, inField, periodFor } from '../fields.js';
import { defineKind } from '../kind.js';

export const samplingKind = defineKind<SamplingStatement, SamplingOutputs>({
  kind: 'sampling',
  summary: "the readings at the slots the verifier's challenge seed selects (about 1 in 100); no other reading",
  fields: z.object({ challenge: ChallengeSchema }),
  flags: [documentFlag('challenge', CHALLENGE_FORMAT, "the verifier's challenge document")],
  units: { slots: 'UTC half-hour slot number', readings: 'Wh' },
  statement: (period, f, c) => inField('challenge', () => challengeStatement(periodFor(period, c), parseChallenge(f.challenge))),
  outputCount: (c) => c.params.samples * 2,
  signalCount: samplingSignalCount,
  signalName: samplingSignalName,
  publicSignals: samplingPublicSignals,
  decode: (signals, _s, c) => decodeSamplingOutputs(signals, c),
  outputsJson: (o) => ({ slots: o.samples.map((x) => String(x.slot)), readings: o.samples.map((x) => String(x.readingWh)) }),
  witnessInput: samplingWitnessInput,
  reference: async (bundle, s, c) => ({ samples: await sampleReadings(bundle.readingsWh, s.startDay, s.seed, c.params.samples) }),
});
