/**
 * The OpenAPI 3.1 description of the API, served at /openapi.json. test/verifier-api/openapi.test.ts
 * validates it against the OpenAPI schema and checks that its paths and methods are exactly the routes
 * the Express app serves. What depends on the result kinds is read from the kind registry: their names,
 * summaries, statement fields and outputs, their documents' formats and publishers, their own routes
 * (operations and component schemas) and balancing sources.
 */
import { z } from 'zod';
import { KINDS } from '../kinds/registry.js';
import { ROLES, type OpenApiKit } from '../kinds/service.js';
import { BALANCE_SOURCES } from './aggregate.js';
import { householdPaths } from './household.js';
import { keysPaths } from './keys-routes.js';
import { trustPaths } from './trust-snapshot.js';
import { REQUEST_ERROR_CODES, requestPaths } from './requests.js';
import { alternatives } from './http.js';
import { KIND_ROUTES } from './kind-routes.js';
import { PARAMETER_FORMATS } from './parameters.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: object) => ({ 'application/json': { schema } });

const ERROR_CODES = [
  'invalid_json',
  'invalid_request',
  'bad_request',
  'request_aborted',
  'invalid_document',
  'unsupported_media_type',
  'body_too_large',
  'body_too_deep',
  'invalid_public_key',
  'malformed',
  'signal_count',
  'non_canonical_signal',
  'unauthenticated',
  'invalid_api_key',
  'forbidden',
  'not_found',
  'invalid_envelope',
  'plaintext_bundle',
  'duplicate_statement',
  'meter_exists',
  'tariff_overlap',
  'switch_conflict',
  'outside_supply_period',
  'period_straddles_switch',
  'value_vector_overlap',
  'key_rotation_conflict',
  'scheme_parameters_exist',
  'unknown_circuit',
  'keys_missing',
  'not_served',
  'development_keys_refused',
  'key_upstream_missing',
  'ceremony_moved',
  'contribution_refused',
  'bad_proof_point',
  'output_mismatch',
  'statement_mismatch',
  'proof_invalid',
  'document_unknown',
  'document_mismatch',
  'period_invalid',
  'period_not_ended',
  'meter_not_registered',
  'meter_key_unknown',
  'meter_key_revoked',
  'meter_key_inactive',
  'tariff_not_published',
  'tariff_mismatch',
  'value_vector_missing',
  'value_vector_mismatch',
  'challenge_missing',
  'unknown_supplier',
  'unknown_substation',
  'wrong_document_kind',
  'document_incomplete',
  'parameters_exist',
  'parameters_overlap',
  'parameters_not_published',
  'parameters_mismatch',
  'parameters_not_valid',
  'parameters_not_for_meter',
  'current_tariff_mismatch',
  'challenge_unknown',
  'challenge_mismatch',
  'claim_overlap',
  'period_gap',
  'parts_overlap',
  'part_outside_range',
  'result_not_part',
  'meter_key_generation',
  'mixed_tariffs',
  'rate_limited',
  'overloaded',
  'verifier_error',
  'internal',
  ...REQUEST_ERROR_CODES,
];

const DESCRIPTIONS: Record<string, string> = {
  400: 'Malformed request (codes: invalid_json, body_too_deep (nested over 64 levels), invalid_request (also a query parameter given twice), invalid_document, invalid_public_key, malformed, signal_count, non_canonical_signal, bad_request, request_aborted)',
  401: 'No API key, or an unknown one (codes: unauthenticated, invalid_api_key); a mailbox fetch without a valid signature of the request key (mailbox_unauthenticated)',
  403: 'The key’s role may not do this (code: forbidden)',
  404: 'Unknown resource (code: not_found)',
  409: 'Conflicts with what is stored',
  413: 'Body larger than the limit (code: body_too_large)',
  415: 'Body is not application/json (code: unsupported_media_type)',
  422: 'Well-formed but rejected: a proof or statement check failed, or a referenced party/document is unknown',
  429: 'Rate limit exceeded, per API key, per client address, or of failed authentications per address (code: rate_limited); see Retry-After',
  503: 'Verification queue full (code: overloaded), or the keys of the circuit are not on this service yet (code: keys_missing; the message says how the operator adds them, Retry-After while they are built or fetched); retry later',
};

const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: DESCRIPTIONS[s], content: jsonContent(ref('Error')) }]));

