/**
 * How the API binds a result's statement to its registries, per kind. A result carries the documents it
 * was proven for; the API never builds a statement from them. A kind's binding finds the documents the
 * registries hold for the result's meter and period (the supplier's assigned tariff, the grid's events, the
 * scheme's published scheme, the challenge the API issued, …), refuses with a precise 422 code when the
 * carried document is not that one, and returns the registry's documents: the certifier rebuilds the
 * statement from them with the kind's own statement() and compares every public signal.
 *
 * A binding also names what identifies the statement's shared public inputs (for the cached tail and the
 * verifier's cached partial products), the statement key (one certified result per key) and, for rebate
 * claims, the days it claims exclusively.
 */
import type { CircuitConfig } from '../circuits/config.js';
import { isoDay } from '../core/time.js';
import { canonicalJson, parseTariff, tariffDigest } from '../tariff/index.js';
import { ApiError } from './errors.js';
import { checkDocument, formatOfKind, validFor, validityText, type ParameterFormat, type ParameterStore } from './parameters.js';
import type { Claim, MeterRecord, Store } from './store.js';

export interface BindingContext {
  circuit: CircuitConfig;
  meter: MeterRecord;
  startDay: number;
  days: number;
  /** the kind's statement fields as the result carries them (after the kind's schema) */
  fields: Record<string, unknown>;
  registries: Registries;
}

export interface Binding {
  /** the statement fields rebuilt from the registries' documents: what the kind's statement() is given */
  fields: Record<string, unknown>;
  /** identifies the public inputs after meterId, Ax, Ay for a circuit and period (the tail cache key) */
  shared: string;
  /** false when those inputs are unique to one result (a challenge's seed): not worth a cache entry */
  cacheable?: boolean;
  /** what the result was bound to, stored with it and shown by GET /v1/results/{id} */
  bindings: Record<string, string | number | null>;
  /** the statement key: kind, meter, circuit and period, plus these parts (default none) */
  keyParts?: string[];
  /** a statement key of its own instead (sampling: the challenge answered) */
  ownKey?: string;
  claim?: Claim;
}

export type KindBinding = (ctx: BindingContext) => Promise<Binding>;

const refuse = (code: string, message: string) => new ApiError(422, code, message);
const periodText = (c: { startDay: number; days: number }) => `${isoDay(c.startDay)}..${isoDay(c.startDay + c.days - 1)}`;

/** A registry document as found for a result: its digest and body as published. */
export interface Found {
  digest: string;
  body: unknown;
}

/**
 * The registries as the bindings read them, with small caches: most submissions carry the same few
 * documents, and registry documents are immutable under their digest.
 */
export class Registries {
  private readonly carried = new Map<string, string>();
  private readonly bodies = new Map<string, unknown>();

  constructor(
    readonly store: Store,
    readonly parameters: ParameterStore,
  ) {}

  /** Digest of a document a result carries; one its parser refuses makes the result malformed (400). */
  carriedDigest(doc: unknown, format: ParameterFormat | 'tariff', where: string): string {
    const text = JSON.stringify(doc) ?? 'undefined';
    const cacheKey = `${typeof format === 'string' ? format : format.kind}|${text}`;
    let digest = this.carried.get(cacheKey);
    if (digest) return digest;
    try {
      digest = format === 'tariff' ? tariffDigest(parseTariff(doc)) : checkDocument(format, doc).digest;
    } catch (e) {
      throw new ApiError(400, 'malformed', `${where}: ${(e as Error).message}`);
    }
    if (this.carried.size > 1000) this.carried.clear();
    this.carried.set(cacheKey, digest);
    return digest;
  }

  /** A registry document's body by digest (tariffs, value vectors, parameters alike). */
  async body(digest: string): Promise<unknown> {
    if (this.bodies.has(digest)) return this.bodies.get(digest);
    const doc = await this.store.getDocument(digest);
    if (!doc) throw new Error(`registry document ${digest} is missing`);
    if (this.bodies.size > 1000) this.bodies.clear();
    this.bodies.set(digest, doc.body);
    return doc.body;
  }

  /**
   * The tariff of `kind` the meter's supplier assigned for the whole period, which the carried one must be
   * (422 tariff_not_published, tariff_mismatch).
   */
  async assignedTariff(ctx: BindingContext, field: string, kind: 'tariff' | 'tiered-tariff'): Promise<Found> {
    const { meter } = ctx;
    const assigned = await this.store.tariffFor(meter.id, ctx.startDay, ctx.days, kind);
    const what = kind === 'tariff' ? 'tariff' : 'tiered tariff';
    if (!assigned) throw refuse('tariff_not_published', `no ${what} is published for meter ${meter.id} for the whole period ${periodText(ctx)}`);
    const carried = this.carriedDigest(ctx.fields[field], kind === 'tariff' ? 'tariff' : formatOfKind(kind), `statement.${field}`);
    if (carried !== assigned.digest) {
      throw refuse('tariff_mismatch', `the result's ${what} (digest ${carried.slice(0, 16)}…) is not the ${what} supplier ${assigned.supplierId} published for meter ${meter.id} and this period (digest ${assigned.digest.slice(0, 16)}…)`);
    }
    return { digest: assigned.digest, body: await this.body(assigned.digest) };
  }

