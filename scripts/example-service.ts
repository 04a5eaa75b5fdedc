/**
 * A small third-party service (docs/requests.md): a tariff-comparison service that asks households for a
 * certified `compare` result and shows the verified answer. It holds its own Ed25519 key, publishes its
 * tariff set on the verifier API (role "service"), signs requests for a period naming the set by digest,
 * and checks every answer with the verification library a service imports (`meterproof/verify`): the
 * proof, its statement against the operator-signed trust snapshot (strict: every fact anchored), and that
 * it answers the request, received before it expired. It trusts nothing the household's page says.
 *
 *   npx tsx scripts/example-service.ts --api http://127.0.0.1:8080 --api-key <service key> [--port 8090]
 *
 * then open http://127.0.0.1:8090/ and follow a request's link to the household page. The snapshot needs
 * `npm run build` (the library is its compiled form) and an API key of any role; pass --operator-key to pin
 * the operator (else the first snapshot's key is trusted and printed).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import express, { type Request, type Response } from 'express';
import { documentDigestOf, learnsOf, mailboxFetchHeaders, newEd25519Key, openSnapshot, requestDigest, ResultRejected, ResultUntrusted, RequestRefused, signRequest, verifyTrusted, type Ed25519KeyPair, type SignedRequest, type TrustSnapshot } from 'meterproof/verify';
import { microPenceToPounds } from '../core/units.js';
import { exampleDocument } from '../kinds/examples.js';
import { compareKind } from '../kinds/compare/kind.js';

export interface ExampleServiceOptions {
  /** the verifier API (its page opens the requests, its mailbox and trust snapshot serve this service) */
  api: string;
  /** an API key with role "service": publishes the tariff set, reads the trust snapshot */
  apiKey: string;
  /** the operator's Ed25519 key the snapshot must be signed with (default: the first snapshot's) */
  operatorKey?: string;
  port?: number;
  host?: string;
  name?: string;
  /** the tariffs it compares (default docs/examples/tariff-set.json) */
  tariffSet?: { tariffs: { name: string }[] };
}

/** What the service keeps per request: the signed request and the verified answers (or why one was refused). */
interface Asked {
  id: string;
  signed: SignedRequest;
  digest: string;
  answers: { meterId?: string; verdict: 'verified' | 'refused'; code?: string; message: string; cheapest?: number; saving?: string; receivedAt: string }[];
}

export interface ExampleService {
  url: string;
  key: Ed25519KeyPair;
  close(): Promise<void>;
}

