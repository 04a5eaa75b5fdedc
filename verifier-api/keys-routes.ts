/**
 * Key distribution and the browser ceremony (docs/ceremony.md):
 *
 *   - GET /v1/keys: which circuits (and so which kinds) this service can verify, with the pinned
 *     verification keys, their transcripts and the content-addressed proving files — what
 *     `meterproof keys fetch --from <api>` installs after checking them — and the circuits it cannot
 *     verify yet, with how to add them;
 *   - keys added while the service runs (provision.ts): POST /v1/keys/{circuit} (operator) builds or
 *     fetches a circuit's keys, GET /v1/keys/{circuit} follows the job;
 *   - the ceremony a coordinator runs with `api serve --ceremony <dir>`: its state, the last step's zkey,
 *     and contributions made in the browser page (/contribute.html) uploaded back, checked like any other
 *     (keys/phase2.ts) before they are appended. Uploads need the invitation token the coordinator hands
 *     to contributors; the contributor's entropy never leaves their page.
 */
import { timingSafeEqual } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Express, Request, RequestHandler, Response } from 'express';
import { acceptContribution, CeremonyError, latestStep, readManifest } from '../keys/phase2.js';
import { loadCircuits } from '../kinds/registry.js';
import { ApiError } from './errors.js';
import { sha256OfFile } from './household.js';
import { queryText } from './http.js';
import type { PinnedKey } from './pinned-keys.js';
import { PROVISION_SOURCES, type Provisioner, type ProvisionSource } from './provision.js';
import type { Role } from './store.js';

export interface KeyServiceOptions {
  production?: boolean;
  /** a ceremony directory open for contributions */
  ceremony?: string;
  /** the invitation token contributors send (X-Ceremony-Token) */
  ceremonyToken?: string;
  /** adds missing keys on request */
  provisioner?: Provisioner;
  requireRole?: (...roles: Role[]) => RequestHandler;
}

/** Largest contribution upload: a zkey of the largest configured circuit fits comfortably. */
const MAX_CONTRIBUTION_BYTES = 1 << 30;
const KEY_FILES = { 'verification_key.json': 'verification_key.json', 'ceremony.json': 'ceremony.json' } as const;

