/**
 * The certified readings bundle (format "meterproof-bundle/1", JSON Schema: schemas/bundle.schema.json):
 * a period's readings plus what a proof needs to show that the meter certified exactly them: the chain
 * state at the period's start and the meter's signature at its end.
 *
 * The format itself, with no file access and no signature code: the household web page parses bundles
 * with it. meter/bundle.ts re-exports it and adds reading files and checking signatures.
 */
import { z } from 'zod';
import { SNARK_FIELD } from '../core/field.js';
import { dayOf, isoDay, SLOTS_PER_DAY } from '../core/time.js';
import { DAYS_PER_GROUP, ELEMENTS_PER_DAY, MAX_READING_WH } from './chain-layout.js';
import type { ChainState } from './chain.js';
import type { Signature } from './crypto.js';
import type { DailyRecord } from './meter-core.js';
import { assertMeterId } from './meter-id.js';

export const BUNDLE_FORMAT = 'meterproof-bundle/1';

const field = z
  .string()
  .regex(/^(0|[1-9]\d*)$/, 'expected a canonical decimal field element')
  .refine((s) => BigInt(s) < SNARK_FIELD, 'not below the field modulus');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const BundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  meter: z.object({
    id: z.string().describe('meter id, 1-31 of A-Z a-z 0-9 . _ -'),
    publicKey: z.tuple([field, field]).describe('EdDSA (Baby Jubjub) public key [Ax, Ay]'),
  }),
  period: z.object({
    start: isoDate.describe('first day, UTC'),
    days: z.number().int().min(1).max(366),
  }),
  readingsWh: z.array(z.number().int().min(0).max(MAX_READING_WH)).describe('Wh per half-hour, days × 48 values in UTC slot order'),
  chainStart: z
    .object({
      group: z.number().int().min(0).describe('floor(start day / 5): the 5-day group holding the start'),
      value: field.describe('chain value at the start of that group'),
      pending: z.array(field).max(12).describe("the group's elements before the start day: 3 per day"),
    })
    .describe('the meter hash chain at the period start (docs/certification.md)'),
  certificate: z.object({
    endDay: isoDate.describe('the day after the last day of the period'),
    signature: z.object({ R8x: field, R8y: field, S: field }).describe("the meter's EdDSA-Poseidon signature at the end day"),
  }),
});
export type BundleJson = z.infer<typeof BundleSchema>;

/** A bundle with its numbers decoded. */
export interface Bundle {
  meterId: string;
  publicKey: [bigint, bigint];
  startDay: number;
  days: number;
  readingsWh: number[];
  chainStart: ChainState;
  signature: Signature;
}

/** Builds a bundle from the meter's daily records for [startDay, startDay + days). */
export function assembleBundle(meterId: string, publicKey: [bigint, bigint], records: readonly DailyRecord[], startDay: number, days: number): Bundle {
  const byDay = new Map(records.map((r) => [r.day, r]));
  const period = Array.from({ length: days }, (_, i) => {
    const record = byDay.get(startDay + i);
    if (!record) throw new Error(`no certified readings for ${isoDay(startDay + i)}`);
    return record;
  });
  return {
    meterId,
    publicKey,
    startDay,
    days,
    readingsWh: period.flatMap((r) => r.readingsWh),
    chainStart: period[0].stateAtStart,
    signature: period[days - 1].certificate.signature,
  };
}

export function bundleToJson(b: Bundle): BundleJson {
  const s = b.signature;
  return {
    format: BUNDLE_FORMAT,
    meter: { id: b.meterId, publicKey: [b.publicKey[0].toString(), b.publicKey[1].toString()] },
    period: { start: isoDay(b.startDay), days: b.days },
    readingsWh: b.readingsWh,
    chainStart: { group: b.chainStart.group, value: b.chainStart.value.toString(), pending: b.chainStart.pending.map(String) },
    certificate: { endDay: isoDay(b.startDay + b.days), signature: { R8x: s.R8x.toString(), R8y: s.R8y.toString(), S: s.S.toString() } },
  };
}

/** Parses and checks the bundle's structure (not its signature: see verifyBundleSignature). */
export function parseBundle(json: unknown): Bundle {
  const parsed = BundleSchema.safeParse(json);
  if (!parsed.success) throw new Error(`invalid bundle: ${z.prettifyError(parsed.error)}`);
  const j = parsed.data;
  assertMeterId(j.meter.id);
  const startDay = dayOf(j.period.start);
  const endDay = dayOf(j.certificate.endDay);
  if (endDay !== startDay + j.period.days) throw new Error('invalid bundle: certificate.endDay is not period.start + period.days');
  if (j.readingsWh.length !== j.period.days * SLOTS_PER_DAY) {
    const found = j.readingsWh.length;
    throw new Error(`invalid bundle: ${j.period.days} days need ${j.period.days * SLOTS_PER_DAY} readings, found ${found} (${Math.floor(found / SLOTS_PER_DAY)} days${found % SLOTS_PER_DAY ? ` and ${found % SLOTS_PER_DAY} slots` : ''})`);
  }
  const { group, pending } = j.chainStart;
  if (group !== Math.floor(startDay / DAYS_PER_GROUP) || pending.length !== ELEMENTS_PER_DAY * (startDay % DAYS_PER_GROUP)) {
    throw new Error('invalid bundle: chainStart does not match the period start');
  }
  return {
    meterId: j.meter.id,
    publicKey: [BigInt(j.meter.publicKey[0]), BigInt(j.meter.publicKey[1])],
    startDay,
    days: j.period.days,
    readingsWh: j.readingsWh,
    chainStart: { day: startDay, group, value: BigInt(j.chainStart.value), pending: pending.map(BigInt) },
    signature: { R8x: BigInt(j.certificate.signature.R8x), R8y: BigInt(j.certificate.signature.R8y), S: BigInt(j.certificate.signature.S) },
  };
}
