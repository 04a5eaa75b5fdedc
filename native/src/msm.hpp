// Multi-scalar multiplication: Pippenger with signed digits and batch-affine bucket accumulation.
//
// Per window, every point is added into its bucket in affine coordinates; additions are gathered into
// batches (a bucket appears at most once per batch, later ones wait for the next batch) and all their
// denominators are inverted with one field inversion (Montgomery's trick): about 6 multiplications per
// addition instead of 11 for a mixed Jacobian addition (PairAdder; eight at a time with AVX-512 IFMA). The
// buckets' weighted sum is batched the same way, by rows and columns (BatchAffine::reduce). Each window is a
// task of its own (MsmPlan).
//
// Scalars 0 and 1 (two thirds of our witnesses: range-check bits) never enter Pippenger: see the witness's
// classification in groth16.cpp and sumPoints below.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "curve.hpp"
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

// x3, y3 of q + p in affine coordinates, given ik = 1/(px − qx), over a field B with static mul and sub on
// elements T: Fq or Fq2 (PairAdder's scalar code), or eight lanes of them (its wide code)
template <class B, class T>
MP_INLINE void affineAdd(T &x3, T &y3, const T &qx, const T &qy, const T &px, const T &py, const T &ik) {
  T lambda, t;
  B::sub(t, py, qy);
  B::mul(lambda, t, ik);
  B::mul(x3, lambda, lambda);
  B::sub(x3, x3, qx);
  B::sub(x3, x3, px);
  B::sub(t, qx, x3);
  B::mul(y3, lambda, t);
  B::sub(y3, y3, qy);
}

/**
 * out[i] = q[i] + p[i] in affine coordinates for i < m, with one field inversion for all of them (Montgomery's
 * trick): about 6 multiplications an addition. Requires q[i].x ≠ p[i].x (no doubling, no p = −q) and neither
 * point at infinity — callers route those cases elsewhere. out may be q or p.
 */
template <class F>
class PairAdder {
 public:
  typedef typename F::E FE;
  typedef typename Curve<F>::Aff Aff;

  void add(const Aff *q, const Aff *p, Aff *out, size_t m) {
    if (m == 0) return;
#ifdef MP_IFMA
    addEightWide(q, p, out, m);
#else
    addScalar(q, p, out, m);
#endif
  }

 private:
#ifndef MP_IFMA
  std::vector<FE> den_, acc_;

  // Two interleaved chains (entries k and k + half): the running products are dependent multiplications, and a
  // second, independent chain keeps the multiplier busy while each waits on the other — one inversion for both.
  void addScalar(const Aff *q, const Aff *p, Aff *out, size_t m) {
    den_.resize(m), acc_.resize(m);
    const size_t half = (m + 1) / 2;
    FE run0 = F::one(), run1 = F::one();
    auto prepare = [&](size_t k, FE &run) {
      F::sub(den_[k], p[k].x, q[k].x);
      acc_[k] = run;
      F::mul(run, run, den_[k]);
    };
    // entry k, given the inverse of its chain's product up to and including it; inv /= its denominator
    auto apply = [&](size_t k, FE &inv) {
      FE ik, x3, y3;
      F::mul(ik, inv, acc_[k]);
      F::mul(inv, inv, den_[k]);
      affineAdd<F, FE>(x3, y3, q[k].x, q[k].y, p[k].x, p[k].y, ik);
      out[k] = Aff{x3, y3};
    };
    for (size_t k = 0; k < half; k++) {
      prepare(k, run0);
      if (k + half < m) prepare(k + half, run1);
    }
    FE both, inv0, inv1;
    F::mul(both, run0, run1);
    both = F::inv(both);
    F::mul(inv0, both, run1);
    F::mul(inv1, both, run0);
    for (size_t k = half; k-- > 0;) {
      if (k + half < m) apply(k + half, inv1);
      apply(k, inv0);
    }
  }
#else
  // Eight lanes wide (field_ifma.hpp) on four interleaved chains, so that 32 independent multiplications are in
  // flight; the 32 running products are inverted with one field inversion.
  static constexpr size_t CHAINS = 4;
  typedef Wide<F> W;
  typedef typename W::V V;
  typedef typename W::Lanes Lanes;
  std::vector<Lanes> qx_, qy_, px_, py_;
  std::vector<V> den_, acc_;

