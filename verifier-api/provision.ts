/**
 * Keys the running API adds without a restart (docs/verifier-api.md, "Keys on request"): an operator asks
 * for a circuit's keys (POST /v1/keys/{circuit}); the API builds development keys (compile + the INSECURE
 * single-party ceremony, never under --production) or fetches them from its upstream API (`api serve
 * --keys-from`), checked against the verification key the upstream pins. Then it pins the new key in
 * every verification worker and certifies that circuit's results.
 *
 *   - one job per circuit: a request while one runs joins it, never starts a second build; and one job at
 *     a time (compiling and keying a long circuit takes gigabytes): the others wait their turn, in order;
 *   - the work runs in a child process (the event loop keeps answering; its memory goes with it) and
 *     writes only into a scratch folder under the key root; the result is checked like any key at start
 *     (pinned-keys.ts) and moved into place by renames, so a failed or killed job leaves nothing
 *     half-written, and its one-line reason stays in the circuit's state until the next attempt;
 *   - shutting down kills a running job (its scratch folder is removed).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { BUILD_DIR } from '../core/paths.js';
import { moveKeysInto } from '../keys/fetch.js';
import type { CircuitConfig } from '../circuits/config.js';
import { loadCircuits } from '../kinds/registry.js';
import { ApiError } from './errors.js';
import { KeyRefused, keyTarget, loadPinnedKey, loadRootKey, type PinnedKey } from './pinned-keys.js';
import type { VerifyPool } from './verify-pool.js';

export const PROVISION_SOURCES = ['build', 'fetch'] as const;
export type ProvisionSource = (typeof PROVISION_SOURCES)[number];

/**
 * ready: pinned; missing: nothing yet, or keys refused at start (`error` says why: e.g. built for an older
 * version of the circuit); building/fetching: a job runs; failed: the last job's reason; not_served:
 * outside --circuit.
 */
export type KeyState = 'ready' | 'missing' | 'building' | 'fetching' | 'failed' | 'not_served';

export interface KeyStatus {
  circuit: string;
  kind: string;
  state: KeyState;
  source?: ProvisionSource;
  startedAt?: string;
  finishedAt?: string;
  /** the job's last progress line */
  progress?: string;
  /** why the last job failed (one line) */
  error?: string;
}

/** What the child process is asked (provision-worker-impl.ts). */
export interface ProvisionOrder {
  source: ProvisionSource;
  circuit: string;
  /** write the keys folder as <work>/keys (and the witness generator as <work>/circuit.wasm) */
  work: string;
  upstream?: string;
  production?: boolean;
}

/** What it answers: progress lines, then done or the reason it failed. */
export type ProvisionReport = { progress: string } | { done: true } | { error: string };

export interface ProvisionerOptions {
  keys: Map<string, PinnedKey>;
  /** circuits whose keys were found at start but refused, with why (a job replaces them) */
  refused?: ReadonlyMap<string, string>;
  pool: VerifyPool;
  log: Logger;
  production?: boolean;
  /** the key root (default build/) */
  root?: string;
  /** a verifier API to fetch keys from */
  upstream?: string;
  /** the circuits this service serves (default: every configured one) */
  only?: string[];
}

interface Job {
  status: KeyStatus;
  child?: ChildProcess;
  done: Promise<void>;
}

const WORKER_URL = new URL('./provision-worker.mjs', import.meta.url);
/** How long a client is told to wait while a job runs (a 1-day circuit: compiled and keyed in 1-2 minutes). */
export const PROVISION_RETRY_SECONDS = 60;
// circom2 colours its messages: the state keeps the words
const oneLine = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean).join(' ').slice(0, 500);

export class Provisioner {
  private readonly circuits = new Map(loadCircuits().map((c) => [c.id, c]));
  private readonly jobs = new Map<string, Job>();
  /** the last job in line: each starts when the one before has finished */
  private line: Promise<void> = Promise.resolve();
  private waiting = 0;
  private closing = false;

  constructor(private readonly o: ProvisionerOptions) {}

