/**
 * Groth16 verification on ffjavascript's BN254 WebAssembly, shaped for a server that checks many proofs
 * against few verification keys:
 *
 *  - the G2 constants β, γ, δ of the key are prepared once (Miller-loop line coefficients);
 *  - the public-input product vk_x = IC₀ + Σ sᵢ·ICᵢ₊₁ is split: the public inputs that are the same for
 *    many proofs (the tariff/value weights, standing charge and period of a billing statement) are
 *    summed once per `shared.key` and cached, so each proof only pays for the inputs that differ;
 *  - several proofs are checked at once with a random linear combination, so n proofs cost n + 3
 *    Miller loops and one final exponentiation instead of 4n pairings:
 *
 *        Π e(−rᵢAᵢ, Bᵢ) · e((Σrᵢ)·α, β) · e(Σrᵢ·vk_xᵢ, γ) · e(Σrᵢ·Cᵢ, δ) = 1
 *
 *    with independent random 128-bit rᵢ (a batch with an invalid proof passes with probability ≤ 2⁻¹²⁸).
 *
 * The points must already have passed prover/groth16-checks.ts (on the curve, not at infinity, B in the
 * order-r subgroup): this module only does the pairing arithmetic.
 */
import { randomBytes } from 'node:crypto';
import type { Groth16Proof } from '../prover/backend.js';

export interface VerificationKeyJson {
  protocol: string;
  curve: string;
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}

export interface ProofItem {
  proof: Groth16Proof;
  /** the public signals as field elements (canonical, < r) */
  publicSignals: readonly bigint[];
  /**
   * Public inputs shared by many proofs: their partial product with the IC points is cached under `key`.
   * Every proof given the same key must have the same values at these indices (the caller checks that).
   */
  shared?: { key: string; indices: readonly number[] };
}

type Buf = Uint8Array;

const g1 = (curve: any, p: readonly string[]): Buf => curve.G1.fromObject([BigInt(p[0]), BigInt(p[1])]);
const g2 = (curve: any, p: readonly (readonly string[])[]): Buf =>
  curve.G2.fromObject([
    [BigInt(p[0][0]), BigInt(p[0][1])],
    [BigInt(p[1][0]), BigInt(p[1][1])],
  ]);

/** A uniformly random non-zero 128-bit scalar. */
function randomScalar(): bigint {
  for (;;) {
    const r = BigInt('0x' + randomBytes(16).toString('hex'));
    if (r !== 0n) return r;
  }
}

export class Groth16Verifier {
  private readonly partials = new Map<string, Buf>();
  private readonly ic: Buf[];
  private readonly alpha: Buf;
  private readonly preBeta: Buf;
  private readonly preGamma: Buf;
  private readonly preDelta: Buf;
  /** Miller loop of e(α, β) before the final exponentiation */
  private readonly mlAlphaBeta: Buf;
  /** counters for metrics and tests */
  readonly stats = { partialHits: 0, partialMisses: 0, batches: 0, proofs: 0 };

  private constructor(
    private readonly curve: any,
    readonly vkey: VerificationKeyJson,
    private readonly cacheSize: number,
  ) {
    if (vkey.protocol !== 'groth16' || vkey.curve !== 'bn128') throw new Error('not a groth16 bn128 verification key');
    if (vkey.IC.length !== vkey.nPublic + 1) throw new Error('verification key has the wrong number of IC points');
    this.ic = vkey.IC.map((p) => g1(curve, p));
    this.alpha = g1(curve, vkey.vk_alpha_1);
    this.preBeta = this.prepareG2(g2(curve, vkey.vk_beta_2));
    this.preGamma = this.prepareG2(g2(curve, vkey.vk_gamma_2));
    this.preDelta = this.prepareG2(g2(curve, vkey.vk_delta_2));
    this.mlAlphaBeta = this.millerLoop(this.alpha, this.preBeta);
  }

  private millerLoop(p: Buf, preQ: Buf): Buf {
    const c = this.curve;
    const { tm } = c;
    tm.startSyncOp();
    try {
      const pP = tm.allocBuff(c.G1.toJacobian(p));
      const preP = tm.alloc(c.prePSize);
      const pre = tm.allocBuff(preQ);
      const out = tm.alloc(c.Gt.n8);
      tm.instance.exports.bn128_prepareG1(pP, preP);
      tm.instance.exports.bn128_millerLoop(preP, pre, out);
      return tm.getBuff(out, c.Gt.n8);
    } finally {
      tm.endSyncOp();
    }
  }

  /** `curve` is an ffjavascript bn128 instance (buildBn128); one verifier per key and thread. */
  static create(curve: any, vkey: VerificationKeyJson, cacheSize = 4096): Groth16Verifier {
    return new Groth16Verifier(curve, vkey, cacheSize);
  }

  get nPublic(): number {
    return this.vkey.nPublic;
  }

  private prepareG2(q: Buf): Buf {
    const { tm } = this.curve;
    tm.startSyncOp();
    try {
      const pQ = tm.allocBuff(this.curve.G2.toJacobian(q));
      const pre = tm.alloc(this.curve.preQSize);
      tm.instance.exports.bn128_prepareG2(pQ, pre);
      return tm.getBuff(pre, this.curve.preQSize);
    } finally {
      tm.endSyncOp();
    }
  }

  /** IC₀ + Σ sᵢ·ICᵢ₊₁ over `indices` (all signals when undefined), Jacobian. */
  private linearCombination(signals: readonly bigint[], indices: Iterable<number>, withConstant: boolean): Buf {
    const G1 = this.curve.G1;
    let acc: Buf = withConstant ? G1.toJacobian(this.ic[0]) : G1.zero;
    for (const i of indices) {
      const s = signals[i];
      if (s === 0n) continue;
      acc = G1.add(acc, G1.timesScalar(this.ic[i + 1], s));
    }
    return acc;
  }

