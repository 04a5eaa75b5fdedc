/**
 * Turning a submitted result file into a certified result. Cheapest checks first, and nothing reaches a
 * pairing before everything else has passed:
 *
 *   shape (zod) → circuit and pinned key → public-signal count and encoding → decoded outputs → period →
 *   meter registered, key active → tariff and value-of-energy bindings against the registries → every
 *   public input equal to the one rebuilt from the registry's documents → (idempotency fast path) →
 *   worker: proof points on the curve / in the subgroup → batched pairing check → store, once per statement.
 *
 * The per-field checks are prover/verify.ts's building blocks with its rejection codes; the statement is
 * checked against what the registries hold, not against the documents the result carries.
 */
import { createHash } from 'node:crypto';
import { billingPublicSignals, billingSignalName } from '../circuits/billing.js';
import { loadCircuits, type CircuitConfig } from '../circuits/registry.js';
import { dayOf, isoDay } from '../core/time.js';
import { meterIdToField } from '../meter/meter-id.js';
import { kindNamed } from '../prover/kinds/index.js';
import { parseResult, statementPeriod, type BillResultJson, type ResultJson } from '../prover/result.js';
import { checkSignals, ResultRejected } from '../prover/verify.js';
import { billingStatement } from '../prover/statement.js';
import { canonicalJson, parseTariff, tariffDigest, type Tariff } from '../tariff/index.js';
import { ApiError, REJECTION_STATUS } from './errors.js';
import type { PinnedKey } from './pinned-keys.js';
import type { Store, ResultRow } from './store.js';
import { QueueFull, type VerifyPool } from './verify-pool.js';

/** Public-signal indices of a billing statement that depend only on tariff, value vector and period. */
const SHARED_FROM = 6; // startDay, days, standingCharge, weights…

export interface Certified {
  status: 200 | 201;
  row: ResultRow;
}

interface StatementTail {
  /** expected public signals from index SHARED_FROM on */
  tail: bigint[];
  sharedKey: string;
}

const reject = (code: keyof typeof REJECTION_STATUS, message: string) => new ApiError(REJECTION_STATUS[code], code, message);
const statementError = (code: string, message: string) => new ApiError(422, code, message);

export function proofDigest(r: Pick<ResultJson, 'proof' | 'publicSignals' | 'circuit'>): string {
  const { pi_a, pi_b, pi_c, protocol, curve } = r.proof;
  return createHash('sha256').update(canonicalJson({ circuit: r.circuit, proof: { pi_a, pi_b, pi_c, protocol, curve }, publicSignals: r.publicSignals })).digest('hex');
}

export interface CertifierOptions {
  store: Store;
  pool: VerifyPool;
  keys: Map<string, PinnedKey>;
  /** today's UTC day number (tests move the clock) */
  today?: () => number;
}

export class Certifier {
  private readonly tails = new Map<string, StatementTail>();
  private readonly parsedDocs = new Map<string, Tariff>();
  /** digest of a carried document by its JSON text: most submissions carry the same few documents */
  private readonly digests = new Map<string, string>();
  /** circuits.json, read once */
  private readonly circuits = new Map(loadCircuits().map((c) => [c.id, c]));
  /** called with "created", "existing" or the error code of each submission (metrics) */
  onOutcome?: (outcome: string) => void;

  constructor(private readonly o: CertifierOptions) {}

  private today(): number {
    return this.o.today ? this.o.today() : Math.floor(Date.now() / 86_400_000);
  }

  async submit(json: unknown): Promise<Certified> {
    try {
      const out = await this.certify(json);
      this.onOutcome?.(out.status === 201 ? 'created' : 'existing');
      return out;
    } catch (e) {
      this.onOutcome?.(e instanceof ApiError ? e.code : 'error');
      throw e;
    }
  }