  void addEightWide(const Aff *q, const Aff *p, Aff *out, size_t m) {
    const size_t groups = (m + 7) / 8;
    if (qx_.size() < groups) {
      qx_.resize(groups), qy_.resize(groups), px_.resize(groups), py_.resize(groups);
      den_.resize(groups), acc_.resize(groups);
    }
    for (size_t i = 0; i < groups * 8; i++) {
      const size_t g = i / 8;
      const int lane = (int)(i % 8);
      if (i < m) {
        qx_[g].set(lane, q[i].x), qy_[g].set(lane, q[i].y), px_[g].set(lane, p[i].x), py_[g].set(lane, p[i].y);
      } else {  // padding: any values with px ≠ qx, results unused
        qx_[g].set(lane, F::zero()), qy_[g].set(lane, F::zero()), px_[g].set(lane, F::one()), py_[g].set(lane, F::zero());
      }
    }
    Lanes oneLanes;
    for (int lane = 0; lane < 8; lane++) oneLanes.set(lane, F::one());
    V run[CHAINS];
    for (auto &r : run) r = oneLanes.load();
    for (size_t g = 0; g < groups; g++) {
      W::sub(den_[g], px_[g].load(), qx_[g].load());
      acc_[g] = run[g % CHAINS];
      W::mul(run[g % CHAINS], run[g % CHAINS], den_[g]);
    }
    // the chains' products pairwise in the lanes, then the eight lanes' product inverted in scalar code
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
      V ik, x3, y3;
      W::mul(ik, chainInv, acc_[g]);  // 1/den[g]
      W::mul(chainInv, chainInv, den_[g]);
      affineAdd<W, V>(x3, y3, qx_[g].load(), qy_[g].load(), px_[g].load(), py_[g].load(), ik);
      qx_[g].store(x3);
      qy_[g].store(y3);
    }
    for (size_t i = 0; i < m; i++) out[i] = Aff{qx_[i / 8].get((int)(i % 8)), qy_[i / 8].get((int)(i % 8))};
  }
#endif
};

/**
 * This thread's PairAdder: its buffers are reused by every window and sum the thread runs (fresh pages are
 * expensive on the virtual machines measured here: ≈11 µs each, native/README "Page faults").
 */
template <class F>
PairAdder<F> &threadAdder() {
  static thread_local PairAdder<F> adder;
  return adder;
}

/**
 * The sum of each of several lists of affine points, all lists at once: level by level, the points of each
 * list are added in pairs, every pair of a level in one PairAdder call (so the inversions are shared). Lists are
 * ranges [begin, end) of `points`, which is overwritten. Infinity is allowed; the rare pair with equal x
 * (a doubling, or p = −q) is added in Jacobian coordinates.
 */
template <class F>
class ListSummer {
 public:
  typedef Curve<F> C;
  typedef typename C::Aff Aff;
  typedef typename C::Jac Jac;

  void sum(std::vector<Aff> &points, std::vector<std::pair<size_t, size_t>> &lists, Jac *out) {
    for (;;) {
      bool more = false;
      for (auto &l : lists) {
        const size_t count = l.second - l.first;
        if (count < 2) continue;
        more = true;
        for (size_t i = 0; i < count / 2; i++) {
          const Aff &a = points[l.first + 2 * i], &b = points[l.first + 2 * i + 1];
          Aff &dst = points[l.first + i];  // written after a and b are read: index i ≤ 2i
          if (C::isInf(a) || C::isInf(b)) {
            dst = C::isInf(a) ? b : a;
          } else if (F::eq(a.x, b.x)) {
            Jac s = C::fromAff(a);
            C::addMixed(s, s, b);
            dst = C::toAff(s);
          } else {
            q_.push_back(a), p_.push_back(b), to_.push_back(l.first + i);
            if (q_.size() == MAX_BATCH) addPending(points);
          }
        }
        if (count % 2) points[l.first + count / 2] = points[l.second - 1];
        l.second = l.first + (count + 1) / 2;
      }
      addPending(points);
      if (!more) break;
    }
    for (size_t j = 0; j < lists.size(); j++) out[j] = lists[j].second > lists[j].first ? C::fromAff(points[lists[j].first]) : C::inf();
  }

 private:
  // pairs added at once: bounds the buffers (the prover's peak memory) at a small cost in inversions
  static constexpr size_t MAX_BATCH = 64;
  std::vector<Aff> q_, p_;
  std::vector<size_t> to_;

  // the pairs gathered so far, added; their sums written where the level keeps them (indices the level has
  // already read: a pair i of a list is written at its position i, and read from positions 2i and 2i + 1)
  void addPending(std::vector<Aff> &points) {
    threadAdder<F>().add(q_.data(), p_.data(), q_.data(), q_.size());
    for (size_t i = 0; i < to_.size(); i++) points[to_[i]] = q_[i];
    q_.clear(), p_.clear(), to_.clear();
  }
};