  /** The circuit's configuration, or 404. */
  circuit(id: string): CircuitConfig {
    const c = this.circuits.get(id);
    if (!c) throw new ApiError(404, 'not_found', `no circuit ${id} (circuits: ${[...this.circuits.keys()].join(', ')})`);
    return c;
  }

  served(id: string): boolean {
    return this.circuits.has(id) && (!this.o.only || this.o.only.includes(id));
  }

  status(id: string): KeyStatus {
    const c = this.circuit(id);
    if (this.o.keys.has(id)) {
      const job = this.jobs.get(id)?.status;
      return { circuit: id, kind: c.kind, state: 'ready', ...(job && { source: job.source, startedAt: job.startedAt, finishedAt: job.finishedAt }) };
    }
    if (!this.served(id)) return { circuit: id, kind: c.kind, state: 'not_served' };
    const refused = this.o.refused?.get(id);
    return this.jobs.get(id)?.status ?? { circuit: id, kind: c.kind, state: 'missing', ...(refused && { error: refused }) };
  }

  /** What an operator does to add the circuit's keys, in words. */
  howToAdd(id: string): string {
    if (!this.served(id)) return `this service serves only ${this.o.only!.join(', ') || 'no circuit'} (api serve --circuit): restart it to serve ${id}`;
    const ways = [...(this.o.upstream ? [`fetch them from ${this.o.upstream}`] : []), ...(this.o.production ? [] : ['build development keys'])];
    if (ways.length === 0) return `install published keys (meterproof keys fetch, or api serve --keys <bundle> / --keys-from <api>) and restart`;
    return `POST /v1/keys/${id} with an operator key (${ways.join(' or ')}), or install keys (meterproof setup / keys fetch) and restart`;
  }

  /**
   * The refusal of a result (or proving context) of a circuit without a pinned key: 503 keys_missing for a
   * circuit this service serves (its keys can be added), 422 unknown_circuit for one it does not.
   */
  refusal(id: string): ApiError {
    if (!this.served(id)) return new ApiError(422, 'unknown_circuit', `circuit ${id} is not served here: ${this.howToAdd(id)}`);
    const s = this.status(id);
    const running = s.state === 'building' || s.state === 'fetching';
    return new ApiError(
      503,
      'keys_missing',
      running
        ? `this service is ${s.state === 'building' ? 'building' : 'fetching'} the keys of circuit ${id} (since ${s.startedAt}); retry in a minute`
        : // why a job failed is the operator's to read (GET /v1/keys/{circuit}), not every client's
          `this service has no keys for circuit ${id} yet${s.state === 'failed' ? ` (the last attempt failed: GET /v1/keys/${id} says why)` : ''}: the operator adds them — ${this.howToAdd(id)}`,
      { circuit: id, state: s.state, ...(running && { retryAfterSeconds: PROVISION_RETRY_SECONDS }) },
    );
  }

  /**
   * Starts (or joins) the job that adds the circuit's keys. `source` defaults to fetching when an upstream
   * is configured, else building. Throws the API's refusal when neither is allowed.
   */
  start(id: string, source?: ProvisionSource): { started: boolean; status: KeyStatus } {
    const c = this.circuit(id);
    if (!this.served(id)) throw new ApiError(409, 'not_served', `circuit ${id} is not served here: ${this.howToAdd(id)}`);
    if (this.o.keys.has(id)) return { started: false, status: this.status(id) };
    const running = this.jobs.get(id);
    if (running && (running.status.state === 'building' || running.status.state === 'fetching')) return { started: false, status: running.status };
    if (this.closing) throw new ApiError(503, 'overloaded', 'the service is shutting down');
    const from = source ?? (this.o.upstream ? 'fetch' : 'build');
    if (from === 'build' && this.o.production) {
      throw new ApiError(409, 'development_keys_refused', `this service runs with --production: it does not build development keys for ${id}; ${this.o.upstream ? `fetch them (?source=fetch) from ${this.o.upstream}` : 'give it published keys (api serve --keys <bundle> or --keys-from <api>)'}`);
    }
    if (from === 'fetch' && !this.o.upstream) throw new ApiError(409, 'key_upstream_missing', `this service has no upstream API to fetch keys from (api serve --keys-from <api>)${this.o.production ? '' : `; ?source=build builds development keys`}`);
    const ahead = this.waiting++;
    const status: KeyStatus = { circuit: id, kind: c.kind, state: from === 'build' ? 'building' : 'fetching', source: from, startedAt: new Date().toISOString(), ...(ahead > 0 && { progress: `waiting for ${ahead} job(s) of other circuits to finish` }) };
    const job: Job = { status, done: Promise.resolve() };
    // run() reports its own failures: the line never breaks
    job.done = this.line.then(() => this.run(c, job, from)).finally(() => this.waiting--);
    this.line = job.done;
    this.jobs.set(id, job);
    return { started: true, status };
  }