const ok = (description: string, schema: object, status = '200') => ({ [status]: { description, content: jsonContent(schema) } });
const keyed = [{ apiKey: [] }];
const pathId = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const query = (name: string, description: string, schema: object = { type: 'string' }, required = false) => ({ name, in: 'query', required, description, schema });
const periodParam = (required: boolean) =>
  query('period', 'Period: YYYY-MM-DD (with days, default 1) or YYYY-MM-DD/days', { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(/\\d{1,3})?$' }, required);
const daysParam = query('days', 'Length of the period in days (when period has no /days)', { type: 'string', pattern: '^[1-9]\\d{0,2}$' });
const body = (schema: object) => ({ required: true, content: jsonContent(schema) });

const Decimal = { type: 'string', pattern: '^-?(0|[1-9]\\d*)$', description: 'exact integer as a decimal string' };
const FieldElement = { type: 'string', pattern: '^(0|[1-9]\\d{0,76})$' };
const IsoDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
const Fraction = { type: ['string', 'null'], description: 'decimal fraction (9 places, truncated); null when the total is 0' };

const kit: OpenApiKit = { ref, ok, errors, keyed, pathId, query, period: [periodParam(true), daysParam], body, Decimal, IsoDate };

const KIND_NAMES = Object.keys(KINDS);
const kindsText = KIND_NAMES.join(', ');
/** per kind, e.g. "bill: tariff, valueOfEnergy; …" ("none" for a kind with nothing to list) */
const perKind = (f: (k: (typeof KINDS)[string]) => string[]) =>
  Object.values(KINDS)
    .map((k) => `${k.kind}: ${f(k).join(', ') || 'none'}`)
    .join('; ');
const statementFields = (k: (typeof KINDS)[string]) => (k.fields instanceof z.ZodObject ? Object.keys(k.fields.shape) : []);
const PUBLISHED = PARAMETER_FORMATS.filter((f) => f.publishers.length > 0);
const ASSIGNED = PARAMETER_FORMATS.filter((f) => f.assigned);
const kindOfFormat = (kind: string) => Object.values(KINDS).find((k) => k.service.documents?.some((f) => f.kind === kind))!.kind;

/** The kinds' own routes as OpenAPI paths ("/v1/x/:id" → "/v1/x/{id}"). */
function kindPaths(): Record<string, Record<string, object>> {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of KIND_ROUTES) (paths[r.path.replace(/:([A-Za-z]+)/g, '{$1}')] ??= {})[r.method] = r.openapi(kit);
  return paths;
}

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'meterproof verifier API',
      version: '1.0.0',
      description:
        `Accepts Groth16 proofs made by \`meterproof prove <kind>\` (${kindsText}) as certified results, checks their statements against its registries, stores them with their evidence and aggregates them (settlement per supplier, substation balancing, and each kind’s own aggregates). It never sees a meter reading. See docs/verifier-api.md. What a verifier learns from each kind: ${Object.values(KINDS)
          .map((k) => `${k.kind}: ${k.summary}`)
          .join('; ')}.`,
    },
    servers: [{ url: '/' }],
    security: [],
    tags: [{ name: 'service' }, { name: 'registrar' }, { name: 'documents' }, { name: 'results' }, { name: 'aggregation' }, { name: 'kinds' }],
    paths: {
      '/healthz': { get: { tags: ['service'], operationId: 'health', summary: 'Liveness and database status (never rate limited: load balancers probe from one address)', responses: { ...ok('Healthy', ref('Health')), '503': { description: 'Database unreachable', content: jsonContent(ref('Health')) } } } },
      '/metrics': { get: { tags: ['service'], operationId: 'metrics', summary: 'Prometheus metrics (text exposition format)', responses: { '200': { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
      '/openapi.json': { get: { tags: ['service'], operationId: 'openapi', summary: 'This document', responses: ok('OpenAPI 3.1 document', { type: 'object' }) } },

      '/v1/suppliers': { get: { tags: ['registrar'], operationId: 'listSuppliers', summary: 'Registered suppliers (registrar, grid, auditor)', security: keyed, responses: { ...ok('Suppliers', ref('PartyList')), ...errors(401, 403, 429) } } },
      '/v1/suppliers/{id}': {
        put: { tags: ['registrar'], operationId: 'putSupplier', summary: 'Register or rename a supplier (registrar)', security: keyed, parameters: [pathId('id', 'supplier id')], requestBody: body(ref('PartyBody')), responses: { ...ok('Created', ref('Party'), '201'), ...ok('Updated', ref('Party')), ...errors(400, 401, 403, 413, 415, 429) } },
      },
      '/v1/substations': { get: { tags: ['registrar'], operationId: 'listSubstations', summary: 'Registered substations (registrar, grid, auditor)', security: keyed, responses: { ...ok('Substations', ref('PartyList')), ...errors(401, 403, 429) } } },
      '/v1/substations/{id}': {
        put: { tags: ['registrar'], operationId: 'putSubstation', summary: 'Register or rename a substation (registrar)', security: keyed, parameters: [pathId('id', 'substation id')], requestBody: body(ref('PartyBody')), responses: { ...ok('Created', ref('Party'), '201'), ...ok('Updated', ref('Party')), ...errors(400, 401, 403, 413, 415, 429) } },
      },
      '/v1/meters': {
        post: { tags: ['registrar'], operationId: 'registerMeter', summary: 'Register a meter with its first public key (registrar)', security: keyed, requestBody: body(ref('MeterBody')), responses: { ...ok('Registered', ref('Meter'), '201'), ...errors(400, 401, 403, 409, 413, 415, 422, 429) } },
        get: {
          tags: ['registrar'],
          operationId: 'listMeters',
          summary: 'Registered meters (registrar, auditor, grid; a supplier sees the meters it supplies, has supplied or will supply after a switch)',
          security: keyed,
          parameters: [query('supplier', 'only this supplier’s meters'), query('substation', 'only meters behind this substation')],
          responses: { ...ok('Meters', { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('MeterSummary') } } }), ...errors(401, 403, 429) },
        },
      },
      '/v1/meters/{id}': {
        get: { tags: ['registrar'], operationId: 'getMeter', summary: 'A meter, its supplier today, its supplier history and its keys (registrar, auditor, a supplier in its history)', security: keyed, parameters: [pathId('id', 'meter id')], responses: { ...ok('Meter', ref('Meter')), ...errors(401, 403, 404, 429) } },
        patch: {
          tags: ['registrar'],
          operationId: 'updateMeter',
          summary: 'Change a meter’s substation, or its supplier from today (a switch, as POST /v1/meters/{id}/switch with today’s date) (registrar); stored results keep the supplier they were certified under',
          security: keyed,
          parameters: [pathId('id', 'meter id')],
          requestBody: body({ type: 'object', additionalProperties: false, properties: { supplierId: { type: 'string' }, substationId: { type: ['string', 'null'] } } }),
          responses: { ...ok('Meter', ref('Meter')), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) },
        },
      },
      '/v1/meters/{id}/switch': {
        post: {
          tags: ['registrar'],
          operationId: 'switchSupplier',
          summary: 'Switch the meter to another supplier from a day (registrar)',
          description:
            'The current supply ends the day before `from` and the new supplier’s starts on it; the previous supplier’s tariff assignments end the day before too (those starting on or after `from` are removed). Refused with 409 switch_conflict when the supplier already supplies the meter, when `from` is not after the start of the current supply, or when a certified result covers a day from `from` on; 422 unknown_supplier.',
          security: keyed,
          parameters: [pathId('id', 'meter id')],
          requestBody: body({ type: 'object', additionalProperties: false, required: ['supplierId', 'from'], properties: { supplierId: { type: 'string' }, from: IsoDate } }),
          responses: {
            ...ok(
              'Switched',
              {
                type: 'object',
                required: ['meterId', 'supplierId', 'from', 'previousSupplierId', 'assignmentsEnded', 'assignmentsRemoved', 'meter'],
                properties: { meterId: { type: 'string' }, supplierId: { type: 'string' }, from: IsoDate, previousSupplierId: { type: 'string' }, assignmentsEnded: { type: 'integer' }, assignmentsRemoved: { type: 'integer' }, meter: ref('Meter') },
              },
              '201',
            ),
            ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429),
          },
        },
      },
      '/v1/meters/{id}/keys': {
        post: {
          tags: ['registrar'],
          operationId: 'rotateMeterKey',
          summary: 'Rotate: the current key ends the day before validFrom, the new key starts on it (registrar)',
          security: keyed,
          parameters: [pathId('id', 'meter id')],
          requestBody: body({ type: 'object', additionalProperties: false, required: ['publicKey', 'validFrom'], properties: { publicKey: { type: 'array', items: FieldElement, minItems: 2, maxItems: 2 }, validFrom: IsoDate } }),
          responses: { ...ok('Rotated', { type: 'object', required: ['keyId', 'meter'], properties: { keyId: { type: 'string' }, meter: ref('Meter') } }, '201'), ...errors(400, 401, 403, 404, 409, 413, 415, 429) },
        },
      },
      '/v1/meters/{id}/keys/{keyId}/revoke': {
        post: { tags: ['registrar'], operationId: 'revokeMeterKey', summary: 'Revoke a key: it certifies no period any more (registrar)', security: keyed, parameters: [pathId('id', 'meter id'), pathId('keyId', 'key id')], responses: { ...ok('Revoked', ref('Meter')), ...errors(401, 403, 404, 429) } },
      },

      '/v1/tariffs': {
        post: {
          tags: ['documents'],
          operationId: 'publishTariff',
          summary: `Assign ${alternatives(['a tariff (meterproof-tariff/1: bills, penalty bills)', ...ASSIGNED.map((f) => `a ${f.what} (${f.format}: ${kindOfFormat(f.kind)} results)`)])} to some of the supplier’s meters over [from, to] (supplier); one of each kind per meter and day, and only for days the supplier supplies the meter (422 outside_supply_period when it supplies only some of them)`,
          security: keyed,
          requestBody: body({ type: 'object', additionalProperties: false, required: ['tariff', 'meters', 'from', 'to'], properties: { tariff: { type: 'object', description: 'meterproof-tariff/1 document (schemas/tariff.schema.json)' }, meters: { type: 'array', items: { type: 'string' }, minItems: 1 }, from: IsoDate, to: IsoDate } }),
          responses: {
            ...ok('Published', { type: 'object', required: ['digest', 'tariffId'], properties: { digest: { type: 'string' }, tariffId: { type: 'string' }, kind: { type: 'string', enum: ['tariff', ...ASSIGNED.map((f) => f.kind)] }, from: IsoDate, to: IsoDate, meters: { type: 'array', items: { type: 'string' } }, assignmentsCreated: { type: 'integer' } } }, '201'),
            ...errors(400, 401, 403, 409, 413, 415, 422, 429),
          },
        },
      },
      '/v1/value-vectors': {
        post: {
          tags: ['documents'],
          operationId: 'publishValueVector',
          summary: 'Publish the value-of-energy vector for [from, to] (grid)',
          security: keyed,
          requestBody: body({ type: 'object', additionalProperties: false, required: ['vector', 'from', 'to'], properties: { vector: { type: 'object', description: 'meterproof-tariff/1 document of kind value-of-energy' }, from: IsoDate, to: IsoDate } }),
          responses: { ...ok('Published', { type: 'object', required: ['digest'], properties: { digest: { type: 'string' }, vectorId: { type: 'string' }, from: IsoDate, to: IsoDate } }, '201'), ...errors(400, 401, 403, 409, 413, 415, 422, 429) },
        },
        get: {
          tags: ['documents'],
          operationId: 'getValueVector',
          summary: 'The value-of-energy vector covering a period (public: households prove with it)',
          parameters: [periodParam(true), daysParam],
          responses: { ...ok('Vector', { type: 'object', required: ['digest', 'document'], properties: { digest: { type: 'string' }, document: { type: 'object' } } }), ...errors(400, 404, 429) },
        },
      },
      ...householdPaths({ ok, errors, pathId, body }),
      ...keysPaths({ ok, errors, pathId, query, keyed }),
      ...trustPaths({ ok, errors }),
      ...requestPaths({ ok, errors, pathId, body }),
      '/v1/documents/{digest}': {
        get: { tags: ['documents'], operationId: 'getDocument', summary: `A published document by digest: ${['tariff', ...ASSIGNED.map((f) => f.what)].join(', ')}, value-of-energy vector or parameters (public)`, parameters: [pathId('digest', 'sha256 hex of the canonical document (tariffDigest)')], responses: { ...ok('Document', { type: 'object', required: ['digest', 'kind', 'id', 'document'], properties: { digest: { type: 'string' }, kind: { type: 'string' }, id: { type: 'string' }, document: { type: 'object' } } }), ...errors(404, 429) } },
      },
      '/v1/feeder-measurements': {
        put: {
          tags: ['documents'],
          operationId: 'putFeederMeasurement',
          summary: 'Record a substation’s measured consumption for a period (grid)',
          security: keyed,
          requestBody: body(ref('FeederMeasurement')),
          responses: { ...ok('Recorded', ref('FeederMeasurement')), ...errors(400, 401, 403, 413, 415, 422, 429) },
        },
      },
      '/v1/scheme-parameters': { get: { tags: ['documents'], operationId: 'listSchemeParameters', summary: 'Published free-form scheme parameter sets (public; stored in the published-parameters registry as kind scheme-parameters)', responses: { ...ok('Parameter sets', { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object' } } } }), ...errors(429) } } },
      '/v1/scheme-parameters/{id}': {
        put: {
          tags: ['documents'],
          operationId: 'putSchemeParameters',
          summary: 'Publish an immutable free-form scheme parameter set (scheme); typed documents of the result kinds go to POST /v1/parameters',
          security: keyed,
          parameters: [pathId('id', 'parameter set id')],
          requestBody: body({ type: 'object', additionalProperties: false, required: ['parameters'], properties: { parameters: { type: 'object' } } }),
          responses: { ...ok('Published', { type: 'object' }, '201'), ...ok('Already published, identical', { type: 'object' }), ...errors(400, 401, 403, 409, 413, 415, 429) },
        },
        get: { tags: ['documents'], operationId: 'getSchemeParameters', summary: 'A scheme parameter set (public)', parameters: [pathId('id', 'parameter set id')], responses: { ...ok('Parameter set', { type: 'object' }), ...errors(404, 429) } },
      },

      '/v1/results': {
        post: {
          tags: ['results'],
          operationId: 'submitResult',
          summary: 'Submit a result file (meterproof-result/1) of any kind for certification; no API key needed, registered meters only',
          description:
            'Checked in order: shape (with the kind’s statement fields), circuit of the kind with a pinned key, period (whole, past days the circuit serves), meter registered and key active for the whole period (a key revoked or rotated away after certification still lets the exact replay of the stored proof answer 200), one supplier for the whole period (422 period_straddles_switch), the kind’s registry bindings (assigned tariff, value vector, published parameters valid for the period, issued challenge), public-signal count and encoding, decoded outputs, every public input equal to the one rebuilt from the registries, proof points (on curve, not infinity, B in the subgroup), pairing check. One result per statement key (meter, circuit and period, plus what the kind binds: its published documents, or the challenge it answers), and a kind may claim days: no two results claim a day under one scope.',
          requestBody: body(ref('ResultFile')),
          responses: {
            ...ok('Certified and stored', ref('Submission'), '201'),
            ...ok('Identical resubmission: the stored result', ref('Submission')),
            '409': { description: 'A different valid proof of a statement that already has a certified result (code: duplicate_statement), or a claim overlapping another claim under the same scope (code: claim_overlap); existingId names the stored result', content: jsonContent(ref('Error')) },
            ...errors(400, 401, 413, 415, 422, 429, 503),
          },
        },
        get: {
          tags: ['results'],
          operationId: 'listResults',
          summary: 'Certified results, oldest period first (auditor; a supplier sees its own customers only; grid, scheme and service roles the kinds they run); each query parameter at most once (400 invalid_request)',
          security: keyed,
          parameters: [query('meter', 'meter id'), query('circuit', 'circuit id'), query('kind', `result kind (${kindsText})`), periodParam(false), daysParam, query('limit', 'page size, 1-1000 (default 100)', { type: 'string', pattern: '^[1-9]\\d{0,3}$' }), query('cursor', 'nextCursor of the previous page')],
          responses: { ...ok('A page of results', { type: 'object', required: ['items', 'nextCursor'], properties: { items: { type: 'array', items: ref('Result') }, nextCursor: { type: ['string', 'null'] } } }), ...errors(400, 401, 403, 429) },
        },
      },
      '/v1/results/{id}': {
        get: { tags: ['results'], operationId: 'getResult', summary: 'A certified result with its proof and public signals, for re-verification (auditor, the meter’s supplier, the role running its kind)', security: keyed, parameters: [pathId('id', 'result id')], responses: { ...ok('Result', ref('Result')), ...errors(401, 403, 404, 429) } },
      },
      '/v1/results/{id}/evidence': {
        get: {
          tags: ['results'],
          operationId: 'getEvidence',
          summary: 'Dispute evidence: the result file itself, which `meterproof verify` checks offline (auditor, the meter’s supplier, the role running its kind)',
          security: keyed,
          parameters: [pathId('id', 'result id'), query('documents', 'digest (default): the statement names its published documents by digest (GET /v1/documents/{digest}); embed: the documents written out whole', { type: 'string', enum: ['digest', 'embed'] })],
          responses: { ...ok('Result file', ref('ResultFile')), ...errors(400, 401, 403, 404, 429) },
        },
      },

      '/v1/settlement': {
        get: { tags: ['aggregation'], operationId: 'settlement', summary: 'Settlement per supplier for a period (grid, auditor)', security: keyed, parameters: [periodParam(true), daysParam], responses: { ...ok('Settlement', ref('Settlement')), ...errors(400, 401, 403, 429) } },
      },
      '/v1/statements': {
        get: {
          tags: ['aggregation'],
          operationId: 'statement',
          summary:
            'A statement over any period (a year, or longer than a circuit serves) composed from the meter’s certified bills, without a new proof: bill, settlement and consumption of each part and in total. Refused (422) on a gap (period_gap), an overlap (parts_overlap), a part reaching outside the range (part_outside_range), a part proved with a key no rotation record gives its days (meter_key_generation) or a revoked one (meter_key_revoked), and parts under different tariffs (mixed_tariffs) unless mixedTariffs=allow (auditor, the meter’s supplier)',
          security: keyed,
          parameters: [
            query('meter', 'meter id', undefined, true),
            query('from', 'first day', IsoDate, true),
            query('to', 'last day (inclusive)', IsoDate, true),
            query('mixedTariffs', 'refuse (default) or allow parts billed under different tariffs', { type: 'string', enum: ['refuse', 'allow'] }),
            query('results', 'comma-separated result ids: the parts to use when certified bills overlap (e.g. a quarter and its months)'),
          ],
          responses: { ...ok('Statement', ref('Statement')), ...errors(400, 401, 403, 404, 422, 429) },
        },
      },
      '/v1/substations/balance': {
        get: {
          tags: ['aggregation'],
          operationId: 'substationBalance',
          summary: 'Certified consumption per substation against the feeder measurement (grid, auditor)',
          security: keyed,
          parameters: [
            periodParam(true),
            daysParam,
            query('tolerance', 'flag when |certified − measured| > tolerance × measured (default 0.05)', { type: 'string', pattern: '^\\d{0,3}(\\.\\d{1,6})?$' }),
            query(
              'source',
              Object.entries(BALANCE_SOURCES)
                .map(([name, s]) => `${name}: ${s.description}${name === 'bill' ? ' (default)' : ''}`)
                .join('; '),
              { type: 'string', enum: Object.keys(BALANCE_SOURCES) },
            ),
          ],
          responses: { ...ok('Balance', ref('Balance')), ...errors(400, 401, 403, 429) },
        },
      },

      '/v1/parameters': {
        post: {
          tags: ['kinds'],
          operationId: 'publishParameters',
          summary: `Publish a parameter document of a result kind (immutable; one per kind and id): ${PUBLISHED.map((f) => `${f.kind} (${f.publishers.join(', ')})`).join(', ')}`,
          description: `The document’s \`format\` names its kind (${PUBLISHED.map((f) => `${f.kind}: ${f.format}`).join(', ')}). \`from\`/\`to\` limit the days it is valid for (optional${PARAMETER_FORMATS.some((f) => f.exclusive) ? `; required for ${PARAMETER_FORMATS.filter((f) => f.exclusive).map((f) => f.kind).join(', ')}, of which at most one is valid on any day` : ''}). Republishing the same document and validity answers 200.`,
          security: keyed,
          requestBody: body({ type: 'object', additionalProperties: false, required: ['document'], properties: { document: { type: 'object' }, from: IsoDate, to: IsoDate } }),
          responses: { ...ok('Published', ref('Parameters'), '201'), ...ok('Already published, identical', ref('Parameters')), ...errors(400, 401, 403, 409, 413, 415, 429) },
        },
        get: {
          tags: ['kinds'],
          operationId: 'listParameters',
          summary: 'Published parameter documents (public)',
          parameters: [query('kind', alternatives([...PUBLISHED.map((f) => f.kind), 'scheme-parameters'])), query('id', 'document id'), { ...periodParam(false), description: 'only documents valid on every day of this period (YYYY-MM-DD or YYYY-MM-DD/days)' }, daysParam],
          responses: { ...ok('Documents', { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Parameters') } } }), ...errors(400, 429) },
        },
      },
      '/v1/parameters/{digest}': {
        get: { tags: ['kinds'], operationId: 'getParameters', summary: 'A published parameter document with its publication (public)', parameters: [pathId('digest', 'sha256 hex of the canonical document')], responses: { ...ok('Document', { allOf: [ref('Parameters'), { type: 'object', required: ['document'], properties: { document: { type: 'object' } } }] }), ...errors(404, 429) } },
      },
      ...kindPaths(),
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: `API key from \`meterproof api key create\` (roles: ${ROLES.join(', ')}); also accepted as X-API-Key` } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', enum: ERROR_CODES }, message: { type: 'string' }, existingId: { type: 'string' } } } },
        },
        Health: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok', 'degraded'] }, database: { type: 'object' }, circuits: { type: 'array', items: { type: 'object' } }, verifier: { type: 'object' }, uptimeSeconds: { type: 'integer' } } },
        PartyBody: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
        Party: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
        PartyList: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('Party') } } },
        MeterBody: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'supplierId', 'publicKey', 'validFrom'],
          properties: { id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,31}$' }, supplierId: { type: 'string' }, substationId: { type: ['string', 'null'] }, publicKey: { type: 'array', items: FieldElement, minItems: 2, maxItems: 2 }, validFrom: IsoDate },
        },
        MeterSummary: { type: 'object', required: ['id', 'supplierId'], properties: { id: { type: 'string' }, supplierId: { type: 'string' }, substationId: { type: ['string', 'null'] }, createdAt: { type: 'string' } } },
        Meter: {
          type: 'object',
          required: ['id', 'supplierId', 'keys'],
          properties: {
            id: { type: 'string' },
            supplierId: { type: 'string', description: 'the supplier today' },
            suppliers: {
              type: 'array',
              description: 'supplier history in date order (from null: since registration; to null: until a switch), with a switch to come',
              items: { type: 'object', required: ['supplierId', 'from', 'to'], properties: { supplierId: { type: 'string' }, from: { type: ['string', 'null'] }, to: { type: ['string', 'null'] } } },
            },
            substationId: { type: ['string', 'null'] },
            keys: { type: 'array', items: { type: 'object', required: ['id', 'publicKey', 'validFrom', 'revoked'], properties: { id: { type: 'string' }, publicKey: { type: 'array', items: FieldElement }, validFrom: IsoDate, validTo: { type: ['string', 'null'] }, revoked: { type: 'boolean' } } } },
            createdAt: { type: 'string' },
          },
        },
        FeederMeasurement: {
          type: 'object',
          additionalProperties: false,
          required: ['substationId', 'period', 'consumptionWh'],
          properties: { substationId: { type: 'string' }, period: ref('Period'), consumptionWh: { type: 'string', pattern: '^(0|[1-9]\\d*)$' } },
        },
        Period: { type: 'object', required: ['start', 'days'], properties: { start: IsoDate, days: { type: 'integer', minimum: 1 } } },
        ResultFile: {
          type: 'object',
          description: `The result file of \`meterproof prove <kind>\` (format meterproof-result/1, schemas/result.schema.json); the statement holds the meter, the period and the kind’s documents (${perKind(statementFields)})`,
          required: ['format', 'kind', 'circuit', 'statement', 'outputs', 'units', 'proof', 'publicSignals'],
          properties: {
            format: { const: 'meterproof-result/1' },
            kind: { type: 'string', enum: KIND_NAMES },
            circuit: { type: 'string' },
            statement: { type: 'object', required: ['meterId', 'meterPublicKey', 'period'], properties: { meterId: { type: 'string' }, meterPublicKey: { type: 'array', items: FieldElement }, period: ref('Period') } },
            outputs: ref('Outputs'),
            units: { type: 'object' },
            proof: ref('Proof'),
            publicSignals: { type: 'array', items: FieldElement },
            prover: { type: 'object' },
            createdAt: { type: 'string' },
          },
        },
        Outputs: {
          type: 'object',
          description: `The kind’s outputs (decimal strings, or lists of them), with their units: ${perKind((k) => Object.entries(k.units).map(([name, unit]) => `${name} (${unit})`))}`,
          additionalProperties: { oneOf: [Decimal, { type: 'array', items: Decimal }] },
        },
        Proof: {
          type: 'object',
          required: ['pi_a', 'pi_b', 'pi_c', 'protocol', 'curve'],
          properties: { pi_a: { type: 'array', items: { type: 'string' } }, pi_b: { type: 'array', items: { type: 'array', items: { type: 'string' } } }, pi_c: { type: 'array', items: { type: 'string' } }, protocol: { const: 'groth16' }, curve: { const: 'bn128' } },
        },
        Result: {
          type: 'object',
          required: ['id', 'kind', 'circuit', 'meterId', 'period', 'supplierId', 'outputs', 'units', 'bindings', 'createdAt'],
          properties: {
            id: { type: 'string' },
            kind: { type: 'string' },
            circuit: { type: 'string' },
            meterId: { type: 'string' },
            period: ref('Period'),
            supplierId: { type: 'string' },
            substationId: { type: ['string', 'null'] },
            outputs: ref('Outputs'),
            units: { type: 'object' },
            bindings: {
              type: 'object',
              description: 'What the statement was bound to in the registries, as the kind’s binding names it: digests of the documents (GET /v1/documents/{digest} or /v1/parameters/{digest}), a mode, the challenge answered',
              additionalProperties: { type: ['string', 'integer', 'null'] },
            },
            createdAt: { type: 'string' },
            proof: ref('Proof'),
            publicSignals: { type: 'array', items: FieldElement },
          },
        },
        Submission: { type: 'object', required: ['id', 'status', 'result'], properties: { id: { type: 'string' }, status: { type: 'string', enum: ['created', 'existing'] }, result: ref('Result') } },
        Settlement: {
          type: 'object',
          required: ['period', 'total', 'suppliers'],
          properties: {
            period: ref('Period'),
            units: { type: 'object' },
            total: { type: 'object', properties: { settlement: Decimal, consumption: Decimal, metersCounted: { type: 'integer' } } },
            suppliers: {
              type: 'array',
              items: {
                type: 'object',
                required: ['supplierId', 'settlement', 'consumption', 'settlementShare', 'consumptionShare', 'metersCounted', 'missingMeters'],
                properties: { supplierId: { type: 'string' }, settlement: Decimal, consumption: Decimal, bill: Decimal, settlementShare: Fraction, consumptionShare: Fraction, metersCounted: { type: 'integer' }, missingMeters: { type: 'array', items: { type: 'string' } } },
              },
            },
          },
        },
        Statement: {
          type: 'object',
          required: ['meterId', 'range', 'total', 'tariffDigests', 'parts'],
          properties: {
            meterId: { type: 'string' },
            range: { type: 'object', properties: { from: IsoDate, to: IsoDate, days: { type: 'integer' } } },
            units: { type: 'object' },
            total: { type: 'object', properties: { bill: Decimal, settlement: Decimal, consumption: Decimal, parts: { type: 'integer' } } },
            tariffDigests: { type: 'array', items: { type: 'string' } },
            parts: {
              type: 'array',
              items: {
                type: 'object',
                required: ['resultId', 'circuit', 'period', 'bill', 'settlement', 'consumption', 'tariffDigest', 'meterKeyId', 'meterKeyGeneration'],
                properties: {
                  resultId: { type: 'string' },
                  circuit: { type: 'string' },
                  period: ref('Period'),
                  bill: Decimal,
                  settlement: Decimal,
                  consumption: Decimal,
                  tariffDigest: { type: 'string' },
                  valueOfEnergyDigest: { type: ['string', 'null'] },
                  meterKeyId: { type: 'string' },
                  meterKeyGeneration: { type: 'integer', description: '1 for the key registered with the meter, +1 per rotation' },
                  certifiedAt: { type: 'string' },
                },
              },
            },
          },
        },
        Parameters: {
          type: 'object',
          required: ['digest', 'kind', 'id', 'role', 'from', 'to', 'publishedAt'],
          properties: {
            digest: { type: 'string' },
            kind: { type: 'string' },
            format: { type: ['string', 'null'] },
            id: { type: 'string' },
            role: { type: 'string' },
            supplierId: { type: ['string', 'null'], description: 'the publishing supplier (a kind may apply a supplier’s document to its own customers only)' },
            from: { type: ['string', 'null'], description: 'first day it is valid (null: any)' },
            to: { type: ['string', 'null'], description: 'last day it is valid (null: any)' },
            publishedAt: { type: 'string' },
          },
        },
        Balance: {
          type: 'object',
          required: ['period', 'substations'],
          properties: {
            period: ref('Period'),
            source: { type: 'string', enum: Object.keys(BALANCE_SOURCES) },
            tolerance: { type: ['string', 'null'] },
            substations: {
              type: 'array',
              items: {
                type: 'object',
                required: ['substationId', 'certifiedConsumption', 'measuredConsumption', 'flagged'],
                properties: {
                  substationId: { type: 'string' },
                  certifiedConsumption: Decimal,
                  measuredConsumption: { type: ['string', 'null'] },
                  difference: { type: ['string', 'null'] },
                  relativeDifference: { type: ['string', 'null'] },
                  metersCounted: { type: 'integer' },
                  missingMeters: { type: 'array', items: { type: 'string' } },
                  flagged: { type: 'boolean' },
                  reason: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
        ...Object.assign({}, ...Object.values(KINDS).map((k) => k.service.features?.schemas?.(kit) ?? {})),
      },
    },
  };
}

export { ERROR_CODES };
