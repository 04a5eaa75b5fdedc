/**
 * The page's calls to the service (same origin: the page's Content-Security-Policy allows no other).
 * Every failure becomes a ServiceError with the API's stable code, or "unreachable" when there is no
 * answer at all.
 */
import type { CircuitConfig } from '../../circuits/config.js';
import type { ResultJson } from '../../prover/result.js';
import type { ArtifactRef } from './protocol.js';

export class ServiceError extends Error {
  constructor(
    /** the API's error code, "unreachable" or "http_error" */
    readonly code: string,
    readonly status: number,
    message: string,
    readonly body?: { existingId?: string },
  ) {
    super(message);
  }
}

export interface Period {
  start: string;
  days: number;
}

export interface EnvelopeListing {
  meterId: string;
  items: { period: Period; key: { generation: number; id: string }; bytes: number; uploadedAt: string }[];
}

/** A document a result may be proved with, as the registries hold it. */
export interface ContextDocument {
  digest: string;
  id: string;
  document: unknown;
}

export interface ProvingContext {
  meterId: string;
  period: Period;
  kind: string;
  circuit: CircuitConfig;
  vkeySha256: string;
  /** for each document field of the kind, the documents the service would bind the result to */
  documents: Record<string, ContextDocument[]>;
  artifacts: { wasm: ArtifactRef; zkey: ArtifactRef };
}

export interface Certified {
  id: string;
  status: 'created' | 'existing';
  result: {
    id: string;
    kind: string;
    circuit: string;
    meterId: string;
    period: Period;
    outputs: Record<string, string | string[]>;
    units: Record<string, string>;
    createdAt: string;
  };
}

async function send<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      cache: 'no-cache',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ServiceError('unreachable', 0, 'the service cannot be reached');
  }
  const json = await res.json().catch(() => undefined);
  if (!res.ok) {
    const error = json?.error;
    throw new ServiceError(error?.code ?? 'http_error', res.status, error?.message ?? `HTTP ${res.status}`, error);
  }
  return json as T;
}

const seg = encodeURIComponent;

export const api = {
  envelopes: (meterId: string) => send<EnvelopeListing>('GET', `/v1/encrypted-bundles/${seg(meterId)}`),
  envelope: (meterId: string, p: Period) => send<unknown>('GET', `/v1/encrypted-bundles/${seg(meterId)}/${p.start}/${p.days}`),
  provingContext: (meterId: string, p: Period, kind: string) => send<ProvingContext>('GET', `/v1/proving-context/${seg(meterId)}/${p.start}/${p.days}?kind=${seg(kind)}`),
  submit: (result: ResultJson) => send<Certified>('POST', '/v1/results', result),
};