  private async certify(json: unknown): Promise<Certified> {
    // ---------------------------------------------------------------- shape and encoding (prover/verify.ts codes)
    let result: BillResultJson;
    try {
      result = parseResult(json) as BillResultJson;
    } catch (e) {
      throw reject('malformed', (e as Error).message);
    }
    const circuit = this.circuits.get(result.circuit);
    if (!circuit) throw reject('unknown_circuit', `unknown circuit "${result.circuit}" (known: ${[...this.circuits.keys()].join(', ')})`);
    const pinned = this.o.keys.get(circuit.id);
    if (!pinned) throw reject('unknown_circuit', `circuit ${circuit.id} has no verification key pinned on this server`);
    if (circuit.kind !== 'bill' || result.kind !== 'bill') throw reject('unknown_circuit', `circuit ${circuit.id} does not certify "${result.kind}" results`);

    let signals: bigint[];
    try {
      ({ signals } = checkSignals(result, circuit, kindNamed('bill'), statementPeriod(result)));
    } catch (e) {
      throw e instanceof ResultRejected ? reject(e.code, e.message) : reject('malformed', (e as Error).message);
    }

    // ---------------------------------------------------------------- period
    const s = result.statement;
    let startDay: number;
    try {
      startDay = dayOf(s.period.start);
    } catch (e) {
      throw reject('malformed', `statement.period.start: ${(e as Error).message}`);
    }
    const days = s.period.days;
    const { minDays, maxDays } = circuit.params;
    if (days < minDays || days > maxDays) throw statementError('period_invalid', `circuit ${circuit.id} certifies periods of ${minDays}-${maxDays} whole days, not ${days}`);
    if (startDay + days > this.today()) {
      throw statementError('period_not_ended', `the period ${s.period.start} + ${days} day(s) ends ${isoDay(startDay + days)}, which has not begun yet (UTC): only whole, past days are certified`);
    }

    // ---------------------------------------------------------------- meter and key
    try {
      meterIdToField(s.meterId);
    } catch (e) {
      throw reject('malformed', `statement.meterId: ${(e as Error).message}`);
    }
    const store = this.o.store;
    const meter = await store.getMeter(s.meterId);
    if (!meter) throw statementError('meter_not_registered', `meter ${s.meterId} is not registered`);
    const keys = (await store.meterKeys(meter.id)).filter((k) => k.publicKey[0] === s.meterPublicKey[0] && k.publicKey[1] === s.meterPublicKey[1]);
    if (keys.length === 0) throw statementError('meter_key_unknown', `the public key in the result is not a registered key of meter ${meter.id}`);
    const live = keys.filter((k) => k.revokedAt === null);
    if (live.length === 0) throw statementError('meter_key_revoked', `the key of meter ${meter.id} in the result was revoked`);
    const last = startDay + days - 1;
    if (!live.some((k) => k.validFrom <= startDay && (k.validTo === null || k.validTo >= last))) {
      const ranges = live.map((k) => `${isoDay(k.validFrom)}..${k.validTo === null ? 'open' : isoDay(k.validTo)}`).join(', ');
      throw statementError('meter_key_inactive', `the key of meter ${meter.id} is active ${ranges}, not for the whole period ${isoDay(startDay)}..${isoDay(last)}`);
    }

    // ---------------------------------------------------------------- tariff and value bindings
    const assigned = await store.tariffFor(meter.id, startDay, days);
    if (!assigned) throw statementError('tariff_not_published', `no tariff is published for meter ${meter.id} for the whole period ${isoDay(startDay)}..${isoDay(last)}`);
    const resultTariff = this.digestOf(s.tariff, 'statement.tariff');
    if (resultTariff !== assigned.digest) {
      throw statementError('tariff_mismatch', `the result's tariff (digest ${resultTariff.slice(0, 16)}…) is not the tariff supplier ${assigned.supplierId} published for meter ${meter.id} and this period (digest ${assigned.digest.slice(0, 16)}…)`);
    }
    const gridValue = await store.valueVectorFor(startDay, days);
    if (!gridValue) throw statementError('value_vector_missing', `the grid has published no value-of-energy vector for ${isoDay(startDay)}..${isoDay(last)}`);
    if (s.valueOfEnergy == null) throw statementError('value_vector_mismatch', `the result has no value-of-energy binding; the grid's vector for the period has digest ${gridValue.slice(0, 16)}…`);
    const resultValue = this.digestOf(s.valueOfEnergy, 'statement.valueOfEnergy');
    if (resultValue !== gridValue) {
      throw statementError('value_vector_mismatch', `the result's value-of-energy vector (digest ${resultValue.slice(0, 16)}…) is not the grid's for the period (digest ${gridValue.slice(0, 16)}…)`);
    }

    // ---------------------------------------------------------------- public inputs rebuilt from the registry
    const { tail, sharedKey } = await this.statementTail(circuit, assigned.digest, gridValue, startDay, days, s.meterPublicKey);
    const fixed: [number, bigint][] = [
      [3, meterIdToField(meter.id)],
      [4, BigInt(s.meterPublicKey[0])],
      [5, BigInt(s.meterPublicKey[1])],
    ];
    for (const [i, v] of fixed) if (signals[i] !== v) throw reject('statement_mismatch', `public signal ${i} (${billingSignalName(i)}) does not match the registry`);
    const differs = tail.findIndex((x, k) => x !== signals[SHARED_FROM + k]);
    if (differs >= 0) {
      const i = SHARED_FROM + differs;
      throw reject('statement_mismatch', `public signal ${i} (${billingSignalName(i)}) does not match the published tariff, value-of-energy vector and period`);
    }

    // ---------------------------------------------------------------- one result per statement
    const digest = proofDigest(result);
    const existing = await store.resultByStatement(meter.id, circuit.id, startDay, days);
    if (existing && existing.proofDigest === digest) return { status: 200, row: existing };

    let verdict;
    try {
      verdict = await this.o.pool.verify({
        circuit: circuit.id,
        proof: result.proof,
        publicSignals: result.publicSignals,
        shared: { key: sharedKey, indices: tail.map((_, k) => SHARED_FROM + k) },
      });
    } catch (e) {
      if (e instanceof QueueFull) throw new ApiError(503, 'overloaded', `${e.message}; retry later`);
      throw e;
    }
    if (!verdict.ok) {
      if (verdict.code === 'verifier_error') throw new ApiError(500, 'verifier_error', verdict.message);
      throw reject(verdict.code, verdict.code === 'proof_invalid' ? `${verdict.message} (circuit ${circuit.id})` : verdict.message);
    }

    const { created, row } = await store.insertResult({
      kind: 'bill',
      circuit: circuit.id,
      meterId: meter.id,
      startDay,
      days,
      supplierId: meter.supplierId,
      substationId: meter.substationId,
      tariffDigest: assigned.digest,
      valueDigest: gridValue,
      bill: result.outputs.bill,
      settlement: result.outputs.settlement,
      consumption: result.outputs.consumption,
      proofDigest: digest,
      body: JSON.stringify(result),
    });
    if (created) return { status: 201, row };
    if (row.proofDigest === digest) return { status: 200, row };
    throw new ApiError(409, 'duplicate_statement', `meter ${meter.id} already has a certified ${circuit.id} result for ${isoDay(startDay)} + ${days} day(s): ${row.id}; another proof of the same statement is not a second result`, { existingId: row.id });
  }

