/**
 * Turning a submitted result file of any kind into a certified result. Nothing reaches a pairing before
 * everything else has passed:
 *
 *   shape (zod, with the kind's statement fields) → circuit of the kind and pinned key → period → meter
 *   registered, key active (else an exact replay of a stored proof only) → one supplier in force for the
 *   period → the kind's registry bindings (its service's bind, kinds/service.ts) →
 *   statement rebuilt from the registries' documents → public-signal count and encoding, decoded outputs →
 *   every public input equal to the rebuilt one → (idempotency fast path) → worker: proof points on the
 *   curve / in the subgroup → batched pairing check → store, once per statement key (and claim).
 *
 * The per-field checks are prover/verify.ts's building blocks with its rejection codes; the statement is
 * built from what the registries hold, never from the documents the result carries.
 */
import { createHash } from 'node:crypto';
import type { CertifiedPeriod } from '../circuits/lib/certified_inputs.js';
import type { CircuitConfig } from '../circuits/config.js';
import { dayOf, isoDay } from '../core/time.js';
import { meterIdToField } from '../meter/meter-id.js';
import { kindNamed, loadCircuits, type ResultKind } from '../kinds/registry.js';
import { contextOf, parseResult, type ResultJson } from '../prover/result.js';
import { checkSignals, parseStatementFields, ResultRejected } from '../prover/verify.js';
import { compactResult, DocumentUnresolved, expandResult } from '../prover/documents.js';
import { canonicalJson, TARIFF_FORMAT } from '../tariff/index.js';
import { Registries, type Binding } from './bindings.js';
import { ApiError, REJECTION_STATUS } from './errors.js';
import { ParameterStore, PARAMETER_FORMATS, type ParameterFormat } from './parameters.js';
import { ResultFiles, storedParts, type StoredResultRow } from './results.js';
import type { PinnedKey } from './pinned-keys.js';
import type { ResultRow, Store } from './store.js';
import { QueueFull, type VerifyPool } from './verify-pool.js';

export interface Certified {
  status: 200 | 201;
  row: ResultRow;
}

/**
 * The statement of a (circuit, shared documents, period), built once: every result of that statement
 * differs only in its meter (meterId, Ax, Ay), the request it answers (context) and outputs, which come
 * before the shared inputs.
 */
interface SharedStatement {
  statement: CertifiedPeriod;
  /** expected public signals after meterId, Ax, Ay, context; built with the first result's outputs */
  tail?: bigint[];
  key: string;
}

const reject = (code: keyof typeof REJECTION_STATUS, message: string) => new ApiError(REJECTION_STATUS[code], code, message);
const statementError = (code: string, message: string) => new ApiError(422, code, message);
const rejected = (e: unknown) => (e instanceof ResultRejected ? reject(e.code, e.message) : e);

export function proofDigest(r: Pick<ResultJson, 'proof' | 'publicSignals' | 'circuit'>): string {
  const { pi_a, pi_b, pi_c, protocol, curve } = r.proof;
  return createHash('sha256').update(canonicalJson({ circuit: r.circuit, proof: { pi_a, pi_b, pi_c, protocol, curve }, publicSignals: r.publicSignals })).digest('hex');
}

export interface CertifierOptions {
  store: Store;
  pool: VerifyPool;
  keys: Map<string, PinnedKey>;
  /** why a configured circuit without a pinned key is refused (provision.ts: keys_missing or unknown_circuit) */
  keyRefusal?: (circuit: string) => ApiError;
  /** today's UTC day number (tests move the clock) */
  today?: () => number;
}

export class Certifier {
  private readonly shared = new Map<string, SharedStatement>();
  /** every kind's circuit instances, by id */
  private readonly circuits = new Map(loadCircuits().map((c) => [c.id, c]));
  readonly registries: Registries;
  /** called with "created", "existing" or the error code of each submission (metrics) */
  onOutcome?: (outcome: string) => void;

