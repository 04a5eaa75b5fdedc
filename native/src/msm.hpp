// Multi-scalar multiplication: Pippenger with signed digits and batch-affine bucket accumulation.
//
// Per window, every point is added into its bucket in affine coordinates; additions are gathered into
// batches (a bucket appears at most once per batch, later ones wait for the next batch) and all their
// denominators are inverted with one field inversion (Montgomery's trick): about 6 multiplications per
// addition instead of 11 for a mixed Jacobian addition. Each window is a task of its own (MsmPlan).
//
// Scalars 0 and 1 (two thirds of our witnesses: range-check bits) never enter Pippenger: see the witness's
// classification in groth16.cpp and sumPoints below.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "curve.hpp"
#include "parallel.hpp"
#if defined(__AVX512IFMA__) && defined(__x86_64__)
#define MP_IFMA 1
#include <type_traits>

#include "field_ifma.hpp"
#endif

namespace mp {

/** Scalar in normal form, 4 little-endian limbs. */
struct Scalar {
  uint64_t v[4];
};

inline uint32_t scalarBits(const Scalar &s, int from, int c) {
  int limb = from / 64, off = from % 64;
  if (limb >= 4) return 0;
  uint64_t x = s.v[limb] >> off;
  if (off + c > 64 && limb + 1 < 4) x |= s.v[limb + 1] << (64 - off);
  return (uint32_t)(x & ((1ULL << c) - 1));
}

inline int chooseWindow(size_t n) {
  // cost ≈ windows · (6 n + 27 · 2^(c-1)) field multiplications (batch-affine additions + bucket reduction)
  int best = 2;
  double bestCost = 1e300;
  for (int c = 2; c <= 16; c++) {
    int w = (254 + c) / c;
    double cost = (double)w * (6.0 * (double)n + 27.0 * (double)(1u << (c - 1)));
    if (cost < bestCost) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}

template <class F>
struct BatchAffine {
  typedef typename F::E FE;
  typedef typename Curve<F>::Aff Aff;
  typedef typename Curve<F>::Jac Jac;
  typedef Curve<F> C;

  int nb;
  std::vector<Aff> buckets;
  std::vector<uint8_t> used;
  std::vector<uint32_t> stamp;
  uint32_t epoch = 1;
  size_t B;
  std::vector<uint32_t> bb;
  std::vector<Aff> bp;
  std::vector<FE> den, acc;
  std::vector<uint8_t> kind;  // 0 add, 1 double, 2 cancel
  size_t nBatch = 0;
  std::vector<Jac> extra;
  std::vector<uint8_t> extraUsed;

  BatchAffine(int nb_, size_t batch) : nb(nb_), buckets(nb_), used(nb_), stamp(nb_), B(batch), bb(batch), bp(batch), den(batch), acc(batch), kind(batch), extra(nb_), extraUsed(nb_) {}

  struct Pending {
    uint32_t bucket;
    Aff p;
  };
  std::vector<Pending> pending, retry;

  inline void addExtra(uint32_t b, const Aff &p) {
    if (!extraUsed[b]) {
      extra[b] = C::fromAff(p);
      extraUsed[b] = 1;
    } else {
      C::addMixed(extra[b], extra[b], p);
    }
  }

  /** bucket b += p (batched) */
  inline void push(uint32_t b, const Aff &p) {
    if (!used[b]) {
      buckets[b] = p;
      used[b] = 1;
      return;
    }
    if (stamp[b] == epoch) {
      // the bucket is already in this batch: the point waits for the next batch; when too many wait (few
      // buckets hit, e.g. the top window) a Jacobian side sum takes it
      if (pending.size() < B)
        pending.push_back(Pending{b, p});
      else
        addExtra(b, p);
      return;
    }
    stamp[b] = epoch;
    bb[nBatch] = b;
    bp[nBatch] = p;
    nBatch++;
    if (nBatch == B) {
      flush();
      drain();
    }
  }

  /** after a flush: the waiting points into the new batch (flushing as it fills) */
  void drain() {
    retry.swap(pending);
    pending.clear();
    for (const Pending &e : retry) {
      uint32_t b = e.bucket;
      if (!used[b]) {
        buckets[b] = e.p;
        used[b] = 1;
      } else if (stamp[b] == epoch) {
        if (pending.size() < B)
          pending.push_back(e);
        else
          addExtra(b, e.p);
      } else {
        stamp[b] = epoch;
        bb[nBatch] = b;
        bp[nBatch] = e.p;
        nBatch++;
        if (nBatch == B) flush();
      }
    }
    retry.clear();
  }

  void flush() {
    if (nBatch == 0) return;
#ifdef MP_IFMA
    if constexpr (std::is_same<F, Fq>::value || std::is_same<F, Fq2>::value) {
      flushEightWide();
      nBatch = 0;
      epoch++;
      return;
    }
#endif
    // Montgomery's trick on two interleaved chains (entries k and k + half): the running products are
    // dependent multiplications, and a second, independent chain keeps the multiplier busy while each waits
    // on the other — one inversion for both (1/(r0·r1) times the other chain's product).
    const size_t n = nBatch, half = (n + 1) / 2;
    FE run0 = F::one(), run1 = F::one();
    for (size_t k = 0; k < half; k++) {
      prepare(k, run0);
      if (k + half < n) prepare(k + half, run1);
    }
    FE both, inv0, inv1;
    F::mul(both, run0, run1);
    both = F::inv(both);
    F::mul(inv0, both, run1);
    F::mul(inv1, both, run0);
    for (size_t k = half; k-- > 0;) {
      if (k + half < n) apply(k + half, inv1);
      apply(k, inv0);
    }
    nBatch = 0;
    epoch++;
  }

  /** entry k's denominator and the product of its chain's denominators before it; run *= denominator */
  inline void prepare(size_t k, FE &run) {
    const Aff &q = buckets[bb[k]];
    const Aff &p = bp[k];
    FE &d = den[k];
    if (F::eq(q.x, p.x)) {
      if (F::eq(q.y, p.y) && !F::isZero(p.y)) {
        kind[k] = 1;
        F::dbl(d, q.y);
      } else {
        kind[k] = 2;
        d = F::one();
      }
    } else {
      kind[k] = 0;
      F::sub(d, p.x, q.x);
    }
    acc[k] = run;
    F::mul(run, run, d);
  }

  /** entry k's addition, given the inverse of its chain's product up to and including it; inv /= its denominator */
  inline void apply(size_t k, FE &inv) {
    FE ik;
    F::mul(ik, inv, acc[k]);  // 1/den[k]
    F::mul(inv, inv, den[k]);
    uint32_t b = bb[k];
    Aff &q = buckets[b];
    const Aff &p = bp[k];
    if (kind[k] == 2) {
      used[b] = 0;
      return;
    }
    FE lambda, t;
    if (kind[k] == 0) {
      F::sub(t, p.y, q.y);
    } else {
      F::sq(t, q.x);
      FE t3;
      F::dbl(t3, t);
      F::add(t, t3, t);
    }
    F::mul(lambda, t, ik);
    FE x3, y3;
    F::sq(x3, lambda);
    F::sub(x3, x3, q.x);
    F::sub(x3, x3, p.x);
    F::sub(t, q.x, x3);
    F::mul(y3, lambda, t);
    F::sub(y3, y3, q.y);
    q.x = x3;
    q.y = y3;
  }

#ifdef MP_IFMA
  // The same additions eight lanes wide (field_ifma.hpp), on four interleaved chains of Montgomery's trick, so
  // that 32 independent multiplications are in flight: the lanes' running products are inverted with one
  // field inversion. An entry whose x equals its bucket's (a doubling, or p = −q) leaves the batch: the
  // bucket and the point both go to the bucket's Jacobian side sum, which handles those cases.
  static constexpr size_t CHAINS = 4;
  std::vector<uint32_t> wide;  // the batch's entries that are plain additions
  typedef Wide<F> W;
  typedef typename W::V V;
  typedef typename W::Lanes Lanes;
  std::vector<Lanes> qx, qy, px, py;
  std::vector<V> den8, acc8;

  void flushEightWide() {
    wide.clear();
    for (size_t k = 0; k < nBatch; k++) {
      const uint32_t b = bb[k];
      if (F::eq(buckets[b].x, bp[k].x)) {
        addExtra(b, buckets[b]);
        addExtra(b, bp[k]);
        used[b] = 0;
      } else {
        wide.push_back((uint32_t)k);
      }
    }
    const size_t m = wide.size(), groups = (m + 7) / 8;
    if (m == 0) return;
    if (qx.size() < groups) {
      qx.resize(groups), qy.resize(groups), px.resize(groups), py.resize(groups);
      den8.resize(groups), acc8.resize(groups);
    }
    for (size_t i = 0; i < groups * 8; i++) {
      const size_t g = i / 8;
      const int lane = (int)(i % 8);
      if (i < m) {
        const size_t k = wide[i];
        const Aff &q = buckets[bb[k]];
        qx[g].set(lane, q.x), qy[g].set(lane, q.y), px[g].set(lane, bp[k].x), py[g].set(lane, bp[k].y);
      } else {  // padding: any values with px ≠ qx, results unused
        qx[g].set(lane, F::zero()), qy[g].set(lane, F::zero()), px[g].set(lane, F::one()), py[g].set(lane, F::zero());
      }
    }
    Lanes oneLanes;
    for (int lane = 0; lane < 8; lane++) oneLanes.set(lane, F::one());
    V run[CHAINS];
    for (auto &r : run) r = oneLanes.load();
    for (size_t g = 0; g < groups; g++) {
      W::sub(den8[g], px[g].load(), qx[g].load());
      acc8[g] = run[g % CHAINS];
      W::mul(run[g % CHAINS], run[g % CHAINS], den8[g]);
    }
    // the 32 running products' inverses from one inversion: the chains' products pairwise (in the lanes), then
    // the eight lanes in scalar code
    V r01, r23, all, inv[CHAINS];
    W::mul(r01, run[0], run[1]);
    W::mul(r23, run[2], run[3]);
    W::mul(all, r01, r23);
    Lanes allLanes, invLanes;
    allLanes.store(all);
    FE prefix[8], laneProduct[8];
    FE product = F::one();
    for (int i = 0; i < 8; i++) {
      laneProduct[i] = allLanes.get(i);
      prefix[i] = product;
      F::mul(product, product, laneProduct[i]);
    }
    FE invAll = F::inv(product);
    for (int i = 8; i-- > 0;) {
      FE li;
      F::mul(li, invAll, prefix[i]);
      F::mul(invAll, invAll, laneProduct[i]);
      invLanes.set(i, li);
    }
    const V invAll8 = invLanes.load();
    V t;
    W::mul(t, invAll8, r23);
    W::mul(inv[0], t, run[1]);
    W::mul(inv[1], t, run[0]);
    W::mul(t, invAll8, r01);
    W::mul(inv[2], t, run[3]);
    W::mul(inv[3], t, run[2]);
    for (size_t g = groups; g-- > 0;) {
      V &chainInv = inv[g % CHAINS];
      V ik, lambda, x3, y3, u;
      W::mul(ik, chainInv, acc8[g]);  // 1/den[g]
      W::mul(chainInv, chainInv, den8[g]);
      const V QX = qx[g].load(), QY = qy[g].load(), PX = px[g].load();
      W::sub(u, py[g].load(), QY);
      W::mul(lambda, u, ik);
      W::mul(x3, lambda, lambda);
      W::sub(x3, x3, QX);
      W::sub(x3, x3, PX);
      W::sub(u, QX, x3);
      W::mul(y3, lambda, u);
      W::sub(y3, y3, QY);
      qx[g].store(x3);
      qy[g].store(y3);
    }
    for (size_t i = 0; i < m; i++) {
      Aff &q = buckets[bb[wide[i]]];
      q.x = qx[i / 8].get((int)(i % 8));
      q.y = qy[i / 8].get((int)(i % 8));
    }
  }
#endif

  void finish() {
    flush();
    if (pending.size() > B / 4) {
      drain();
      flush();
    }
    for (const Pending &e : pending) {
      if (!used[e.bucket]) {
        buckets[e.bucket] = e.p;
        used[e.bucket] = 1;
      } else {
        addExtra(e.bucket, e.p);
      }
    }
    pending.clear();
  }

  /** Σ (k+1)·bucket[k] */
  Jac reduce() {
    Jac accJ = C::inf(), sum = C::inf();
    for (int k = nb - 1; k >= 0; k--) {
      if (used[k]) C::addMixed(accJ, accJ, buckets[k]);
      if (extraUsed[k]) C::add(accJ, accJ, extra[k]);
      C::add(sum, sum, accJ);
    }
    return sum;
  }
};

/**
 * Σ scalars[i] · points[idx[i]] over the selected points (idx == nullptr: points[i]), cut into independent
 * window tasks — runWindow(w) for w < windows(), in any order, on any threads — then combine(). The prover
 * schedules the windows of its six multi-exponentiations together with the FFTs (groth16.cpp).
 * Scalars are normal-form, below the group order, and must outlive the plan.
 */
template <class F>
class MsmPlan {
 public:
  typedef Curve<F> C;
  typedef typename C::Jac Jac;
  typedef typename C::Aff Aff;

  /** the number of windows of an MSM of n points (known before its scalars are) */
  static int windowsFor(size_t n) {
    if (n < 8) return 1;
    int c = chooseWindow(n);
    return (254 + c) / c;
  }

  MsmPlan() = default;
  MsmPlan(const Aff *points, const uint32_t *idx, const Scalar *scalars, size_t n) : points_(points), idx_(idx), scalars_(scalars), n_(n) {
    if (n < 8) {  // a handful of points (a small circuit's public inputs): double-and-add, one task
      windowSums_.assign(1, C::inf());
      return;
    }
    c_ = chooseWindow(n);
    windowSums_.assign(windowsFor(n), C::inf());
    // batch size: one inversion (~400 multiplications) per batch against collisions (a point whose bucket is
    // already in the batch goes to a Jacobian side sum, ~5 multiplications more), about B/(2·buckets) of them
    batch_ = std::max<size_t>(32, std::min<size_t>(2048, (size_t)std::sqrt(150.0 * (1 << (c_ - 1)))));
  }

  int windows() const { return (int)windowSums_.size(); }

  void runWindow(int w) {
    if (n_ < 8) {
      Jac r = C::inf();
      for (size_t i = 0; i < n_; i++) C::add(r, r, C::mulScalar(C::fromAff(point(i)), scalars_[i].v));
      windowSums_[0] = r;
      return;
    }
    BatchAffine<F> ba(1 << (c_ - 1), batch_);
    for (size_t i = 0; i < n_; i++) {
      int d = digit(scalars_[i], w);
      if (d == 0) continue;
      const Aff &p = point(i);
      if (C::isInf(p)) continue;
      if (d > 0)
        ba.push((uint32_t)(d - 1), p);
      else
        ba.push((uint32_t)(-d - 1), C::negAff(p));
    }
    ba.finish();
    windowSums_[w] = ba.reduce();
  }

  /** Σ 2^(c·w) · window w, once every window has run */
  Jac combine() const {
    Jac r = windowSums_.back();
    for (int w = windows() - 2; w >= 0; w--) {
      for (int k = 0; k < c_; k++) C::dbl(r, r);
      C::add(r, r, windowSums_[w]);
    }
    return r;
  }

 private:
  const Aff &point(size_t i) const { return points_[idx_ ? idx_[i] : i]; }

  // Signed digit of window w in [−2^(c−1), 2^(c−1)], from the scalar's bits alone (no carry chain, so each
  // window task recodes for itself): the window's c bits, plus the top bit of the window below, minus 2^c
  // if the window's own top bit is set. The digits sum back to k: the borrowed top bits telescope, and the
  // last window's top bit is above r's 254 bits.
  int digit(const Scalar &k, int w) const {
    const int lo = w * c_;
    const int bits = (int)scalarBits(k, lo, c_);
    int d = bits - ((bits >> (c_ - 1)) << c_);
    if (lo > 0) d += (int)((k.v[(lo - 1) / 64] >> ((lo - 1) % 64)) & 1);
    return d;
  }

  const Aff *points_ = nullptr;
  const uint32_t *idx_ = nullptr;
  const Scalar *scalars_ = nullptr;
  size_t n_ = 0;
  int c_ = 0;
  size_t batch_ = 0;
  std::vector<Jac> windowSums_;
};

/** Σ points[idx[i]] (the scalar-1 terms), split over threads. */
template <class F>
typename Curve<F>::Jac sumPoints(const typename Curve<F>::Aff *points, const uint32_t *idx, size_t n, int threads) {
  typedef Curve<F> C;
  typedef typename C::Jac Jac;
  int T = std::max(1, std::min<int>(threads, (int)(n / 256 + 1)));
  std::vector<Jac> part(T, C::inf());
  parallelFor(T, T, [&](int t) {
    Jac acc = C::inf();
    for (size_t i = t; i < n; i += T) C::addMixed(acc, acc, points[idx[i]]);
    part[t] = acc;
  });
  Jac r = C::inf();
  for (auto &p : part) C::add(r, r, p);
  return r;
}

}  // namespace mp
