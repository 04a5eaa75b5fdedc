/**
 * The no-plaintext network check of the browser tests: every request of the page and of its workers is
 * recorded (URL, headers, body) and searched for runs of the household's readings and for its key.
 */
import type { BrowserContext, Request } from 'playwright-core';

/** Sequences of the readings as a leak would carry them, and the key as typed, canonical or bare. */
export function secrets(readings: number[], key: string): string[] {
  const runs = [0, 17, readings.length - 6].flatMap((i) => [readings.slice(i, i + 6).join(','), readings.slice(i, i + 6).join(', ')]);
  return [...runs, key, key.replace(/-/g, ''), key.toLowerCase(), key.replace(/-/g, '').toLowerCase()];
}

export interface Recorded {
  method: string;
  url: string;
  /** the decoded URL, the headers and the body, as one text to search */
  text: string;
}

/** Records the requests of every page of `context` until `stop()`. */
export function recordRequests(context: BrowserContext): { requests: Recorded[]; stop(): void } {
  const requests: Recorded[] = [];
  const record = (r: Request) => void requests.push({ method: r.method(), url: r.url(), text: `${decodeURIComponent(r.url())}\n${JSON.stringify(r.headers())}\n${r.postDataBuffer()?.toString('utf8') ?? ''}` });
  context.on('request', record);
  return { requests, stop: () => void context.off('request', record) };
}

/** What leaked: a request to another origin than the service's, or one that carries a reading run or the key. */
export function leaks(requests: readonly Recorded[], origin: string, readings: number[], key: string): string[] {
  const found: string[] = [];
  for (const { method, url, text } of requests) {
    if (!url.startsWith(origin) && !url.startsWith(`blob:${origin}/`)) found.push(`request to another origin: ${url}`);
    for (const s of secrets(readings, key)) if (text.includes(s)) found.push(`${method} ${url} carries "${s}"`);
  }
  return found;
}
