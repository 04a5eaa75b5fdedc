/**
 * A verification worker: point checks (prover/groth16-checks.ts) then batched Groth16 pairing checks
 * (groth16.ts) for the jobs the pool sends, off the main event loop. Single-threaded curve: the pool
 * runs one worker per core.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildBn128 } from 'ffjavascript';
import { assertWellFormedProof } from '../prover/groth16-checks.js';
import { Groth16Verifier, type VerificationKeyJson } from './groth16.js';
import type { JobResult, WorkerRequest } from './verify-pool.js';

const curve = await buildBn128(true);
// prover/groth16-checks.ts asks buildBn128() for the process-wide curve: make it this thread's.
(globalThis as { curve_bn128?: unknown }).curve_bn128 = curve;

const verifiers = new Map<string, Groth16Verifier>();
for (const [id, vkey] of Object.entries(workerData.vkeys as Record<string, VerificationKeyJson>)) {
  verifiers.set(id, Groth16Verifier.create(curve, vkey, workerData.cacheSize ?? 4096));
}

parentPort!.on('message', async (msg: WorkerRequest) => {
  if ('addKey' in msg) {
    verifiers.set(msg.addKey.circuit, Groth16Verifier.create(curve, msg.addKey.vkey, workerData.cacheSize ?? 4096));
    return;
  }
  const started = performance.now();
  const results: JobResult[] = [];
  const byCircuit = new Map<string, { index: number; item: Parameters<Groth16Verifier['verifyEach']>[0][number] }[]>();
  for (const [index, job] of msg.jobs.entries()) {
    const verifier = verifiers.get(job.circuit);
    if (!verifier) {
      results[index] = { id: job.id, ok: false, code: 'unknown_circuit', message: `no verification key for ${job.circuit} in the worker` };
      continue;
    }
    try {
      await assertWellFormedProof(job.proof);
    } catch (e) {
      results[index] = { id: job.id, ok: false, code: 'bad_proof_point', message: (e as Error).message };
      continue;
    }
    const item = { proof: job.proof, publicSignals: job.publicSignals.map(BigInt), shared: job.shared };
    let group = byCircuit.get(job.circuit);
    if (!group) byCircuit.set(job.circuit, (group = []));
    group.push({ index, item });
  }
  for (const [circuit, group] of byCircuit) {
    let verdicts: boolean[];
    try {
      verdicts = verifiers.get(circuit)!.verifyEach(group.map((g) => g.item));
    } catch (e) {
      for (const g of group) results[g.index] = { id: msg.jobs[g.index].id, ok: false, code: 'verifier_error', message: (e as Error).message };
      continue;
    }
    group.forEach((g, k) => {
      const job = msg.jobs[g.index];
      results[g.index] = verdicts[k]
        ? { id: job.id, ok: true }
        : { id: job.id, ok: false, code: 'proof_invalid', message: 'the proof does not verify against the pinned verification key' };
    });
  }
  const stats = { partialHits: 0, partialMisses: 0 };
  for (const v of verifiers.values()) {
    stats.partialHits += v.stats.partialHits;
    stats.partialMisses += v.stats.partialMisses;
  }
  parentPort!.postMessage({ batch: msg.batch, results, ms: performance.now() - started, stats });
});

parentPort!.postMessage({ ready: true });