  /**
   * The published parameters document the result names: it must be published (422 parameters_not_published,
   * or parameters_mismatch when its id is published with other content), valid for every day of the period
   * (parameters_not_valid) and, when `ownCustomers` and a supplier published it, for one of that
   * supplier's meters (parameters_not_for_meter).
   */
  async published(ctx: BindingContext, field: string, kind: string, o: { ownCustomers?: boolean } = {}): Promise<Found> {
    const format = formatOfKind(kind);
    const doc = ctx.fields[field];
    const digest = this.carriedDigest(doc, format, `statement.${field}`);
    const p = await this.parameters.get(digest);
    if (!p) {
      const id = (doc as { id?: string }).id ?? '';
      const other = await this.parameters.byId(kind, id);
      if (other) throw refuse('parameters_mismatch', `the result's ${format.what} ${id} (digest ${digest.slice(0, 16)}…) is not the published one (digest ${other.digest.slice(0, 16)}…)`);
      throw refuse('parameters_not_published', `the result's ${format.what} ${id} (digest ${digest.slice(0, 16)}…) is not published (GET /v1/parameters?kind=${kind})`);
    }
    if (!validFor(p, ctx.startDay, ctx.days)) {
      throw refuse('parameters_not_valid', `${format.what} ${p.docId} is valid ${validityText(p)}, not for the whole period ${periodText(ctx)}`);
    }
    if (o.ownCustomers && p.role === 'supplier' && p.subject !== ctx.meter.supplierId) {
      throw refuse('parameters_not_for_meter', `${format.what} ${p.docId} was published by supplier ${p.subject} for its own customers; meter ${ctx.meter.id} is supplied by ${ctx.meter.supplierId}`);
    }
    return { digest, body: p.body };
  }
}

/** A kind whose statement names one published document (rebate scheme, profile set, suspect pattern). */
function oneDocument(field: string, kind: string, digestName: string, o: { ownCustomers?: boolean } = {}): KindBinding {
  return async (ctx) => {
    const doc = await ctx.registries.published(ctx, field, kind, o);
    return { fields: { [field]: doc.body }, shared: doc.digest, bindings: { [digestName]: doc.digest }, keyParts: [doc.digest] };
  };
}

const profileSet = oneDocument('profiles', 'profile-set', 'profileSetDigest');
const rebateScheme = oneDocument('scheme', 'rebate-scheme', 'schemeDigest');

