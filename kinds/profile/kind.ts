/** Profile class (circuits/profile.circom): the index of the best-matching published profile, and a score if the set asks. */
import { z } from 'zod';
import { decodeProfileOutputs, parseProfileSet, PROFILE_OUTPUT_COUNT, PROFILE_SET_FORMAT, profilePublicSignals, ProfileSetSchema, profileSetStatement, profileSignalCount, profileSignalName, profileWitnessInput, type ProfileOutputs, type ProfileSetStatement } from './circuit.js';
import { classifyProfile } from './reference.js';
import { documentFlag, inField, periodFor } from '../fields.js';
import { defineKind } from '../kind.js';

export const profileKind = defineKind<ProfileSetStatement, ProfileOutputs>({
  kind: 'profile',
  summary: "which published profile the household's average day resembles most (and a quantised score if the set asks); no reading, no consumption level",
  fields: z.object({ profiles: ProfileSetSchema }),
  flags: [documentFlag('profiles', PROFILE_SET_FORMAT, 'profile set document')],
  units: { index: 'profile index (from 0)', score: 'correlation × scoreLevels, rounded down' },
  statement: (period, f, c) => inField('profiles', () => profileSetStatement(periodFor(period, c), parseProfileSet(f.profiles), c)),
  outputCount: () => PROFILE_OUTPUT_COUNT,
  signalCount: profileSignalCount,
  signalName: profileSignalName,
  publicSignals: profilePublicSignals,
  decode: (signals, s, c) => {
    const out = decodeProfileOutputs(signals, c);
    if (out.index >= s.published) throw new Error(`profile index ${out.index} is not one of the set's ${s.published} profiles`);
    return out;
  },
  outputsJson: (o) => ({ index: String(o.index), score: String(o.score) }),
  witnessInput: profileWitnessInput,
  // the profiles as published, not the circuit's padded K
  reference: (bundle, s) => classifyProfile(bundle.readingsWh, s.profiles.slice(0, s.published), s.scoreLevels),
});
