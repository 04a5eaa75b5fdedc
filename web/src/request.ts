/**
 * A service's request opened from a link (docs/requests.md): `/?request=<https URL of the signed request>`
 * or `/?request=<the signed request, base64url JSON>`. Before anything is proved the page checks the
 * request (the service's signature, its expiry, a kind it knows described in that kind's own words, an
 * https callback or this service's mailbox) and the documents it names (fetched here by digest and checked
 * against it), and shows who asks, why, what they will learn and what stays at home. A request it refuses
 * says why and leaves the page as it was: nothing is proved or sent for it.
 *
 * Then the household proves as usual, for the request's kind and period only, with the request's digest as
 * the statement's context, and the result goes where the request says: POSTed to the service's callback
 * (the page's Content-Security-Policy allows that one origin, verifier-api/requests.ts), or to this
 * service's mailbox, which certifies it and keeps it for the service.
 */
import type { ResultJson } from '../../prover/result.js';
import { answerFields, isAllowedCallback, openRequest, RequestRefused, requestOfLinkParam, type OpenedRequest } from '../../prover/request.js';
import { ServiceError, type Certified, type Period } from './api.js';
import { localTime, periodText } from './words.js';

export interface PageRequest {
  opened: OpenedRequest;
  /** the documents the request names, by statement field, checked against its digests */
  documents: Record<string, unknown>;
}

/** The request the page was opened with, once accepted (undefined: none, or refused). */
export let pageRequest: PageRequest | undefined;

const card = () => document.getElementById('request-card') ?? createCard();

function createCard(): HTMLElement {
  const section = Object.assign(document.createElement('section'), { id: 'request-card', className: 'card' });
  section.setAttribute('aria-labelledby', 'request-title');
  document.querySelector('main')!.prepend(section);
  return section;
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string) => Object.assign(document.createElement(tag), text === undefined ? {} : { textContent: text }, className ? { className } : {});

/** Shows why a request is refused; the rest of the page stays usable for the household's own results. */
function refuse(why: string): void {
  pageRequest = undefined;
  const c = card();
  const title = el('h2', 'This request was refused');
  title.id = 'request-title';
  const message = el('p', `${why} Nothing will be proved or sent for it.`, 'message error');
  message.id = 'request-refused';
  message.setAttribute('role', 'alert');
  c.replaceChildren(title, message);
}

/** Sentences for the household, by refusal code. */
function refusalSentence(e: unknown): string {
  if (!(e instanceof RequestRefused)) return `The request cannot be read (${e instanceof Error ? e.message : String(e)}).`;
  switch (e.code) {
    case 'request_bad_signature':
      return 'The request is not signed by the service it names: it was altered or forged.';
    case 'request_expired':
      return `The request has expired (${e.message.replace(/^the request expired at /, 'at ')}).`;
    case 'request_documents_mismatch':
      return `The documents the request names are not the published ones (${e.message}).`;
    case 'request_not_for_kind':
      return `The request does not match what this page can prove or what it would reveal (${e.message}).`;
    case 'request_malformed':
      return /deliver/.test(e.message) ? 'The request would send your result over an insecure connection (its address is not https).' : `The request is not valid (${e.message}).`;
    default:
      return e.message;
  }
}

async function fetchJson(url: string, what: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-cache', credentials: 'omit' });
  } catch {
    throw new Error(`${what} cannot be fetched from ${new URL(url, location.href).origin}`);
  }
  if (!res.ok) throw new Error(`${what}: ${new URL(url, location.href).origin} answered ${res.status}`);
  return res.json();
}

/** The signed request a link carries: fetched from its https URL, or decoded from base64url JSON. */
async function requestOfLink(param: string): Promise<unknown> {
  if (/^https?:\/\//.test(param)) {
    if (!isAllowedCallback(param)) throw new RequestRefused('request_malformed', 'deliver: the request link is not https');
    return fetchJson(param, 'the request');
  }
  const request = requestOfLinkParam(param);
  if (request === undefined) throw new RequestRefused('request_malformed', 'the link carries no readable request');
  return request;
}

/**
 * Opens the request of the page's link, if any, and shows it; returns it once accepted. The kind and
 * period choices are then fixed to the request's (main.ts asks `pageRequest`).
 */
