/**
 * What a kind contributes to the verifier API, and what the API offers a kind in return (a port: the API
 * implements these interfaces, kinds never import the API).
 *
 *   - readers: the API roles that read the kind's results;
 *   - documents: the parameter document formats its statements name, published under /v1/parameters;
 *   - bind: how a result's statement is bound to the registries (the supplier's assigned tariff, the grid's
 *     published events, the challenge the API issued, …); it refuses with a precise 422 code when the
 *     carried document is not the registry's, and returns the registry's documents: the certifier rebuilds
 *     the statement from them with the kind's statement() and checks every public signal;
 *   - features: the kind's own service features (payouts, class counts, issued challenges, …):
 *     routes with their OpenAPI operations, served with ApiServices (the registries and results the API
 *     offers them), and a source of certified consumption for substation balancing.
 */
import { z } from 'zod';
import type { CircuitConfig } from '../circuits/config.js';
import { meterIdToField } from '../meter/meter-id.js';
import type { OutputsJson } from './kind.js';
import type { Role } from './roles.js';

export { ROLES, type Role } from './roles.js';

/** A parameter document format a kind's statements name (its schema, parser and who publishes it). */
export interface ParameterFormat {
  /** short name, stored as the document's kind, e.g. "dr-events" */
  kind: string;
  /** the `format` field of the document */
  format: string;
  /** what the document is, for messages */
  what: string;
  /** roles that may publish it; empty: not published through /v1/parameters (documents a supplier assigns, challenges the API issues) */
  publishers: readonly Role[];
  /** assigned to meters by their supplier through POST /v1/tariffs, like tariffs (one of each kind per meter and day) */
  assigned?: boolean;
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

/** A challenge as the API issued and stored it. */
export interface IssuedChallenge {
  id: string;
  meterId: string;
  startDay: number;
  days: number;
  body: unknown;
}

/** What a supplier assigns to its meters: a tariff, or a document format flagged `assigned`. */
export type AssignedKind = 'tariff' | 'tiered-tariff';

/** The registries as a kind's binding reads them. */
export interface Registries {
  /** Digest of a document a result carries; one its parser refuses makes the result malformed (400). */
  carriedDigest(doc: unknown, format: ParameterFormat | 'tariff', where: string): string;
  /** A registry document's body by digest. */
  body(digest: string): Promise<unknown>;
  /** The tariff (or other assigned document) the meter's supplier assigned for the whole period, which the carried one must be. */
  assignedTariff(ctx: BindingContext, field: string, kind: AssignedKind): Promise<Found>;
  /** The assigned tariff of a kind for the period, if any, without comparing it to a carried one. */
  tariffFor(meterId: string, startDay: number, days: number, kind: AssignedKind): Promise<{ digest: string; supplierId: string } | null>;
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

/** An exclusive claim: no two results may claim the same day under one scope (e.g. one claim per meter, scheme and day). */
export interface Claim {
  scope: string;
  days: number[];
}

export interface Binding {
  /** the statement fields rebuilt from the registries' documents: what the kind's statement() is given */
  fields: Record<string, unknown>;
  /** identifies the public inputs after meterId, Ax, Ay, context for a circuit and period (the tail cache key) */
  shared: string;
  /** false when those inputs are unique to one result (a challenge's seed): not worth a cache entry */
  cacheable?: boolean;
  /** what the result was bound to, stored with it and shown by GET /v1/results/{id} */
  bindings: Record<string, string | number | null>;
  /** the statement key: kind, meter, circuit and period, plus these parts (default none) */
  keyParts?: string[];
  /** a statement key of its own instead (e.g. the challenge a result answers) */
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
  /** the kind's own service features (kinds/<kind>/routes.ts) */
  features?: KindFeatures;
}

// ------------------------------------------------------------------------------------ service features

/** What a kind offers beyond certifying its results: its own routes, and a source for substation balancing. */
export interface KindFeatures {
  routes?: readonly KindRoute[];
  /** OpenAPI component schemas the routes' operations refer to as #/components/schemas/<name> */
  schemas?: (kit: OpenApiKit) => Record<string, object>;
  /** GET /v1/substations/balance?source=<kind>: the meters' certified consumption from the kind's results */
  balance?: BalanceSource;
}

/** Request fields a kind's route validates the way the API's own routes do. */
export const ID = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1-64 characters from A-Z a-z 0-9 . _ -');
export const DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
export const METER_ID = z.string().refine((s) => {
  try {
    meterIdToField(s);
    return true;
  } catch {
    return false;
  }
}, 'a meter id is 1-31 characters from A-Z a-z 0-9 . _ -');

/** The caller of a route, identified by its API key. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  /** the supplier a supplier key acts for */
  subject: string | null;
}

/** A request as a kind's route sees it; every helper refuses with the API's own 400 invalid_request. */
export interface KindRequest {
  /** path parameters by name (`:id` in the route's path) */
  params: Record<string, string>;
  /** the caller; always set when the route names roles */
  principal?: Principal;
  /** the JSON body checked against `schema` */
  body<T extends z.ZodType>(schema: T): z.output<T>;
  /** an optional query parameter, given at most once */
  query(name: string): string | undefined;
  /** the required `period` query parameter: YYYY-MM-DD with `days` (default 1), or YYYY-MM-DD/days */
  period(): { startDay: number; days: number };
  /** a YYYY-MM-DD date; `what` names it in the message */
  day(text: string, what: string): number;
}

export interface KindResponse {
  /** default 200 */
  status?: number;
  headers?: Record<string, string>;
  /** sent as JSON */
  body: unknown;
}

/** A route a kind adds to the API; the API checks roles and the JSON body before `handle`. */
export interface KindRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** an Express path, e.g. "/v1/challenges/:id" (OpenAPI: "/v1/challenges/{id}") */
  path: string;
  /** roles that may call it (401 without a key, 403 for another role); none: public */
  roles?: readonly Role[];
  /** takes a JSON body (415 unless Content-Type is application/json) */
  jsonBody?: boolean;
  /** the OpenAPI operation object */
  openapi: (kit: OpenApiKit) => object;
  /** throws ApiError (core/api-error.ts) to refuse */
  handle(req: KindRequest, api: ApiServices): Promise<KindResponse>;
}

