/**
 * The tariff file format, "meterproof-tariff/1": JSON validated by zod. schemas/tariff.schema.json is
 * generated from this schema (schemas/schemas.ts), so the two cannot drift apart. See docs/tariffs.md.
 *
 * Units: prices in integer milli-pence per kWh (mp/kWh, may be negative), standing charge in integer
 * milli-pence per day. The same format carries the grid's per-slot value of energy used for settlement.
 */
import { z } from 'zod';
import { MAX_ABS_PRICE } from '../core/units.js';
import { DocumentIdSchema, FIELDS_VALID } from '../core/documents.js';
import { DAY_TYPES, bandProblems } from './tou.js';
import { isTimeZone } from './zone.js';

export const TARIFF_FORMAT = 'meterproof-tariff/1';

// The circuit packs prices into 50-bit lanes, which leaves room for |price| < 2^24 mp/kWh (±167.77 p/kWh).
export { MAX_ABS_PRICE };

const Price = z
  .number()
  .int('prices are integers in mp/kWh')
  .min(-MAX_ABS_PRICE, `|price| must be below 2^24 mp/kWh`)
  .max(MAX_ABS_PRICE, `|price| must be below 2^24 mp/kWh`)
  .describe('milli-pence per kWh; may be negative');
const Slot = z
  .number()
  .int('slots are integers')
  .min(0, 'slots count from 1970-01-01T00:00Z and cannot be negative')
  .describe('UTC half-hour number since 1970-01-01T00:00Z');
const IsoDate = z.iso.date('expected a date YYYY-MM-DD');
const Time = z
  .string()
  .regex(/^(?:(?:[01]\d|2[0-3]):[03]0|24:00)$/, 'expected a half-hour aligned time HH:MM (00:00 to 24:00)')
  .describe('local clock time HH:MM, on the hour or half-hour; 24:00 ends the day');


const Flat = z.strictObject({ type: z.literal('flat'), price: Price });

const Band = z.strictObject({
  days: z.array(z.enum(DAY_TYPES)).min(1, 'name at least one day type'),
  from: Time,
  to: Time,
  price: Price,
});

const Tou = z
  .strictObject({
    type: z.literal('tou'),
    timeZone: z.string().refine(isTimeZone, 'unknown IANA time zone').default('Europe/London').describe('IANA time zone of the bands'),
    holidays: z.array(IsoDate).default([]).describe('local dates priced with the holiday bands'),
    bands: z.array(Band).min(1),
  })
  .superRefine((tou, ctx) => {
    for (const message of bandProblems(tou)) ctx.addIssue({ code: 'custom', message, path: ['bands'] });
  }, FIELDS_VALID);

/** Two spellings of a per-slot price series: a dense run from `firstSlot`, or explicit {slot, price} pairs. */
const Dynamic = z
  .strictObject({
    type: z.literal('dynamic'),
    firstSlot: Slot.optional(),
    prices: z.array(Price).min(1).optional(),
    slots: z.array(z.strictObject({ slot: Slot, price: Price })).min(1).optional(),
  })
  .superRefine((dynamic, ctx) => {
    const hasDense = dynamic.firstSlot !== undefined && dynamic.prices !== undefined;
    const hasDensePart = dynamic.firstSlot !== undefined || dynamic.prices !== undefined;
    if (dynamic.slots !== undefined ? hasDensePart : !hasDense) {
      ctx.addIssue({ code: 'custom', message: 'give either "firstSlot" and "prices", or "slots"' });
    }
    const seen = new Set<number>();
    dynamic.slots?.forEach(({ slot }, i) => {
      if (seen.has(slot)) ctx.addIssue({ code: 'custom', message: `slot ${slot} is listed twice`, path: ['slots', i, 'slot'] });
      seen.add(slot);
    });
  }, FIELDS_VALID)
  .meta({ oneOf: [{ required: ['firstSlot', 'prices'] }, { required: ['slots'] }] });

const TariffSchema = z
  .strictObject({
    format: z.literal(TARIFF_FORMAT),
    kind: z.enum(['tariff', 'value-of-energy']).default('tariff'),
    id: DocumentIdSchema,
    name: z.string().min(1),
    description: z.string().optional(),
    currency: z.literal('GBP'),
    standingChargePerDay: z
      .number()
      .int('the standing charge is an integer in mp/day')
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .describe('milli-pence per day; 0 for a value-of-energy vector'),
    validFrom: IsoDate.optional().describe('first UTC day the tariff may price'),
    validTo: IsoDate.optional().describe('last UTC day the tariff may price (inclusive)'),
    pricing: z.discriminatedUnion('type', [Flat, Tou, Dynamic]),
  })
  .superRefine((t, ctx) => {
    if (t.kind === 'value-of-energy' && t.standingChargePerDay !== 0) {
      ctx.addIssue({ code: 'custom', message: 'a value-of-energy vector has no standing charge (use 0)', path: ['standingChargePerDay'] });
    }
    // ISO dates sort correctly as strings.
    if (t.validFrom !== undefined && t.validTo !== undefined && t.validFrom > t.validTo) {
      ctx.addIssue({ code: 'custom', message: `validTo ${t.validTo} is before validFrom ${t.validFrom}`, path: ['validTo'] });
    }
  }, FIELDS_VALID)
  .meta({ title: 'meterproof tariff', description: 'A tariff or value-of-energy vector (format meterproof-tariff/1); see docs/tariffs.md.' });

/** A validated tariff, defaults filled in. */
export type Tariff = z.output<typeof TariffSchema>;
/** A tariff as written in JSON (defaults may be omitted). */
export type TariffJson = z.input<typeof TariffSchema>;
export type Pricing = Tariff['pricing'];
export type TariffKind = Tariff['kind'];

export function parseTariff(json: unknown): Tariff {
  const parsed = TariffSchema.safeParse(json);
  if (!parsed.success) throw new Error(`invalid tariff: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The JSON Schema of the file format (checks that need code, such as band coverage, are zod-only). */
export function tariffJsonSchema(): object {
  return z.toJSONSchema(TariffSchema, { io: 'input' });
}