export function mountKeys(app: Express, keys: Map<string, PinnedKey>, o: KeyServiceOptions = {}): void {
  const ceremonyToken = o.ceremonyToken;
  if (o.ceremony && !ceremonyToken) throw new Error('a ceremony needs an invitation token');

  app.get('/v1/keys', async (_req: Request, res: Response) => {
    const circuits = [];
    for (const k of keys.values()) {
      const files = [['zkey', k.zkeyPath, 'circuit.zkey'], ['wasm', k.wasmPath, 'circuit.wasm']] as const;
      const artifacts: Record<string, { url: string; sha256: string; bytes: number }> = {};
      for (const [name, path, file] of files) {
        if (!existsSync(path)) continue;
        const { sha256, bytes } = sha256OfFile(path);
        artifacts[name] = { url: `/artifacts/${k.circuit.id}/${await sha256}/${file}`, sha256: await sha256, bytes };
      }
      circuits.push({
        id: k.circuit.id,
        kind: k.circuit.kind,
        ceremony: k.ceremonyMode,
        development: k.development,
        contributions: k.contributions,
        vkeySha256: k.vkeySha256,
        vkey: `/v1/keys/${k.circuit.id}/verification_key.json`,
        transcript: `/v1/keys/${k.circuit.id}/ceremony.json`,
        artifacts,
      });
    }
    const missing = loadCircuits()
      .filter((c) => !keys.has(c.id))
      .map((c) => ({
        id: c.id,
        kind: c.kind,
        state: o.provisioner?.status(c.id).state ?? 'missing',
        add: o.provisioner?.howToAdd(c.id) ?? `meterproof setup --circuit ${c.id} (development keys) or meterproof keys fetch --from <api> --circuit ${c.id}, then restart`,
      }));
    res.setHeader('Cache-Control', 'no-cache');
    res.json({ production: !!o.production, kinds: [...new Set(circuits.map((c) => c.kind))].sort(), circuits, missing });
  });

  const provisioner = o.provisioner;
  if (provisioner && o.requireRole) {
    const view = (id: string) => {
      const k = keys.get(id);
      return { ...provisioner.status(id), ...(k && { ceremony: k.ceremonyMode, development: k.development, vkeySha256: k.vkeySha256 }) };
    };
    app.get('/v1/keys/:circuit', o.requireRole('operator'), (req: Request, res: Response) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.json(view(String(req.params.circuit)));
    });
    app.post('/v1/keys/:circuit', o.requireRole('operator'), (req: Request, res: Response) => {
      const id = String(req.params.circuit);
      const source = queryText(req, 'source');
      if (source !== undefined && !(PROVISION_SOURCES as readonly string[]).includes(source)) throw new ApiError(400, 'invalid_request', `"source" must be ${PROVISION_SOURCES.join(' or ')}`);
      const { started } = provisioner.start(id, source as ProvisionSource | undefined);
      const now = view(id);
      res.setHeader('Cache-Control', 'no-cache');
      if (now.state === 'ready') return res.json({ started, ...now });
      res.setHeader('Location', `/v1/keys/${id}`);
      res.status(202).json({ started, ...now });
    });
  }

  app.get('/v1/keys/:circuit/:file', (req: Request, res: Response, next) => {
    const k = keys.get(String(req.params.circuit));
    const file = String(req.params.file);
    if (!k || !(file in KEY_FILES)) throw new ApiError(404, 'not_found', `no key file ${req.path}`);
    res.sendFile(join(k.keysDir, KEY_FILES[file as keyof typeof KEY_FILES]), { headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' } }, (e) => e && next(e));
  });

  // ------------------------------------------------------------------- the ceremony
  const ceremonyDir = (): string => {
    if (!o.ceremony) throw new ApiError(404, 'not_found', 'no ceremony is open on this service (api serve --ceremony <dir>)');
    return o.ceremony;
  };

  app.get('/v1/ceremony', async (_req: Request, res: Response) => {
    const m = await readManifest(ceremonyDir());
    const last = m.steps[m.steps.length - 1];
    res.setHeader('Cache-Control', 'no-cache');
    res.json({
      circuit: m.circuit,
      insecure: m.insecure,
      label: m.label,
      phase1: m.phase1.source,
      open: last.type !== 'beacon',
      latest: { index: last.index, sha256: last.sha256, url: `/v1/ceremony/steps/${last.index}` },
      steps: m.steps.map(({ index, type, name, contributionHash, at }) => ({ index, type, name, contributionHash: contributionHash ?? null, at })),
    });
  });

  app.get('/v1/ceremony/steps/:index', async (req: Request, res: Response, next) => {
    const dir = ceremonyDir();
    const m = await readManifest(dir);
    const step = m.steps[Number(req.params.index)];
    if (!step || !/^\d+$/.test(String(req.params.index))) throw new ApiError(404, 'not_found', `the ceremony has no step ${req.params.index}`);
    res.sendFile(join(dir, step.file), { immutable: true, maxAge: '365d', headers: { 'Content-Type': 'application/octet-stream' } }, (e) => e && next(e));
  });

  app.post('/v1/ceremony/contributions', async (req: Request, res: Response) => {
    const dir = ceremonyDir();
    const token = Buffer.from(req.get('x-ceremony-token') ?? '');
    if (token.length !== ceremonyToken!.length || !timingSafeEqual(token, Buffer.from(ceremonyToken!))) {
      throw new ApiError(401, 'unauthenticated', 'a contribution needs the invitation token (header X-Ceremony-Token) the coordinator gave you');
    }
    if (!req.is('application/octet-stream')) throw new ApiError(415, 'unsupported_media_type', 'send the contributed zkey as application/octet-stream');
    const { step } = await latestStep(dir);
    const after = req.get('x-ceremony-after');
    if (after !== step.sha256) throw new ApiError(409, 'ceremony_moved', `the contribution must extend step ${step.index} (sha256 ${step.sha256}); fetch /v1/ceremony again`);
    const work = await mkdtemp(join(tmpdir(), 'meterproof-contribution-'));
    try {
      const file = join(work, 'contribution.zkey');
      let bytes = 0;
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_CONTRIBUTION_BYTES) req.destroy(new ApiError(413, 'body_too_large', 'the upload is larger than any zkey of this ceremony'));
      });
      await pipeline(req, createWriteStream(file));
      let accepted;
      try {
        accepted = await acceptContribution(dir, file);
      } catch (e) {
        if (e instanceof CeremonyError) throw new ApiError(422, 'contribution_refused', e.message);
        throw e;
      }
      res.status(201).json({ index: accepted.index, name: accepted.name, contributionHash: accepted.contributionHash, sha256: accepted.sha256 });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
}

/** OpenAPI paths of the routes above. */
export function keysPaths({ ok, errors, pathId, query, keyed }: { ok: (d: string, s: object, status?: string) => object; errors: (...s: number[]) => object; pathId: (n: string, d: string) => object; query: (n: string, d: string, s?: object) => object; keyed: object[] }): Record<string, object> {
  const tags = ['keys'];
  const KeyState = {
    type: 'object',
    required: ['circuit', 'kind', 'state'],
    properties: {
      circuit: { type: 'string' },
      kind: { type: 'string' },
      state: { enum: ['ready', 'missing', 'building', 'fetching', 'failed', 'not_served'] },
      source: { enum: [...PROVISION_SOURCES] },
      startedAt: { type: 'string' },
      finishedAt: { type: 'string' },
      progress: { type: 'string' },
      error: { type: 'string', description: 'why the last job failed (nothing of it was installed), or why keys found at start were refused' },
      ceremony: { type: 'string' },
      development: { type: 'boolean' },
      vkeySha256: { type: 'string' },
    },
  };
  const Started = { type: 'object', required: ['started'], properties: { started: { type: 'boolean', description: 'this request started the job (false: the keys were there, or it joined the running job)' } } };
  const Artifact = { type: 'object', required: ['url', 'sha256', 'bytes'], properties: { url: { type: 'string' }, sha256: { type: 'string' }, bytes: { type: 'integer' } } };
  const Step = { type: 'object', required: ['index', 'type', 'name'], properties: { index: { type: 'integer' }, type: { enum: ['init', 'contribution', 'beacon'] }, name: { type: 'string' }, contributionHash: { type: ['string', 'null'] }, at: { type: 'string' } } };
  return {
    '/v1/keys': {
      get: {
        tags,
        operationId: 'listKeys',
        summary: 'The circuits (and kinds) this service verifies: pinned verification keys, transcripts, content-addressed proving files; and the circuits it cannot verify yet',
        responses: {
          ...ok('Keys', {
            type: 'object',
            required: ['production', 'kinds', 'circuits', 'missing'],
            properties: {
              production: { type: 'boolean' },
              kinds: { type: 'array', items: { type: 'string' } },
              circuits: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['id', 'kind', 'ceremony', 'development', 'vkeySha256', 'vkey', 'transcript', 'artifacts'],
                  properties: { id: { type: 'string' }, kind: { type: 'string' }, ceremony: { type: 'string' }, development: { type: 'boolean' }, contributions: { type: 'integer' }, vkeySha256: { type: 'string' }, vkey: { type: 'string' }, transcript: { type: 'string' }, artifacts: { type: 'object', additionalProperties: Artifact } },
                },
              },
              missing: { type: 'array', items: { type: 'object', required: ['id', 'kind', 'state', 'add'], properties: { id: { type: 'string' }, kind: { type: 'string' }, state: { enum: ['missing', 'building', 'fetching', 'failed', 'not_served'] }, add: { type: 'string', description: 'how the operator adds its keys' } } } },
            },
          }),
          ...errors(429),
        },
      },
    },
    '/v1/keys/{circuit}': {
      get: {
        tags,
        operationId: 'keyState',
        summary: "A circuit's keys on this service: ready (pinned), missing, building or fetching (with the job's last progress line), failed (with its reason) or not_served (operator)",
        security: keyed,
        parameters: [pathId('circuit', 'circuit id')],
        responses: { ...ok('State', KeyState), ...errors(401, 403, 404, 429) },
      },
      post: {
        tags,
        operationId: 'addKeys',
        summary: "Add a circuit's keys while the service runs (operator): fetch them from the upstream API (api serve --keys-from; checked against the key it pins) or build development keys (never with --production). One job per circuit: a request while it runs joins it (started: false). The circuit is verified as soon as the job is ready; GET the Location to follow it",
        security: keyed,
        parameters: [pathId('circuit', 'circuit id'), query('source', 'fetch (the default with an upstream) or build (the default without; development keys)', { type: 'string', enum: [...PROVISION_SOURCES] })],
        responses: {
          ...ok('The keys are there already', { allOf: [KeyState, Started] }),
          ...ok('Building or fetching; Location: GET /v1/keys/{circuit}', { allOf: [KeyState, Started] }, '202'),
          '409': { description: 'Refused by how the service runs: development_keys_refused (--production builds none), key_upstream_missing (no --keys-from to fetch from), not_served (outside api serve --circuit)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          ...errors(400, 401, 403, 404, 429, 503),
        },
      },
    },
    '/v1/keys/{circuit}/{file}': {
      get: {
        tags,
        operationId: 'keyFile',
        summary: 'A pinned verification key or its ceremony transcript, byte for byte (file: verification_key.json or ceremony.json)',
        parameters: [pathId('circuit', 'circuit id'), pathId('file', 'verification_key.json or ceremony.json')],
        responses: { '200': { description: 'The file', content: { 'application/json': { schema: { type: 'object' } } } }, ...errors(404, 429) },
      },
    },
    '/v1/ceremony': {
      get: {
        tags,
        operationId: 'ceremony',
        summary: 'The phase-2 ceremony open on this service: its steps and the zkey the next contribution extends',
        responses: {
          ...ok('Ceremony', { type: 'object', required: ['circuit', 'insecure', 'open', 'latest', 'steps'], properties: { circuit: { type: 'string' }, insecure: { type: 'boolean' }, label: { type: 'string' }, phase1: { type: 'string' }, open: { type: 'boolean' }, latest: { type: 'object' }, steps: { type: 'array', items: Step } } }),
          ...errors(404, 429),
        },
      },
    },
    '/v1/ceremony/steps/{index}': {
      get: {
        tags,
        operationId: 'ceremonyStep',
        summary: "A ceremony step's zkey (immutable)",
        parameters: [pathId('index', 'step number')],
        responses: { '200': { description: 'The zkey', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, ...errors(404, 429) },
      },
    },
    '/v1/ceremony/contributions': {
      post: {
        tags,
        operationId: 'contribute',
        summary: 'Append a contribution (the zkey made in the page from the latest step); checked before it is appended',
        parameters: [
          { name: 'X-Ceremony-Token', in: 'header', required: true, description: 'the invitation token', schema: { type: 'string' } },
          { name: 'X-Ceremony-After', in: 'header', required: true, description: 'sha256 of the step the contribution extends', schema: { type: 'string' } },
        ],
        requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        responses: {
          ...ok('Appended', { type: 'object', required: ['index', 'name', 'contributionHash', 'sha256'], properties: { index: { type: 'integer' }, name: { type: 'string' }, contributionHash: { type: 'string' }, sha256: { type: 'string' } } }, '201'),
          ...errors(401, 404, 409, 413, 415, 422, 429),
        },
      },
    },
  };
}
