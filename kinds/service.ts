/**
 * What a kind contributes to the verifier API, and what the API offers a kind in return (a port: the API
 * implements these interfaces, kinds never import the API).
 *
 *   - readers: the API roles that read the kind's results;
 *   - documents: the parameter document formats its statements name, published under /v1/parameters;
 *   - bind: how a result's statement is bound to the registries (the supplier's assigned tariff, the grid's
 *     published events, the challenge the API issued, …); it refuses with a precise 422 code when the
 *     carried document is not the registry's, and returns the registry's documents: the certifier rebuilds
 *     the statement from them with the kind's statement() and compares every public signal;
 *   - routes: the kind's own service features (rebate payouts, profile classes, sampling challenges, …).
 */
import type { z } from 'zod';
import type { CircuitConfig } from '../circuits/config.js';

export const ROLES = ['registrar', 'supplier', 'grid', 'scheme', 'service', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** A parameter document format a kind's statements name (its schema, parser and who publishes it). */
export interface ParameterFormat {
  /** short name, stored as the document's kind: "dr-events", "rebate-scheme", … */
  kind: string;
  /** the `format` field of the document */
  format: string;
  /** what the document is, for messages */
  what: string;
  /** roles that may publish it; empty: not published through /v1/parameters (tiered tariffs are assigned, challenges issued) */
  publishers: readonly Role[];
  /** at most one document of the kind valid on any day (a validity range is then required) */
  exclusive: boolean;
  /** the shape, with defaults: its output is what is hashed */
  schema: z.ZodType;
  /** the JSON Schema shipped beside the kind (kinds/<kind>/<kind of document>.schema.json), generated from `schema` */
  jsonSchema: () => object;
  /** the companion's parser: every semantic check a statement built from the document would make */
  parse(json: unknown): unknown;
  /** normalisation beyond the schema before hashing */
  normalize?(parsed: any): unknown;
}

/** The meter a result names, as the API's registry holds it. */
export interface MeterView {
  id: string;
  supplierId: string;
}

/** A registry document as found for a result: its digest and body as published. */
export interface Found {
  digest: string;
  body: unknown;
}

/** A sampling challenge as the API issued and stored it. */
export interface IssuedChallenge {
  id: string;
  meterId: string;
  startDay: number;
  days: number;
  body: unknown;
}

/** The registries as a kind's binding reads them. */
export interface Registries {
  /** Digest of a document a result carries; one its parser refuses makes the result malformed (400). */
  carriedDigest(doc: unknown, format: ParameterFormat | 'tariff', where: string): string;
  /** A registry document's body by digest. */
  body(digest: string): Promise<unknown>;
  /** The tariff (or tiered tariff) the meter's supplier assigned for the whole period, which the carried one must be. */
  assignedTariff(ctx: BindingContext, field: string, kind: 'tariff' | 'tiered-tariff'): Promise<Found>;
  /** The assigned tariff of a kind for the period, if any, without comparing it to a carried one. */
  tariffFor(meterId: string, startDay: number, days: number, kind: 'tariff' | 'tiered-tariff'): Promise<{ digest: string; supplierId: string } | null>;
  /** The grid's value-of-energy vector for the period, if published. */
  valueVectorFor(startDay: number, days: number): Promise<string | null>;
  /** The published parameters document of `kind` the result names, valid for the period. */
  published(ctx: BindingContext, field: string, kind: string, o?: { ownCustomers?: boolean }): Promise<Found>;
  /** A challenge this API issued. */
  challenge(id: string): Promise<IssuedChallenge | null>;
}

export interface BindingContext {
  circuit: CircuitConfig;
  meter: MeterView;
  startDay: number;
  days: number;
  /** the kind's statement fields as the result carries them (after the kind's schema) */
  fields: Record<string, unknown>;
  registries: Registries;
}

/** An exclusive claim: no two results may claim the same day under one scope (a rebate per meter and scheme). */
export interface Claim {
  scope: string;
  days: number[];
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

export interface KindService {
  /** roles that read the kind's results (the registrar and auditors read every kind) */
  readers: readonly Role[];
  /** the parameter document formats the kind's statements name */
  documents?: readonly ParameterFormat[];
  bind: KindBinding;
}