export const BINDINGS: Record<string, KindBinding> = {
  /** the supplier's tariff for the meter and the grid's value-of-energy vector for the period */
  async bill(ctx) {
    const r = ctx.registries;
    const tariff = await r.assignedTariff(ctx, 'tariff', 'tariff');
    const value = await r.store.valueVectorFor(ctx.startDay, ctx.days);
    if (!value) throw refuse('value_vector_missing', `the grid has published no value-of-energy vector for ${periodText(ctx)}`);
    if (ctx.fields.valueOfEnergy == null) throw refuse('value_vector_mismatch', `the result has no value-of-energy binding; the grid's vector for the period has digest ${value.slice(0, 16)}…`);
    const carried = r.carriedDigest(ctx.fields.valueOfEnergy, 'tariff', 'statement.valueOfEnergy');
    if (carried !== value) throw refuse('value_vector_mismatch', `the result's value-of-energy vector (digest ${carried.slice(0, 16)}…) is not the grid's for the period (digest ${value.slice(0, 16)}…)`);
    return { fields: { tariff: tariff.body, valueOfEnergy: await r.body(value) }, shared: `${tariff.digest}|${value}`, bindings: { tariffDigest: tariff.digest, valueOfEnergyDigest: value } };
  },

  /** the grid's events valid for the period; a penalty bill also the meter's assigned tariff */
  async threshold(ctx) {
    const mode = ctx.fields.mode as 'compliance' | 'penalty';
    // a compliance proof has no prices: a tariff it carried would be stored unchecked
    if (mode === 'compliance' && ctx.fields.tariff !== undefined) throw new ApiError(400, 'malformed', 'statement.tariff: a compliance statement takes no tariff (only a penalty bill does)');
    const events = await ctx.registries.published(ctx, 'events', 'dr-events');
    const tariff = mode === 'penalty' ? await ctx.registries.assignedTariff(ctx, 'tariff', 'tariff') : undefined;
    return {
      fields: { mode, events: events.body, ...(tariff ? { tariff: tariff.body } : {}) },
      shared: `${mode}|${events.digest}|${tariff?.digest ?? ''}`,
      bindings: { mode, eventsDigest: events.digest, tariffDigest: tariff?.digest ?? null },
      // one compliance proof and one penalty bill per events document and period
      keyParts: [mode, events.digest],
    };
  },

  /** the tiered tariff the meter's supplier assigned for the period */
  async tiered(ctx) {
    const tariff = await ctx.registries.assignedTariff(ctx, 'tariff', 'tiered-tariff');
    return { fields: { tariff: tariff.body }, shared: tariff.digest, bindings: { tariffDigest: tariff.digest } };
  },

  /**
   * A published tariff set. When the meter's assigned tariff for the period is in the set, `current` must
   * name it: the saving is then against the tariff the household really has. A set without it (a service
   * comparing offers the API knows nothing about) leaves `current` to the household.
   */
  async compare(ctx) {
    const set = await ctx.registries.published(ctx, 'tariffs', 'tariff-set');
    const current = ctx.fields.current as number;
    const assigned = await ctx.registries.store.tariffFor(ctx.meter.id, ctx.startDay, ctx.days, 'tariff');
    if (assigned) {
      const digests = (set.body as { tariffs: unknown[] }).tariffs.map((t, i) => ctx.registries.carriedDigest(t, 'tariff', `tariff set, tariff ${i}`));
      const positions = digests.flatMap((d, i) => (d === assigned.digest ? [i] : []));
      if (positions.length && !positions.includes(current)) {
        throw refuse('current_tariff_mismatch', `current is ${current}, but the tariff supplier ${assigned.supplierId} assigned to meter ${ctx.meter.id} for this period is tariff ${positions.join(' / ')} of the set`);
      }
    }
    return { fields: { tariffs: set.body, current }, shared: `${set.digest}|${current}`, bindings: { tariffSetDigest: set.digest, current }, keyParts: [set.digest] };
  },

  /**
   * A published rebate scheme. A claim: one per meter, scheme and period, and no two claims of a meter
   * under one scheme may share a day (a week claimed after its days were claimed one by one is refused).
   */
  async rebate(ctx) {
    const b = await rebateScheme(ctx);
    const scope = `rebate|${ctx.meter.id}|${b.shared}`;
    return { ...b, claim: { scope, days: Array.from({ length: ctx.days }, (_, i) => ctx.startDay + i) } };
  },

  /** nothing to bind: the sub-periods are the circuit's */
  async totals() {
    return { fields: {}, shared: '', bindings: {} };
  },

  /** a challenge this API issued for this meter and period, unchanged; one result per challenge */
  async sampling(ctx) {
    const carried = ctx.fields.challenge as { id: string };
    const stored = await ctx.registries.parameters.getChallenge(carried.id);
    if (!stored) throw refuse('challenge_unknown', `challenge ${carried.id} was not issued by this API (POST /v1/challenges issues one)`);
    const format = formatOfKind('challenge');
    if (canonicalJson(format.schema.parse(stored.body)) !== canonicalJson(format.schema.parse(carried))) {
      throw refuse('challenge_mismatch', `the result's challenge ${carried.id} differs from the one issued (seed, meter, period or issuer changed)`);
    }
    if (stored.meterId !== ctx.meter.id) throw refuse('challenge_mismatch', `challenge ${stored.id} was issued for meter ${stored.meterId}, not ${ctx.meter.id}`);
    if (stored.startDay !== ctx.startDay || stored.days !== ctx.days) throw refuse('challenge_mismatch', `challenge ${stored.id} was issued for ${periodText(stored)}, not ${periodText(ctx)}`);
    return { fields: { challenge: stored.body }, shared: `challenge:${stored.id}`, cacheable: false, bindings: { challengeId: stored.id }, ownKey: `sampling|${stored.id}` };
  },

  /** a published profile set valid for the period (and, when the set names a period, made for this one) */
  async profile(ctx) {
    const b = await profileSet(ctx);
    const period = (b.fields.profiles as { period?: { start: string; days: number } }).period;
    if (period && (period.start !== isoDay(ctx.startDay) || period.days !== ctx.days)) {
      throw refuse('parameters_not_valid', `the profile set is made for ${period.start} + ${period.days} day(s), not for ${isoDay(ctx.startDay)} + ${ctx.days} day(s)`);
    }
    return b;
  },

  /** a published suspect pattern; one a supplier published applies to its own customers only */
  suspect: oneDocument('pattern', 'suspect-pattern', 'patternDigest', { ownCustomers: true }),
};
