/**
 * The verification worker pool. Jobs queue here; whenever a worker is idle it takes everything waiting (up
 * to `maxBatch`), so under load proofs are verified in batches (one final exponentiation per batch) and
 * with no load a proof goes out alone at once. A full queue refuses new work instead of growing without
 * bound; a crashed worker is replaced and its jobs retried once.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Groth16Proof } from '../prover/backend.js';
import type { VerificationKeyJson } from './groth16.js';

export interface VerifyJob {
  id: number;
  circuit: string;
  proof: Groth16Proof;
  publicSignals: string[];
  shared?: { key: string; indices: number[] };
}

export type JobResult = { id: number; ok: true } | { id: number; ok: false; code: 'bad_proof_point' | 'proof_invalid' | 'unknown_circuit' | 'verifier_error'; message: string };

export type WorkerRequest = { batch: number; jobs: VerifyJob[] } | { addKey: { circuit: string; vkey: VerificationKeyJson } };

export interface PoolOptions {
  vkeys: Record<string, VerificationKeyJson>;
  workers?: number;
  maxBatch?: number;
  maxQueue?: number;
  /**
   * Under load a job waits up to this long for others to share its batch (one final exponentiation per
   * batch); a batch of `fillBatch` goes at once.
   */
  lingerMs?: number;
  fillBatch?: number;
}

export class QueueFull extends Error {}

interface Pending {
  job: VerifyJob;
  queuedAt: number;
  resolve: (r: JobResult) => void;
  reject: (e: Error) => void;
  tries: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  inFlight: Pending[] | null;
  batch: number;
}

const WORKER_URL = new URL('./verify-worker.mjs', import.meta.url);

export class VerifyPool {
  private readonly queue: Pending[] = [];
  private readonly slots: Slot[] = [];
  private nextJob = 1;
  private nextBatch = 1;
  private closing = false;
  private drainWaiters: (() => void)[] = [];
  readonly stats = { batches: 0, proofs: 0, maxBatchSeen: 0, partialHits: 0, partialMisses: 0, workerRestarts: 0 };
  readonly workers: number;
  readonly maxBatch: number;
  readonly maxQueue: number;
  /** called after each batch (metrics) */
  onBatch?: (size: number, ms: number) => void;

  constructor(private readonly o: PoolOptions) {
    this.o = { ...o, vkeys: { ...o.vkeys } };
    this.workers = Math.max(1, o.workers ?? availableParallelism());
    this.maxBatch = o.maxBatch ?? 64;
    this.maxQueue = o.maxQueue ?? 20_000;
    for (let i = 0; i < this.workers; i++) this.slots.push(this.spawn());
  }

  /** Resolves once every worker has loaded its keys. */
  async ready(): Promise<void> {
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            if (s.ready) return resolve();
            const onMsg = (m: any) => m?.ready && (s.worker.off('message', onMsg), resolve());
            s.worker.on('message', onMsg);
            s.worker.once('error', reject);
          }),
      ),
    );
  }

  /**
   * Pins another circuit's key in every worker (keys built or fetched while the API runs). A worker reads
   * its messages in order, so any job sent after this call finds the key; a worker spawned later gets it
   * with the others.
   */
  addKey(circuit: string, vkey: VerificationKeyJson): void {
    this.o.vkeys[circuit] = vkey;
    for (const s of this.slots) s.worker.postMessage({ addKey: { circuit, vkey } } satisfies WorkerRequest);
  }

  get queued(): number {
    return this.queue.length;
  }

  get inFlight(): number {
    return this.slots.reduce((n, s) => n + (s.inFlight?.length ?? 0), 0);
  }

  verify(job: Omit<VerifyJob, 'id'>): Promise<JobResult> {
    if (this.closing) return Promise.reject(new Error('the verifier is shutting down'));
    if (this.queue.length >= this.maxQueue) return Promise.reject(new QueueFull(`verification queue is full (${this.maxQueue} waiting)`));
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { ...job, id: this.nextJob++ }, queuedAt: performance.now(), resolve, reject, tries: 0 });
      this.pump();
    });
  }

  private spawn(): Slot {
    // `mod`: ffjavascript loads the web-worker package, which in any worker thread takes itself for one of
    // its own workers and evaluates workerData.mod; an empty script keeps it quiet.
    const worker = new Worker(WORKER_URL, { workerData: { vkeys: this.o.vkeys, mod: 'data:text/javascript,', name: 'meterproof-verifier' } });
    const slot: Slot = { worker, ready: false, inFlight: null, batch: 0 };
    worker.on('message', (m: any) => {
      if (m?.ready) {
        slot.ready = true;
        this.pump();
        return;
      }
      if (!slot.inFlight || m.batch !== slot.batch) return;
      const pending = slot.inFlight;
      slot.inFlight = null;
      this.stats.partialHits = m.stats.partialHits;
      this.stats.partialMisses = m.stats.partialMisses;
      this.onBatch?.(pending.length, m.ms);
      const byId = new Map<number, JobResult>(m.results.map((r: JobResult) => [r.id, r]));
      for (const p of pending) p.resolve(byId.get(p.job.id) ?? { id: p.job.id, ok: false, code: 'verifier_error', message: 'the worker returned no verdict' });
      this.pump();
      this.checkDrained();
    });
    const fail = (err: Error) => {
      const idx = this.slots.indexOf(slot);
      const pending = slot.inFlight ?? [];
      slot.inFlight = null;
      if (idx >= 0 && !this.closing) {
        this.stats.workerRestarts++;
        this.slots[idx] = this.spawn();
      }
      for (const p of pending) {
        if (++p.tries < 2 && !this.closing) this.queue.unshift(p);
        else p.reject(new Error(`verification worker failed: ${err.message}`));
      }
      this.pump();
      this.checkDrained();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closing) fail(new Error(`exited with code ${code}`));
    });
    return slot;
  }

  private lingerTimer: NodeJS.Timeout | null = null;

  private pump(): void {
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = null;
    }
    const linger = this.o.lingerMs ?? 2;
    const fill = this.o.fillBatch ?? 8;
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.inFlight) continue;
      // With every other worker idle there is nobody to wait for: go now. Otherwise a small batch waits a
      // moment for company (bounded by `linger` from its oldest job).
      const othersBusy = this.slots.some((s) => s !== slot && s.inFlight);
      const waited = performance.now() - this.queue[0].queuedAt;
      if (othersBusy && this.queue.length < fill && waited < linger && !this.closing) {
        this.lingerTimer = setTimeout(() => this.pump(), Math.max(0.2, linger - waited));
        return;
      }
      const take = this.queue.splice(0, this.maxBatch);
      slot.inFlight = take;
      slot.batch = this.nextBatch++;
      this.stats.batches++;
      this.stats.proofs += take.length;
      this.stats.maxBatchSeen = Math.max(this.stats.maxBatchSeen, take.length);
      slot.worker.postMessage({ batch: slot.batch, jobs: take.map((p) => p.job) } satisfies WorkerRequest);
    }
  }

  private checkDrained(): void {
    if (this.queue.length === 0 && this.inFlight === 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Finishes the queued and running jobs, then stops the workers. */
  async close(): Promise<void> {
    if (this.queue.length > 0 || this.inFlight > 0) await new Promise<void>((r) => this.drainWaiters.push(r));
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