export async function startExampleService(o: ExampleServiceOptions): Promise<ExampleService> {
  const key = await newEd25519Key();
  const name = o.name ?? 'Switch & Save (example comparison service)';
  const tariffSet = o.tariffSet ?? (exampleDocument('tariff-set') as { tariffs: { name: string }[] });
  const api = o.api.replace(/\/$/, '');
  const apiOrigin = new URL(api).origin;
  const auth = { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/json' };

  // publish the set (already published: the same document, the same digest)
  const published = await fetch(`${api}/v1/parameters`, { method: 'POST', headers: auth, body: JSON.stringify({ document: tariffSet }) });
  if (!published.ok && published.status !== 409) throw new Error(`the API refused the tariff set (${published.status}): ${await published.text()}`);
  const setDigest = await documentDigestOf(tariffSet);

  let operatorKey = o.operatorKey;
  /** The registries as the operator signs them now (fetched per answer: meters register all the time). */
  async function snapshot(): Promise<TrustSnapshot> {
    const res = await fetch(`${api}/v1/trust/snapshot`, { headers: auth });
    if (!res.ok) throw new Error(`the trust snapshot cannot be fetched (${res.status})`);
    const opened = await openSnapshot(await res.json(), operatorKey);
    if (!operatorKey) console.error(`example service: trusting operator key ed25519:${(operatorKey = opened.operatorKey)} (first use)`);
    return opened.snapshot;
  }

  const asked = new Map<string, Asked>();
  let url = '';

  async function check(a: Asked, result: unknown, receivedAt: number): Promise<Asked['answers'][number]> {
    const at = new Date(receivedAt).toISOString();
    try {
      const v = await verifyTrusted(result, { anchors: { snapshot: await snapshot() }, strict: true, request: a.signed, receivedAt });
      const out = v.outputs as { cheapest: number; saving: bigint };
      const meterId = v.result.statement.meterId;
      const best = tariffSet.tariffs[out.cheapest]?.name ?? `tariff ${out.cheapest}`;
      return { meterId, verdict: 'verified', cheapest: out.cheapest, saving: String(out.saving), message: `${best} would have been cheapest: ${microPenceToPounds(out.saving)} less than the current tariff`, receivedAt: at };
    } catch (e) {
      const code = e instanceof ResultRejected || e instanceof ResultUntrusted || e instanceof RequestRefused ? e.code : 'invalid';
      return { verdict: 'refused', code, message: (e as Error).message, receivedAt: at };
    }
  }

  const app = express();
  app.disable('x-powered-by');
  // the household page (the API's origin) fetches requests and posts answers from the browser
  app.use((req, res, next) => {
    if (req.get('origin') === apiOrigin) {
      res.setHeader('Access-Control-Allow-Origin', apiOrigin);
      res.setHeader('Access-Control-Allow-Headers', 'content-type, accept');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });
  app.use(express.json({ limit: '8mb' }));
  app.use(express.urlencoded({ extended: false }));

  /** Signs a request for a period: { start, days, deliver: "callback" | "mailbox", minutes?, current? } */
  app.post('/requests', async (req: Request, res: Response) => {
    const b = req.body as { start?: string; days?: string | number; deliver?: string; minutes?: string | number };
    const id = `q${asked.size + 1}`;
    const issued = new Date();
    const minutes = Number(b.minutes ?? 60 * 24 * 7);
    try {
      const signed = await signRequest(
        {
          format: 'meterproof-request/1',
          service: { name, url, publicKey: key.publicKey },
          kind: 'compare',
          documents: { tariffs: { digest: setDigest } },
          period: { start: String(b.start), days: Number(b.days) },
          purpose: 'to tell you whether one of our four tariffs would have cost you less, and how much less',
          learns: learnsOf(compareKind),
          deliver: b.deliver === 'mailbox' ? { mailbox: api } : { callback: `${url}/answers/${id}` },
          issued: issued.toISOString(),
          expires: new Date(issued.getTime() + minutes * 60_000).toISOString(),
          nonce: Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64url'),
        },
        key.privateKey,
      );
      const a: Asked = { id, signed, digest: requestDigest(signed.request), answers: [] };
      asked.set(id, a);
      const link = `${api}/?request=${encodeURIComponent(`${url}/requests/${id}`)}`;
      if (req.is('json')) res.status(201).json({ id, digest: a.digest, link, request: signed });
      else res.redirect(303, '/');
    } catch (e) {
      res.status(400).json({ error: { code: (e as { code?: string }).code ?? 'invalid_request', message: (e as Error).message } });
    }
  });

  app.get('/requests/:id', (req, res) => {
    const a = asked.get(String(req.params.id));
    if (!a) return void res.status(404).json({ error: { code: 'not_found', message: 'no such request' } });
    res.json(a.signed);
  });

  // the callback: the household page posts the result file here
  app.post('/answers/:id', async (req, res) => {
    const a = asked.get(String(req.params.id));
    if (!a) return void res.status(404).json({ error: { code: 'not_found', message: 'no such request' } });
    const answer = await check(a, req.body, Date.now());
    if (answer.verdict === 'refused') return void res.status(422).json({ error: { code: answer.code, message: answer.message } });
    if (a.answers.some((x) => x.verdict === 'verified' && x.meterId === answer.meterId)) return void res.status(409).json({ error: { code: 'already_delivered', message: `meter ${answer.meterId} already answered this request` } });
    a.answers.push(answer);
    res.status(201).json({ id: `${a.id}-${answer.meterId}`, message: answer.message });
  });

  // a mailbox request: collect what the API kept for this service
  app.post('/requests/:id/collect', async (req, res) => {
    const a = asked.get(String(req.params.id));
    if (!a) return void res.status(404).json({ error: { code: 'not_found', message: 'no such request' } });
    const r = await fetch(`${api}/v1/requests/${a.digest}/deliveries`, { headers: await mailboxFetchHeaders(key, a.digest) });
    const body = (await r.json()) as { deliveries?: { meterId: string; deliveredAt: string; result: unknown }[]; error?: unknown };
    if (!r.ok) return void res.status(502).json({ error: { code: 'mailbox_refused', message: JSON.stringify(body.error) } });
    for (const d of body.deliveries ?? []) {
      if (a.answers.some((x) => x.meterId === d.meterId)) continue;
      a.answers.push(await check(a, d.result, Date.parse(d.deliveredAt)));
    }
    res.json({ answers: a.answers });
  });

  app.get('/requests/:id/answers', (req, res) => {
    const a = asked.get(String(req.params.id));
    if (!a) return void res.status(404).json({ error: { code: 'not_found', message: 'no such request' } });
    res.json({ digest: a.digest, answers: a.answers });
  });

  app.get('/', (_req, res) => {
    const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const rows = [...asked.values()]
      .map((a) => {
        const r = a.signed.request;
        const link = `${api}/?request=${encodeURIComponent(`${url}/requests/${a.id}`)}`;
        const answers = a.answers.map((x) => `<li class="${x.verdict}">${x.verdict === 'verified' ? `Meter ${esc(x.meterId!)}: ${esc(x.message)} (verified)` : `Refused (${esc(x.code ?? '')}): ${esc(x.message)}`}</li>`).join('');
        return `<section id="${a.id}"><h2>${r.period.start} + ${r.period.days} day(s)</h2><p><a href="${esc(link)}">Household link</a> · delivers to ${'callback' in r.deliver ? 'our callback' : 'the API mailbox'} · expires ${esc(r.expires)}</p><ul class="answers">${answers || '<li>No answer yet.</li>'}</ul></section>`;
      })
      .join('');
    res.type('html').send(`<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${esc(name)}</title></head><body><h1>${esc(name)}</h1>
<form method="post" action="/requests"><label>First day <input name="start" type="date" required></label> <label>Days <input name="days" type="number" min="1" value="1" required></label>
<select name="deliver"><option value="callback">to our callback</option><option value="mailbox">to the API mailbox</option></select> <button>Ask for a comparison</button></form>${rows}</body></html>`);
  });

  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, o.host ?? '127.0.0.1', resolve));
  url = `http://${o.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  return { url, key, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { api: { type: 'string' }, 'api-key': { type: 'string' }, 'operator-key': { type: 'string' }, port: { type: 'string', default: '8090' } } });
  if (!values.api || !(values['api-key'] ?? process.env.METERPROOF_API_KEY)) {
    console.error('usage: npx tsx scripts/example-service.ts --api <verifier API URL> --api-key <key of role service> [--operator-key <hex>] [--port 8090]');
    process.exit(1);
  }
  const s = await startExampleService({ api: values.api, apiKey: (values['api-key'] ?? process.env.METERPROOF_API_KEY)!, operatorKey: values['operator-key'], port: Number(values.port) });
  console.log(`example comparison service at ${s.url} (key ed25519:${s.key.publicKey})`);
}