  /** Resolves when the circuit's running job (if any) has finished, whatever its outcome. */
  async settled(id: string): Promise<KeyStatus> {
    await this.jobs.get(id)?.done;
    return this.status(id);
  }

  private async run(c: CircuitConfig, job: Job, source: ProvisionSource): Promise<void> {
    const root = this.o.root ?? BUILD_DIR;
    const log = this.o.log.child({ circuit: c.id, source });
    log.info(source === 'build' ? 'building development keys (INSECURE single-party ceremony)' : `fetching keys from ${this.o.upstream}`);
    let work: string | undefined;
    try {
      if (this.closing) throw new Error('stopped: the service shut down');
      job.status = { ...job.status, progress: undefined };
      // a scratch folder beside the keys (same file system: the result moves in by rename), outside the
      // circuit's folder, which compiling empties
      await mkdir(root, { recursive: true });
      work = await mkdtemp(join(root, `.provision-${c.id}-`));
      await this.child(job, { source, circuit: c.id, work, upstream: this.o.upstream, production: this.o.production }, log);
      const staged = { keysDir: join(work, 'keys'), wasm: join(work, 'circuit.wasm') };
      // checked like a key found at start, before it replaces anything
      const candidate = loadPinnedKey(c, staged.keysDir, staged.wasm);
      if (this.o.production && candidate.development) throw new KeyRefused(`${c.id}: the keys are development keys, refused in production`);
      await moveKeysInto(staged, keyTarget(c.id, this.o.root));
      const key = loadRootKey(c, { root: this.o.root, production: this.o.production });
      this.o.pool.addKey(c.id, key.vkey);
      this.o.keys.set(c.id, key);
      job.status = { ...job.status, state: 'ready', finishedAt: new Date().toISOString(), progress: undefined };
      log.info({ vkeySha256: key.vkeySha256, ceremony: key.ceremonyMode }, 'keys ready: the circuit is verified from now on');
    } catch (e) {
      const error = oneLine((e as Error).message || String(e));
      job.status = { ...job.status, state: 'failed', finishedAt: new Date().toISOString(), error };
      log.error({ error }, 'adding keys failed; nothing was installed');
    } finally {
      if (work) await rm(work, { recursive: true, force: true });
    }
  }

  private child(job: Job, order: ProvisionOrder, log: Logger): Promise<void> {
    return new Promise((resolve, reject) => {
      // execArgv: not the parent's (a test runner's flags); the entry registers tsx when run from source
      const child = fork(WORKER_URL, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      job.child = child;
      let stderr = '';
      let outcome: ProvisionReport | undefined;
      child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
      child.on('message', (m: ProvisionReport) => {
        if ('progress' in m) {
          job.status = { ...job.status, progress: oneLine(m.progress) };
          log.debug({ progress: m.progress }, 'provisioning');
        } else outcome = m;
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        job.child = undefined;
        if (outcome && 'done' in outcome && code === 0) return resolve();
        if (outcome && 'error' in outcome) return reject(new Error(outcome.error));
        reject(new Error(this.closing ? 'stopped: the service shut down' : `the ${order.source} process ended (${signal ?? `exit code ${code}`})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`));
      });
      child.send(order);
    });
  }

  /** Stops running jobs (their scratch folders are removed) and waits for them. */
  async close(): Promise<void> {
    this.closing = true;
    for (const job of this.jobs.values()) job.child?.kill('SIGKILL');
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }
}
