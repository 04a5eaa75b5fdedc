/** Small file helpers for the CLI: every failure becomes a one-line message naming the file. */
import { readFileSync, writeFileSync } from 'node:fs';
import { isAllowedCallback, requestOfLinkParam } from '../prover/verify-light.js';

export class UsageError extends Error {}

export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function readJson(path: string, what: string): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
}

export function parseCount(text: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`${what} must be a whole number from ${min} to ${max}, got "${text}"`);
  return Number(text);
}

/** How long the server of a request's URL may take to answer. */
const REQUEST_FETCH_MS = 15_000;

/**
 * A service's signed request (docs/requests.md) for `--request`: a file, the request's URL, or a link to the
 * household page that opens it (`…/?request=` with the request's URL or the request itself, base64url
 * JSON). A URL is fetched under the page's rule: https, or http to this machine only.
 */
export async function readRequest(source: string): Promise<unknown> {
  if (!/^https?:\/\//.test(source)) return readJson(source, 'request');
  let link: string;
  try {
    link = new URL(source).searchParams.get('request') ?? source;
  } catch {
    throw new UsageError(`request ${source} is not a URL`);
  }
  if (!/^https?:\/\//.test(link)) {
    const request = requestOfLinkParam(link);
    if (request === undefined) throw new UsageError(`the link ${source} carries no readable request (its "request" is neither a URL nor base64url JSON)`);
    return request;
  }
  const refuse = (url: string) => new UsageError(`refused to fetch the request from ${url}: a request's URL is https (http only to this machine), without credentials or fragment`);
  if (!isAllowedCallback(link)) throw refuse(link);
  let response: Response;
  try {
    response = await fetch(link, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(REQUEST_FETCH_MS) });
  } catch (e) {
    const why = (e as Error).name === 'TimeoutError' ? `no answer within ${REQUEST_FETCH_MS / 1000} s` : String(((e as Error).cause as Error | undefined)?.message ?? (e as Error).message);
    throw new UsageError(`cannot fetch the request from ${link}: ${why}`);
  }
  if (!isAllowedCallback(response.url)) throw refuse(response.url); // where a redirect led
  if (!response.ok) throw new UsageError(`cannot fetch the request from ${link}: the server answered ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new UsageError(`the request at ${link} is not JSON`);
  }
}