/** Builders of the API's OpenAPI document, so that a kind's operations read like the API's own. */
export interface OpenApiKit {
  /** #/components/schemas/<name>: the API's (Period, Error, …) or a kind's */
  ref(name: string): object;
  /** a response with a JSON body */
  ok(description: string, schema: object, status?: string): Record<string, object>;
  /** the API's error responses for these statuses */
  errors(...statuses: number[]): Record<string, object>;
  /** the operation's `security` when it needs an API key */
  keyed: object[];
  pathId(name: string, description: string): object;
  query(name: string, description: string, schema?: object, required?: boolean): object;
  /** the `period` and `days` query parameters of KindRequest.period() */
  period: object[];
  /** a required JSON request body */
  body(schema: object): object;
  /** exact integer as a decimal string */
  Decimal: object;
  IsoDate: object;
}

/** A certified result as the API stores it. */
export interface StoredResult {
  id: string;
  kind: string;
  circuit: string;
  meterId: string;
  startDay: number;
  days: number;
  supplierId: string;
  substationId: string | null;
  /** the kind's outputs as the result file states them (decimal strings or lists) */
  outputs: OutputsJson;
  /** what the statement was bound to (Binding.bindings) */
  bindings: Record<string, string | number | null>;
  createdAt: string;
}

/** A published parameters document (/v1/parameters) with its body. */
export interface PublishedDocument {
  digest: string;
  kind: string;
  docId: string;
  body: unknown;
}

/** A challenge with its issue: who issued it and when. */
export interface ChallengeRecord extends IssuedChallenge {
  /** the issuer as the challenge names it */
  issuer: string;
  /** the API key that issued it */
  issuedBy: string;
  createdAt: string;
}

/** What the API offers a kind's routes: its registries and certified results, read-only but for challenges. */
export interface ApiServices {
  meter(id: string): Promise<MeterView | undefined>;
  /** results of a kind for exactly this period */
  resultsOfPeriod(kind: string, startDay: number, days: number): Promise<StoredResult[]>;
  /** results of a kind whose period covers every day of [startDay, startDay + days) */
  resultsCovering(kind: string, startDay: number, days: number): Promise<StoredResult[]>;
  /** results of a kind whose whole period lies within days [fromDay, toDay], oldest first */
  resultsWithin(kind: string, fromDay: number, toDay: number): Promise<StoredResult[]>;
  /** the result stored under a statement key (Binding.ownKey) */
  resultByKey(key: string): Promise<StoredResult | undefined>;
  /** a published parameters document by digest */
  published(digest: string): Promise<PublishedDocument | undefined>;
  /** a published parameters document by its kind and id */
  publishedById(kind: string, docId: string): Promise<PublishedDocument | undefined>;
  /** stores a challenge the kind issued */
  issueChallenge(c: Omit<ChallengeRecord, 'createdAt'>): Promise<ChallengeRecord>;
  challenge(id: string): Promise<ChallengeRecord | undefined>;
  /** challenges of a meter or of a supplier's meters, newest period first */
  challenges(f: { meterId?: string; supplierId?: string }): Promise<ChallengeRecord[]>;
  /** a circuit instance by id */
  circuit(id: string): CircuitConfig | undefined;
  /** the smallest circuit of a kind serving a period of `days` days; throws a plain Error naming the kind's periods */
  circuitForDays(kind: string, days: number): CircuitConfig;
  /** whether this server pins a verification key for the circuit (it certifies its results) */
  verifiable(circuitId: string): boolean;
}

/** A meter's certified consumption for a balancing window. */
export interface MeterConsumption {
  meterId: string;
  substationId: string | null;
  wh: bigint;
}

export interface BalanceSource {
  /** what it counts, for the API's messages and description: "certified consumption per sub-period, adding up to the period" */
  description: string;
  /** one value per meter that has one for exactly the window [startDay, startDay + days) */
  consumption(api: ApiServices, startDay: number, days: number): Promise<MeterConsumption[]>;
}
