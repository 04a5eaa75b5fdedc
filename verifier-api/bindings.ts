/**
 * The registries as the kinds' bindings read them (the Registries port of kinds/service.ts). A result
 * carries the documents it was proven for; the API never builds a statement from them. A kind's binding
 * (its service's `bind`) finds the documents the registries hold for the result's meter and period,
 * refuses with a precise 422 code when the carried document is not that one, and returns the registry's
 * documents: the certifier rebuilds the statement from them with the kind's own statement() and checks
 * every public signal against it.
 */
import { periodRange } from '../core/time.js';
import type { AssignedKind, BindingContext, Found, IssuedChallenge, ParameterFormat, Registries as RegistriesPort } from '../kinds/service.js';
import { parseTariff, tariffDigest } from '../tariff/index.js';
import { ApiError } from './errors.js';
import { checkDocument, formatOfKind, validFor, validityText, type ParameterStore } from './parameters.js';
import type { Store } from './store.js';

export type { Binding, BindingContext, KindBinding } from '../kinds/service.js';

const refuse = (code: string, message: string) => new ApiError(422, code, message);

/**
 * The registries with small caches: most submissions carry the same few documents, and registry documents
 * are immutable under their digest.
 */
export class Registries implements RegistriesPort {
  private readonly carried = new Map<string, string>();
  private readonly bodies = new Map<string, unknown>();
  /** digests of registry documents by object: a compact result's documents are the registry's own */
  private readonly known = new WeakMap<object, string>();

  constructor(
    readonly store: Store,
    readonly parameters: ParameterStore,
  ) {}

  /** Digest of a document a result carries; one its parser refuses makes the result malformed (400). */
  carriedDigest(doc: unknown, format: ParameterFormat | 'tariff', where: string): string {
    const known = doc !== null && typeof doc === 'object' ? this.known.get(doc) : undefined;
    if (known) return known;
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

  /** Records the digest of a registry document's body (checked when it was published). */
  remember(body: unknown, digest: string): void {
    if (body !== null && typeof body === 'object') this.known.set(body, digest);
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
  async assignedTariff(ctx: BindingContext, field: string, kind: AssignedKind): Promise<Found> {
    const { meter } = ctx;
    const assigned = await this.tariffFor(meter.id, ctx.startDay, ctx.days, kind);
    const format = kind === 'tariff' ? 'tariff' : formatOfKind(kind);
    const what = format === 'tariff' ? 'tariff' : format.what;
    if (!assigned) throw refuse('tariff_not_published', `no ${what} is published for meter ${meter.id} for the whole period ${periodRange(ctx)}`);
    const carried = this.carriedDigest(ctx.fields[field], format, `statement.${field}`);
    if (carried !== assigned.digest) {
      throw refuse('tariff_mismatch', `the result's ${what} (digest ${carried.slice(0, 16)}…) is not the ${what} supplier ${assigned.supplierId} published for meter ${meter.id} and this period (digest ${assigned.digest.slice(0, 16)}…)`);
    }
    return { digest: assigned.digest, body: await this.body(assigned.digest) };
  }

  async tariffFor(meterId: string, startDay: number, days: number, kind: AssignedKind) {
    return (await this.store.tariffFor(meterId, startDay, days, kind)) ?? null;
  }

  async valueVectorFor(startDay: number, days: number) {
    return (await this.store.valueVectorFor(startDay, days)) ?? null;
  }

  async challenge(id: string): Promise<IssuedChallenge | null> {
    return (await this.parameters.getChallenge(id)) ?? null;
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
      throw refuse('parameters_not_valid', `${format.what} ${p.docId} is valid ${validityText(p)}, not for the whole period ${periodRange(ctx)}`);
    }
    if (o.ownCustomers && p.role === 'supplier' && p.subject !== ctx.meter.supplierId) {
      throw refuse('parameters_not_for_meter', `${format.what} ${p.docId} was published by supplier ${p.subject} for its own customers; meter ${ctx.meter.id} is supplied by ${ctx.meter.supplierId}`);
    }
    return { digest, body: p.body };
  }
}
