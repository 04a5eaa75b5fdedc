/** Profile class (profile.circom): the index of the best-matching published profile, and a score if the set asks. */
import { z } from 'zod';
import { fromFieldSigned } from '../../core/field.js';
import { smallOutput } from '../../circuits/lib/certified_inputs.js';
import { MAX_SCORE_LEVELS, parseProfileSet, PROFILE_LAYOUT, PROFILE_SET_FORMAT, profileCount, ProfileSetSchema, profileSetStatement, profileSignalValues, profileWitnessInput, type ProfileOutputs, type ProfileSetStatement } from './circuit.js';
import { exampleFields } from './example.js';
import { classifyProfile } from './reference.js';
import { profileService } from './service.js';
import { documentFlag, inField, periodFor } from '../fields.js';
import { defineKind } from '../kind.js';

export const profileKind = defineKind<ProfileSetStatement, ProfileOutputs>({
  kind: 'profile',
  summary: "which published profile the household's average day resembles most (and a quantised score if the set asks); no reading, no consumption level",
  reveals: { learns: 'which published daily profile your average day looks most like (and, if the set asks, a rough score)', staysHome: 'your readings and how much you use' },
  circuit: {
    source: 'kinds/profile/profile.circom',
    template: 'ProfileClass',
    instances: {
      profile_1d: { params: { maxDays: 1, minDays: 1, K: 8 }, budget: 8_400 },
      profile_7d: { params: { maxDays: 7, minDays: 7, K: 8 }, budget: 13_750 },
      profile_31d: { params: { maxDays: 31, minDays: 28, K: 8 }, budget: 33_050 },
    },
  },
  layout: PROFILE_LAYOUT,
  testCircuits: ['profile_1d'],
  fields: z.object({ profiles: ProfileSetSchema }),
  flags: [documentFlag('profiles', PROFILE_SET_FORMAT, 'profile set document')],
  units: { index: 'profile index (from 0)', score: 'correlation × scoreLevels, rounded down' },
  labels: { index: 'Closest profile', score: 'Likeness score' },
  statement: (period, f, c) => inField('profiles', () => profileSetStatement(periodFor(period, c), parseProfileSet(f.profiles), c)),
  signalValues: profileSignalValues,
  readOutputs: (v, s, c) => {
    const index = smallOutput(v.index[0], profileCount(c), 'profile index');
    if (index >= s.published) throw new Error(`profile index ${index} is not one of the set's ${s.published} profiles`);
    const score = fromFieldSigned(v.score[0]);
    if (score < -BigInt(MAX_SCORE_LEVELS) || score > BigInt(MAX_SCORE_LEVELS)) throw new Error(`score ${score} is out of range`);
    return { index, score: Number(score) };
  },
  outputsJson: (o) => ({ index: String(o.index), score: String(o.score) }),
  witnessInput: profileWitnessInput,
  // the profiles as published, not the circuit's padded K
  reference: (bundle, s) => classifyProfile(bundle.readingsWh, s.profiles.slice(0, s.published), s.scoreLevels),
  example: exampleFields,
  service: profileService,
});