  /** Digest of a document a result carries (parsing fills in defaults, so equal documents hash equally). */
  private digestOf(doc: unknown, where: string): string {
    const text = JSON.stringify(doc);
    let digest = this.digests.get(text);
    if (digest) return digest;
    try {
      digest = tariffDigest(parseTariff(doc));
    } catch (e) {
      throw reject('malformed', `${where}: ${(e as Error).message}`);
    }
    if (this.digests.size > 1000) this.digests.clear();
    this.digests.set(text, digest);
    return digest;
  }

  private async registryDoc(digest: string): Promise<Tariff> {
    let t = this.parsedDocs.get(digest);
    if (!t) {
      const doc = await this.o.store.getDocument(digest);
      if (!doc) throw new Error(`registry document ${digest} is missing`);
      t = parseTariff(doc.body);
      if (this.parsedDocs.size > 1000) this.parsedDocs.clear();
      this.parsedDocs.set(digest, t);
    }
    return t;
  }

  /** Expected shared public inputs of (circuit, tariff, value vector, period), rebuilt once and cached. */
  private async statementTail(circuit: CircuitConfig, tariff: string, value: string, startDay: number, days: number, publicKey: [string, string]): Promise<StatementTail> {
    const key = `${circuit.id}|${tariff}|${value}|${startDay}|${days}`;
    let t = this.tails.get(key);
    if (t) return t;
    let expected: bigint[];
    try {
      const statement = billingStatement({
        meterId: 'X',
        publicKey: [BigInt(publicKey[0]), BigInt(publicKey[1])],
        startDay,
        days,
        tariff: await this.registryDoc(tariff),
        valueOfEnergy: await this.registryDoc(value),
      });
      expected = billingPublicSignals(statement, { bill: 0n, settlement: 0n, consumption: 0n }, circuit);
    } catch (e) {
      throw reject('statement_mismatch', `the statement cannot be rebuilt from the published documents: ${(e as Error).message}`);
    }
    t = { tail: expected.slice(SHARED_FROM), sharedKey: key };
    if (this.tails.size > 10_000) this.tails.clear();
    this.tails.set(key, t);
    return t;
  }
}