  constructor(private readonly o: CertifierOptions) {
    this.registries = new Registries(o.store, new ParameterStore(o.store.db));
  }

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
    // ---------------------------------------------------------------- shape (prover/verify.ts codes)
    let result: ResultJson;
    try {
      result = parseResult(json);
    } catch (e) {
      throw reject('malformed', (e as Error).message);
    }
    const kind = kindNamed(result.kind);
    // ---------------------------------------------------------------- documents by digest (compact form)
    try {
      result = await expandResult(result, this.publishedDocument);
    } catch (e) {
      if (e instanceof DocumentUnresolved) throw new ApiError(422, e.code, e.message);
      throw e;
    }
    let fields: Record<string, unknown>;
    try {
      fields = parseStatementFields(result, kind);
    } catch (e) {
      throw rejected(e);
    }
    const circuit = this.circuits.get(result.circuit);
    if (!circuit) throw reject('unknown_circuit', `unknown circuit "${result.circuit}" (known: ${[...this.circuits.keys()].join(', ')})`);
    if (circuit.kind !== kind.kind) throw reject('unknown_circuit', `circuit ${circuit.id} does not certify "${kind.kind}" results`);
    if (!this.o.keys.has(circuit.id)) throw this.o.keyRefusal?.(circuit.id) ?? reject('unknown_circuit', `circuit ${circuit.id} has no verification key pinned on this server`);

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
    const registered = await store.getMeter(s.meterId);
    if (!registered) throw statementError('meter_not_registered', `meter ${s.meterId} is not registered`);
    const keys = (await store.meterKeys(registered.id)).filter((k) => k.publicKey[0] === s.meterPublicKey[0] && k.publicKey[1] === s.meterPublicKey[1]);
    if (keys.length === 0) throw statementError('meter_key_unknown', `the public key in the result is not a registered key of meter ${registered.id}`);
    const live = keys.filter((k) => k.revokedAt === null);
    const last = startDay + days - 1;
    const keyRefusal =
      live.length === 0
        ? statementError('meter_key_revoked', `the key of meter ${registered.id} in the result was revoked`)
        : !live.some((k) => k.validFrom <= startDay && (k.validTo === null || k.validTo >= last))
          ? statementError('meter_key_inactive', `the key of meter ${registered.id} is active ${live.map((k) => `${isoDay(k.validFrom)}..${k.validTo === null ? 'open' : isoDay(k.validTo)}`).join(', ')}, not for the whole period ${isoDay(startDay)}..${isoDay(last)}`)
          : undefined;
    if (keyRefusal) {
      // A key revoked (or rotated away) after certification does not undo a certified result: the exact
      // replay of a stored proof still answers 200 with it, as any replay does.
      const stored = await store.storedProof(registered.id, circuit.id, startDay, days, proofDigest(result));
      if (stored) return { status: 200, row: stored };
      throw keyRefusal;
    }

    // ---------------------------------------------------------------- the supplier in force for the period
    const supply = await store.suppliersIn(registered.id, startDay, last);
    if (supply.length > 1) {
      const moves = supply.slice(1).map((x, k) => `from ${supply[k].supplierId} to ${x.supplierId} on ${isoDay(x.validFrom!)}`).join(', ');
      throw statementError('period_straddles_switch', `meter ${registered.id} moved ${moves}: the period ${isoDay(startDay)}..${isoDay(last)} has more than one supplier; certify the days before and after the switch separately`);
    }
    // the binding and the stored result see the supplier of the period, not the meter's latest one
    const meter = { ...registered, supplierId: supply[0]?.supplierId ?? registered.supplierId };

    // ---------------------------------------------------------------- the kind's registry bindings
    const binding = await kind.service.bind({ circuit, meter, startDay, days, fields, registries: this.registries });
    const publicKey: [bigint, bigint] = [BigInt(s.meterPublicKey[0]), BigInt(s.meterPublicKey[1])];
    const shared = this.sharedStatement(kind, circuit, binding, { meterId: meter.id, publicKey, startDay, days });
    // the request a result answers (its context input) is the result's own, like its meter
    const context = contextOf(s.request);
    const statement = { ...shared.statement, meterId: meter.id, publicKey, context };

    // ---------------------------------------------------------------- public signals against the rebuilt statement
    let signals: bigint[];
    let outputs: unknown;
    try {
      ({ signals, outputs } = checkSignals(result, circuit, kind, statement));
    } catch (e) {
      throw rejected(e);
    }
    const from = kind.outputCount(circuit);
    const fixed: bigint[] = [meterIdToField(meter.id), publicKey[0], publicKey[1], context];
    fixed.forEach((v, k) => {
      if (signals[from + k] !== v) throw reject('statement_mismatch', `public signal ${from + k} (${kind.signalName(from + k, circuit)}) does not match the registry`);
    });
    const tailFrom = from + fixed.length;
    if (!shared.tail) {
      try {
        shared.tail = kind.publicSignals(statement, outputs, circuit).slice(tailFrom);
      } catch (e) {
        this.shared.delete(shared.key);
        throw reject('statement_mismatch', `the statement cannot be rebuilt from the published documents: ${(e as Error).message}`);
      }
    }
    const differs = shared.tail.findIndex((x, k) => x !== signals[tailFrom + k]);
    if (differs >= 0) {
      const i = tailFrom + differs;
      throw reject('statement_mismatch', `public signal ${i} (${kind.signalName(i, circuit)}) does not match the published documents and the period`);
    }

