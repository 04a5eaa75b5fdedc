/**
 * Proving artifacts (.wasm, .zkey) in the worker: from the browser's Cache Storage when present, else
 * downloaded once; either way their SHA-256 must equal the one the proving context names before use.
 * The URLs are content-addressed (/artifacts/<circuit>/<sha256>/<file>), so a cached entry never goes
 * stale: a rebuilt key has a new URL, and older entries of the same circuit file are dropped.
 */
import type { ArtifactRef, Failure } from './protocol.js';

const CACHE_NAME = 'meterproof-artifacts-v1';

export class ArtifactError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

const fileName = (url: string) => url.slice(url.lastIndexOf('/') + 1);
/** "/artifacts/billing_7d/<sha>/circuit.zkey" → "/artifacts/billing_7d/" + "circuit.zkey": one slot per circuit file. */
const slotOf = (url: string) => `${url.split('/').slice(0, 3).join('/')}/${fileName(url)}`;

/** Cache Storage exists in secure contexts only (https, or http on localhost / 127.0.0.1). */
const openCache = (): Promise<Cache | undefined> => (typeof caches === 'undefined' ? Promise.resolve(undefined) : caches.open(CACHE_NAME).catch(() => undefined));

async function download(ref: ArtifactRef, onBytes: (n: number) => void): Promise<Uint8Array<ArrayBuffer>> {
  let res: Response;
  try {
    res = await fetch(ref.url);
  } catch {
    throw new ArtifactError({ code: 'unreachable', message: `cannot reach the service to download ${fileName(ref.url)}` });
  }
  if (!res.ok || !res.body) throw new ArtifactError({ code: 'download_failed', message: `downloading ${fileName(ref.url)} failed: HTTP ${res.status}` });
  const bytes = new Uint8Array(ref.bytes);
  let at = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (at + value.length > bytes.length) throw new ArtifactError({ code: 'integrity', message: `${fileName(ref.url)} is larger than announced (${ref.bytes} bytes)` });
      bytes.set(value, at);
      at += value.length;
      onBytes(value.length);
    }
  } catch (e) {
    if (e instanceof ArtifactError) throw e;
    throw new ArtifactError({ code: 'unreachable', message: `the download of ${fileName(ref.url)} was interrupted` });
  }
  if (at !== bytes.length) throw new ArtifactError({ code: 'integrity', message: `${fileName(ref.url)} is ${at} bytes, ${ref.bytes} were announced` });
  return bytes;
}

/**
 * The artifact's bytes, checked against its SHA-256. `onBytes` reports downloaded bytes (nothing for a
 * cache hit). `fromNetwork` is the number of bytes that had to be downloaded.
 */
export async function loadArtifact(ref: ArtifactRef, onBytes: (n: number) => void): Promise<{ bytes: Uint8Array<ArrayBuffer>; fromNetwork: number }> {
  const cache = await openCache();
  const hit = await cache?.match(ref.url);
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    if ((await sha256Hex(bytes)) === ref.sha256) return { bytes, fromNetwork: 0 };
    await cache!.delete(ref.url); // a damaged entry: fetch it again
  }
  const bytes = await download(ref, onBytes);
  const actual = await sha256Hex(bytes);
  if (actual !== ref.sha256) {
    throw new ArtifactError({ code: 'integrity', message: `${fileName(ref.url)} failed its integrity check: its SHA-256 is ${actual}, the service announced ${ref.sha256}` });
  }
  if (cache) {
    for (const old of await cache.keys()) if (slotOf(new URL(old.url).pathname) === slotOf(ref.url)) await cache.delete(old);
    // A full or unavailable cache only costs a download next time.
    await cache.put(ref.url, new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream' } })).catch(() => {});
  }
  return { bytes, fromNetwork: bytes.length };
}