/** This thread's ListSummer, and a list of points to give it (both reused, as threadAdder). */
template <class F>
struct ThreadSums {
  ListSummer<F> summer;
  std::vector<typename Curve<F>::Aff> points;
  static ThreadSums &get() {
    static thread_local ThreadSums sums;
    return sums;
  }
};

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
  std::vector<Aff> bq, bp;
  size_t nBatch = 0;
  std::vector<Jac> extra;
  std::vector<uint8_t> extraUsed;

  BatchAffine(int nb_, size_t batch) : nb(nb_), buckets(nb_), used(nb_), stamp(nb_), B(batch), bb(batch), bq(batch), bp(batch), extra(nb_), extraUsed(nb_) {}

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
    // an entry whose x equals its bucket's (a doubling, or p = −q) leaves the batch: the bucket and the point
    // both go to the bucket's Jacobian side sum, which handles those cases
    size_t m = 0;
    for (size_t k = 0; k < nBatch; k++) {
      const uint32_t b = bb[k];
      if (F::eq(buckets[b].x, bp[k].x)) {
        addExtra(b, buckets[b]);
        addExtra(b, bp[k]);
        used[b] = 0;
      } else {
        bb[m] = b, bq[m] = buckets[b], bp[m] = bp[k];
        m++;
      }
    }
    threadAdder<F>().add(bq.data(), bp.data(), bq.data(), m);
    for (size_t i = 0; i < m; i++) buckets[bb[i]] = bq[i];
    nBatch = 0;
    epoch++;
  }

  void finish() {
    flush();
    // the waiting points in further batches while half a batch or more waits; the rest go to side sums
    while (pending.size() > B / 2) {
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

  /**
   * Σ (k+1)·bucket[k]. Instead of running sums over all buckets (two Jacobian additions a bucket): with
   * m = k+1 = hi·L + lo, the sum is L·Σ hi·R_hi + Σ lo·C_lo, where row R_hi sums the buckets of one hi and column
   * C_lo those of one lo — each bucket in one row and one column, all of them added in batches (ListSummer);
   * then running sums over the few rows and columns (about 2√nb Jacobian additions). The side sums join their
   * row and column in Jacobian coordinates.
   */
  Jac reduce() {
    int logL = 0;
    while ((1 << (2 * (logL + 1))) <= 2 * nb) logL++;  // L ≈ √nb
    const int L = 1 << logL, rows = nb / L;
    ThreadSums<F> &sums = ThreadSums<F>::get();
    std::vector<Aff> &points = sums.points;
    points.clear();
    // lists 0 … rows−1: R_1 … R_rows; lists rows … rows+L−2: C_1 … C_{L−1} (row 0 and column 0 weigh nothing)
    std::vector<std::pair<size_t, size_t>> lists(rows + L - 1);
    for (int hi = 1; hi <= rows; hi++) {
      lists[hi - 1].first = points.size();
      for (int m = hi * L; m < std::min(nb + 1, (hi + 1) * L); m++)
        if (used[m - 1]) points.push_back(buckets[m - 1]);
      lists[hi - 1].second = points.size();
    }
    for (int lo = 1; lo < L; lo++) {
      lists[rows + lo - 1].first = points.size();
      for (int m = lo; m <= nb; m += L)
        if (used[m - 1]) points.push_back(buckets[m - 1]);
      lists[rows + lo - 1].second = points.size();
    }
    std::vector<Jac> rc(lists.size());
    sums.summer.sum(points, lists, rc.data());
    for (int m = 1; m <= nb; m++) {
      if (!extraUsed[m - 1]) continue;
      if (m / L > 0) C::add(rc[m / L - 1], rc[m / L - 1], extra[m - 1]);
      if (m % L > 0) C::add(rc[rows + m % L - 1], rc[rows + m % L - 1], extra[m - 1]);
    }
    // Σ w·S_w for w = 1 … count, by running sums from the top
    auto weighted = [](const Jac *s, int count) {
      Jac run = C::inf(), total = C::inf();
      for (int w = count; w >= 1; w--) {
        C::add(run, run, s[w - 1]);
        C::add(total, total, run);
      }
      return total;
    };
    Jac r = weighted(rc.data(), rows);
    for (int i = 0; i < logL; i++) C::dbl(r, r);
    C::add(r, r, weighted(rc.data() + rows, L - 1));
    return r;
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

/** Σ points[idx[i]] (the scalar-1 terms): in chunks, each summed by batched affine additions (ListSummer). */
template <class F>
typename Curve<F>::Jac sumPoints(const typename Curve<F>::Aff *points, const uint32_t *idx, size_t n) {
  typedef Curve<F> C;
  const size_t CHUNK = 128;  // bounds the copies a task holds
  typename C::Jac r = C::inf(), part;
  ThreadSums<F> &sums = ThreadSums<F>::get();
  for (size_t from = 0; from < n; from += CHUNK) {
    sums.points.clear();
    for (size_t i = from; i < std::min(n, from + CHUNK); i++) sums.points.push_back(points[idx[i]]);
    std::vector<std::pair<size_t, size_t>> list{{0, sums.points.size()}};
    sums.summer.sum(sums.points, list, &part);
    C::add(r, r, part);
  }
  return r;
}

}  // namespace mp