    // ---------------------------------------------------------------- one result per statement key
    // results answering different requests are different statements; an exclusive claim (ownKey) stays one
    const statementKey = binding.ownKey ?? [kind.kind, meter.id, circuit.id, startDay, days, ...(binding.keyParts ?? []), ...(s.request ? [`request:${s.request}`] : [])].join('|');
    const digest = proofDigest(result);
    const existing = await store.resultByKey(statementKey);
    if (existing && existing.proofDigest === digest) return { status: 200, row: existing };

    let verdict;
    try {
      verdict = await this.o.pool.verify({
        circuit: circuit.id,
        proof: result.proof,
        publicSignals: result.publicSignals,
        shared: binding.cacheable === false ? undefined : { key: shared.key, indices: shared.tail.map((_, k) => tailFrom + k) },
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
      kind: kind.kind,
      circuit: circuit.id,
      meterId: meter.id,
      startDay,
      days,
      supplierId: meter.supplierId,
      substationId: meter.substationId,
      statementKey,
      outputs: result.outputs,
      bindings: binding.bindings,
      proofDigest: digest,
      ...(await this.storedParts(result, kind.outputCount(circuit))),
      claim: binding.claim,
    });
    if (created) return { status: 201, row };
    if (row.proofDigest === digest) return { status: 200, row };
    const what = binding.ownKey ? `for ${binding.ownKey.replace('|', ' ')}` : `of this statement for ${isoDay(startDay)} + ${days} day(s)`;
    throw new ApiError(409, 'duplicate_statement', `meter ${meter.id} already has a certified ${circuit.id} result ${what}: ${row.id}; another proof of the same statement is not a second result`, { existingId: row.id });
  }

  /** Published documents by digest (immutable under it), for compact results and rebuilt result files. */
  private readonly documents = new Map<string, unknown>();
  private readonly publishedDocument = async (digest: string): Promise<unknown> => {
    if (this.documents.has(digest)) return this.documents.get(digest);
    const doc = await this.o.store.getDocument(digest);
    if (!doc) return undefined;
    // a year-long tariff is ~5 MB parsed: a few hundred documents in use at once is plenty
    if (this.documents.size >= 256) this.documents.clear();
    this.documents.set(digest, doc.body);
    this.registries.remember(doc.body, digest);
    return doc.body;
  };
  private readonly files = new ResultFiles((id) => this.circuits.get(id), this.publishedDocument);

  /** The result file of a stored result (results.ts): its documents by digest, or embedded. */
  resultFile(row: StoredResultRow, o: { embed?: boolean } = {}): Promise<ResultJson> {
    return this.files.file(row, o);
  }

  /** What a certified result keeps (results.ts): its published documents by digest, never the body. */
  private async storedParts(result: ResultJson, outputCount: number) {
    const digestOf = (doc: unknown) => this.registries.carriedDigest(doc, documentFormat(doc), 'statement');
    const published = new Set<string>();
    for (const digest of compactResult(result, { digestOf }).documents.keys()) if ((await this.publishedDocument(digest)) !== undefined) published.add(digest);
    return storedParts(result, outputCount, { published: (d) => published.has(d), digestOf });
  }

  /** The statement of (circuit, shared documents, period), built from the registries' documents once and cached. */
  private sharedStatement(kind: ResultKind, circuit: CircuitConfig, b: Binding, period: CertifiedPeriod): SharedStatement {
    const key = `${circuit.id}|${b.shared}|${period.startDay}|${period.days}`;
    let t = this.shared.get(key);
    if (t) return t;
    let statement: CertifiedPeriod;
    try {
      statement = kind.statement(period, b.fields, circuit);
    } catch (e) {
      throw reject('statement_mismatch', `the statement cannot be rebuilt from the published documents: ${(e as Error).message}`);
    }
    t = { statement, key };
    if (b.cacheable === false) return t;
    if (this.shared.size > 10_000) this.shared.clear();
    this.shared.set(key, t);
    return t;
  }
}

/** The format a published document names, as Registries.carriedDigest takes it. */
function documentFormat(doc: unknown): ParameterFormat | 'tariff' {
  const name = (doc as { format?: unknown }).format;
  if (name === TARIFF_FORMAT) return 'tariff';
  const f = PARAMETER_FORMATS.find((x) => x.format === name);
  if (!f) throw new Error(`no document format ${JSON.stringify(name)}`);
  return f;
}