export async function openPageRequest(param: string | null): Promise<PageRequest | undefined> {
  if (!param) return undefined;
  let opened: OpenedRequest;
  try {
    opened = await openRequest(await requestOfLink(param));
  } catch (e) {
    refuse(refusalSentence(e));
    return undefined;
  }
  const r = opened.request;
  const deliver = 'callback' in r.deliver ? r.deliver.callback : r.deliver.mailbox;
  // the page can send to this service's mailbox, or to the one other origin its CSP names: the link's
  const linkOrigin = /^https?:\/\//.test(param) ? new URL(param).origin : undefined;
  if ('mailbox' in r.deliver && new URL(deliver).origin !== location.origin) {
    refuse(`The request asks for your result to be left in the mailbox of another service (${new URL(deliver).origin}) than this one.`);
    return undefined;
  }
  if ('callback' in r.deliver && linkOrigin && new URL(deliver).origin !== linkOrigin) {
    refuse(`The request was published at ${linkOrigin} but would send your result to another site (${new URL(deliver).origin}).`);
    return undefined;
  }
  const documents: Record<string, unknown> = {};
  try {
    for (const [field, { digest }] of Object.entries(r.documents)) {
      const found = (await fetchJson(`/v1/documents/${digest}`, `the ${field} document it names`)) as { document?: unknown };
      documents[field] = found.document;
    }
    answerFields(opened, r.period, documents);
  } catch (e) {
    refuse(refusalSentence(e));
    return undefined;
  }
  pageRequest = { opened, documents };
  show(pageRequest);
  return pageRequest;
}

function show({ opened }: PageRequest): void {
  const r = opened.request;
  const kind = opened.kind;
  const title = el('h2', `${r.service.name} asks for a certified result`);
  title.id = 'request-title';
  const dl = el('dl');
  dl.id = 'request-fields';
  const rows: [string, string][] = [
    ['Who asks', `${r.service.name} (${r.service.url}), key ${r.service.publicKey.slice(0, 16)}…`],
    ['Why', r.purpose],
    ['They will learn', kind.reveals?.learns ?? kind.summary],
    ['Stays on this device', kind.reveals?.staysHome ?? 'every reading and your key'],
    ['Period', periodText(r.period)],
    ['Your result goes to', 'callback' in r.deliver ? r.deliver.callback : `the mailbox of this service, for ${r.service.name}`],
    ['Valid until', localTime(r.expires)],
  ];
  for (const [k, v] of rows) dl.append(el('dt', k), el('dd', v));
  const note = el('p', 'Open your readings below: the page proves this result on this device and sends only the result and its proof, bound to this request so that it cannot be reused for another service or after the request expires.', 'note');
  card().replaceChildren(title, dl, note);
}

/** Is this period the one the request asks about? */
export const isRequestedPeriod = (p: Period): boolean => !pageRequest || (p.start === pageRequest.opened.request.period.start && p.days === pageRequest.opened.request.period.days);

/** The statement fields and request digest to prove the request's answer with (the household's own choices for the fields it leaves open). */
export function requestProving(o: { kind: string; period: Period }, chosen: Record<string, unknown>): { fields: Record<string, unknown>; request: string } {
  const { opened, documents } = pageRequest!;
  if (o.kind !== opened.kind.kind) throw new RequestRefused('request_mismatch', `the request asks for a ${opened.kind.kind} result, not ${o.kind}`);
  const period = o.period;
  const own = Object.fromEntries(Object.entries(chosen).filter(([f]) => !(f in opened.request.documents)));
  return { fields: answerFields(opened, period, documents, own), request: opened.digest };
}

/**
 * Sends the result where the request says; the answer as the page's receipts keep it. A mailbox delivery
 * is certified by this service; a callback's service answers for itself.
 */
export async function deliverToRequest(result: ResultJson): Promise<Certified> {
  const { opened } = pageRequest!;
  if (Date.parse(opened.request.expires) <= Date.now()) throw new ServiceError('request_expired', 0, 'the request expired while the proof was made: nothing was sent');
  const deliver = opened.request.deliver;
  const url = 'callback' in deliver ? deliver.callback : '/v1/requests/deliveries';
  const body = 'callback' in deliver ? result : { request: opened.signed, result };
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body), credentials: 'omit' });
  } catch {
    throw new ServiceError('unreachable', 0, `${new URL(url, location.href).origin} cannot be reached`);
  }
  const json = (await res.json().catch(() => undefined)) as { id?: string; resultId?: string; error?: { code?: string; message?: string } } | undefined;
  if (!res.ok) throw new ServiceError(json?.error?.code ?? 'http_error', res.status, json?.error?.message ?? `HTTP ${res.status}`);
  const id = json?.resultId ?? json?.id ?? `request-${opened.digest.slice(0, 16)}`;
  const s = result.statement;
  return {
    id,
    status: 'created',
    result: { id, kind: result.kind, circuit: result.circuit, meterId: s.meterId, period: s.period, outputs: result.outputs, units: result.units, createdAt: new Date().toISOString() },
  };
}