  /** The cached IC₀ + Σ over the shared indices, computed on first use of its key. */
  private partial(item: ProofItem): Buf {
    const shared = item.shared!;
    let p = this.partials.get(shared.key);
    if (p) {
      this.stats.partialHits++;
      // refresh its place in the (insertion-ordered) map: least recently used first out
      this.partials.delete(shared.key);
      this.partials.set(shared.key, p);
      return p;
    }
    this.stats.partialMisses++;
    p = this.linearCombination(item.publicSignals, shared.indices, true);
    if (this.partials.size >= this.cacheSize) this.partials.delete(this.partials.keys().next().value!);
    this.partials.set(shared.key, p);
    return p;
  }

  get cachedPartials(): number {
    return this.partials.size;
  }

  /**
   * True when every proof of the batch verifies (probabilistically for more than one: see the header).
   * An empty batch is vacuously true.
   */
  verifyBatch(items: readonly ProofItem[]): boolean {
    if (items.length === 0) return true;
    const { G1 } = this.curve;
    const n = this.vkey.nPublic;
    for (const it of items) if (it.publicSignals.length !== n) return false;
    this.stats.batches++;
    this.stats.proofs += items.length;

    const single = items.length === 1;
    const r = BigInt(this.curve.r);
    const rs = items.slice(1).map(() => randomScalar());
    rs.push((((1n - rs.reduce((a, b) => a + b, 0n)) % r) + r) % r); // Σ rᵢ = 1 (mod r)

    // Σ rᵢ·vk_xᵢ = Σ rᵢ·partial(keyᵢ) + Σ_j (Σ_i rᵢ·s_ij)·IC_{j+1} over each proof's own (non-shared) inputs.
    const coef = new Array<bigint>(n).fill(0n);
    let constantCoef = 0n;
    const partialCoef = new Map<Buf, bigint>();
    items.forEach((it, k) => {
      const rk = rs[k];
      let own: Iterable<number>;
      if (it.shared) {
        const p = this.partial(it);
        partialCoef.set(p, ((partialCoef.get(p) ?? 0n) + rk) % r);
        const sharedSet = new Set(it.shared.indices);
        own = Array.from({ length: n }, (_, i) => i).filter((i) => !sharedSet.has(i));
      } else {
        constantCoef = (constantCoef + rk) % r;
        own = Array.from({ length: n }, (_, i) => i);
      }
      for (const i of own) coef[i] = (coef[i] + rk * it.publicSignals[i]) % r;
    });
    let vkx: Buf = this.linearCombination(coef, coef.keys(), false);
    if (constantCoef !== 0n) vkx = G1.add(vkx, G1.timesScalar(this.ic[0], constantCoef));
    for (const [p, c] of partialCoef) if (c !== 0n) vkx = G1.add(vkx, G1.timesScalar(p, c));

    let cSum: Buf = G1.zero;
    const pairs: [Buf, Buf | null, Buf | null][] = []; // [G1 point, G2 point to prepare | null, prepared G2 | null]
    items.forEach((it, k) => {
      const rk = rs[k];
      const A = g1(this.curve, it.proof.pi_a);
      const B = g2(this.curve, it.proof.pi_b as string[][]);
      const C = g1(this.curve, it.proof.pi_c);
      pairs.push([G1.neg(single ? G1.toJacobian(A) : G1.timesScalar(A, rk)), B, null]);
      cSum = G1.add(cSum, single ? G1.toJacobian(C) : G1.timesScalar(C, rk));
    });
    pairs.push([vkx, null, this.preGamma]);
    pairs.push([cSum, null, this.preDelta]);
    return this.pairingProductIsOne(pairs, this.mlAlphaBeta);
  }

  /** Per-proof verdicts: one batch, and on failure a bisection down to the invalid proofs. */
  verifyEach(items: readonly ProofItem[]): boolean[] {
    if (items.length === 0) return [];
    if (this.verifyBatch(items)) return items.map(() => true);
    if (items.length === 1) return [false];
    const mid = Math.ceil(items.length / 2);
    return [...this.verifyEach(items.slice(0, mid)), ...this.verifyEach(items.slice(mid))];
  }

  /** Π over pairs of their Miller loops, times `factor` (a Miller-loop value), final exponentiation, = 1? */
  private pairingProductIsOne(pairs: [Buf, Buf | null, Buf | null][], factor: Buf): boolean {
    const c = this.curve;
    const { tm } = c;
    const E = tm.instance.exports;
    tm.startSyncOp();
    try {
      const n8t = c.Gt.n8;
      const acc = tm.alloc(n8t);
      const ml = tm.alloc(n8t);
      const pP = tm.alloc(c.G1.F.n8 * 3);
      const preP = tm.alloc(c.prePSize);
      const pQ = tm.alloc(c.G2.F.n8 * 3);
      const preQ = tm.alloc(c.preQSize);
      tm.setBuff(acc, factor);
      for (const [P, Q, prepared] of pairs) {
        if (c.G1.isZero(P)) continue; // e(O, Q) = 1
        tm.setBuff(pP, c.G1.toJacobian(P));
        E.bn128_prepareG1(pP, preP);
        if (prepared) {
          tm.setBuff(preQ, prepared);
        } else {
          tm.setBuff(pQ, c.G2.toJacobian(Q));
          E.bn128_prepareG2(pQ, preQ);
        }
        E.bn128_millerLoop(preP, preQ, ml);
        E.ftm_mul(acc, ml, acc);
      }
      E.bn128_finalExponentiation(acc, acc);
      return c.Gt.eq(tm.getBuff(acc, n8t), c.Gt.one);
    } finally {
      tm.endSyncOp();
    }
  }
}
