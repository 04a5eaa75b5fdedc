// Eight BN254 Fq (or Fq2) elements at once with AVX-512 IFMA (52-bit multiply-accumulate), for the MSM's
// batch-affine additions, which are independent of one another (msm.hpp). Built only where the compiler targets
// IFMA (build.mjs compiles with -march=native); elsewhere the scalar field code is used.
//
// Wide<F>::V: structure of arrays, 5 limbs of 52 bits (l[j] holds limb j of the eight elements); Wide<F>::Lanes is
// the same in memory, filled and read one element at a time in the .zkey's layout. Values stay in
// the .zkey's Montgomery form (R = 2^256) and in [0, 2p): multiplication reduces by 2^260 (five rounds of 52 bits)
// after multiplying one operand by 16, so no conversion to another Montgomery form is needed; with both inputs
// below 2p the product is below (4p²·16/2^260) + p < 2p (p < 0.19·2^256), so it needs no final subtraction.
#pragma once
#include <immintrin.h>

#include <cstdint>

#include "field.hpp"

namespace mp {

namespace ifma {

constexpr uint64_t MASK52 = (1ULL << 52) - 1;

/** a canonical 4 × 64-bit element → 5 × 52-bit limbs */
MP_INLINE void split(const uint64_t v[4], uint64_t o[5]) {
  o[0] = v[0] & MASK52;
  o[1] = ((v[0] >> 52) | (v[1] << 12)) & MASK52;
  o[2] = ((v[1] >> 40) | (v[2] << 24)) & MASK52;
  o[3] = ((v[2] >> 28) | (v[3] << 36)) & MASK52;
  o[4] = v[3] >> 16;
}

/** 5 × 52-bit limbs of a value below 2p → the canonical 4 × 64-bit element */
MP_INLINE void join(const uint64_t o[5], Fq::E &r) {
  r.v[0] = o[0] | (o[1] << 52);
  r.v[1] = (o[1] >> 12) | (o[2] << 40);
  r.v[2] = (o[2] >> 24) | (o[3] << 28);
  r.v[3] = (o[3] >> 36) | (o[4] << 16);
  if (!Fq::isCanonical(r)) Fq::subP(r.v);
}

struct Constants {
  __m512i p[5], twoP[5], mask, np;  // np = −p⁻¹ mod 2^52
  Constants() {
    uint64_t p5[5], twoP4[4], twoP5[5];
    split(FqTag::P, p5);
    u128 carry = 0;
    for (int i = 0; i < 4; i++) {
      carry += (u128)FqTag::P[i] * 2;
      twoP4[i] = (uint64_t)carry;
      carry >>= 64;
    }
    split(twoP4, twoP5);
    for (int j = 0; j < 5; j++) {
      p[j] = _mm512_set1_epi64((long long)p5[j]);
      twoP[j] = _mm512_set1_epi64((long long)twoP5[j]);
    }
    mask = _mm512_set1_epi64((long long)MASK52);
    uint64_t inv = 1;  // Newton's iteration doubles the correct low bits: p⁻¹ mod 2^64 after six steps
    for (int i = 0; i < 6; i++) inv *= 2 - FqTag::P[0] * inv;
    np = _mm512_set1_epi64((long long)((0 - inv) & MASK52));
  }
};
inline const Constants K;

}  // namespace ifma

template <class F>
struct Wide;

template <>
struct Wide<Fq> {
  struct V {
    __m512i l[5];
  };
  struct alignas(64) Lanes {
    uint64_t l[5][8];
    MP_INLINE void set(int lane, const Fq::E &e) {
      uint64_t o[5];
      ifma::split(e.v, o);
      for (int j = 0; j < 5; j++) l[j][lane] = o[j];
    }
    MP_INLINE Fq::E get(int lane) const {
      uint64_t o[5];
      for (int j = 0; j < 5; j++) o[j] = l[j][lane];
      Fq::E e;
      ifma::join(o, e);
      return e;
    }
    MP_INLINE V load() const {
      V v;
      for (int j = 0; j < 5; j++) v.l[j] = _mm512_load_si512(l[j]);
      return v;
    }
    MP_INLINE void store(const V &v) {
      for (int j = 0; j < 5; j++) _mm512_store_si512(l[j], v.l[j]);
    }
  };

  /** r = a·b (Montgomery, R = 2^256); a, b < 2p → r < 2p */
  static MP_INLINE void mul(V &r, const V &a, const V &b) {
    using namespace ifma;
    // b·16, limbs renormalized to 52 bits (b < 2p < 2^255, so 16·b fits the five limbs)
    __m512i b16[5], prev = _mm512_setzero_si512();
    for (int j = 0; j < 5; j++) {
      b16[j] = _mm512_or_si512(_mm512_and_si512(_mm512_slli_epi64(b.l[j], 4), K.mask), _mm512_srli_epi64(prev, 48));
      prev = b.l[j];
    }
    const __m512i zero = _mm512_setzero_si512();
    __m512i t0 = zero, t1 = zero, t2 = zero, t3 = zero, t4 = zero, t5 = zero;
    for (int i = 0; i < 5; i++) {
      // t += a·b16[i]; then t += m·p with m making t's low limb divisible by 2^52, and t >>= 52
      const __m512i bi = b16[i];
      t0 = _mm512_madd52lo_epu64(t0, a.l[0], bi);
      t1 = _mm512_madd52lo_epu64(t1, a.l[1], bi);
      t2 = _mm512_madd52lo_epu64(t2, a.l[2], bi);
      t3 = _mm512_madd52lo_epu64(t3, a.l[3], bi);
      t4 = _mm512_madd52lo_epu64(t4, a.l[4], bi);
      t1 = _mm512_madd52hi_epu64(t1, a.l[0], bi);
      t2 = _mm512_madd52hi_epu64(t2, a.l[1], bi);
      t3 = _mm512_madd52hi_epu64(t3, a.l[2], bi);
      t4 = _mm512_madd52hi_epu64(t4, a.l[3], bi);
      t5 = _mm512_madd52hi_epu64(t5, a.l[4], bi);
      const __m512i m = _mm512_madd52lo_epu64(zero, t0, K.np);
      t0 = _mm512_madd52lo_epu64(t0, m, K.p[0]);
      t1 = _mm512_madd52lo_epu64(t1, m, K.p[1]);
      t2 = _mm512_madd52lo_epu64(t2, m, K.p[2]);
      t3 = _mm512_madd52lo_epu64(t3, m, K.p[3]);
      t4 = _mm512_madd52lo_epu64(t4, m, K.p[4]);
      t1 = _mm512_madd52hi_epu64(t1, m, K.p[0]);
      t2 = _mm512_madd52hi_epu64(t2, m, K.p[1]);
      t3 = _mm512_madd52hi_epu64(t3, m, K.p[2]);
      t4 = _mm512_madd52hi_epu64(t4, m, K.p[3]);
      t5 = _mm512_madd52hi_epu64(t5, m, K.p[4]);
      t0 = _mm512_add_epi64(t1, _mm512_srli_epi64(t0, 52));
      t1 = t2;
      t2 = t3;
      t3 = t4;
      t4 = t5;
      t5 = zero;
    }
    t1 = _mm512_add_epi64(t1, _mm512_srli_epi64(t0, 52));
    t2 = _mm512_add_epi64(t2, _mm512_srli_epi64(t1, 52));
    t3 = _mm512_add_epi64(t3, _mm512_srli_epi64(t2, 52));
    t4 = _mm512_add_epi64(t4, _mm512_srli_epi64(t3, 52));
    r.l[0] = _mm512_and_si512(t0, K.mask);
    r.l[1] = _mm512_and_si512(t1, K.mask);
    r.l[2] = _mm512_and_si512(t2, K.mask);
    r.l[3] = _mm512_and_si512(t3, K.mask);
    r.l[4] = t4;
  }

  /** r = a − b; a, b < 2p → r in [0, 2p) */
  static MP_INLINE void sub(V &r, const V &a, const V &b) {
    __m512i d[5];
    for (int j = 0; j < 5; j++) d[j] = _mm512_sub_epi64(a.l[j], b.l[j]);
    addTwoPIfNegative(r, d);
  }
  /** r = a + b; a, b < 2p → r in [0, 2p) */
  static MP_INLINE void add(V &r, const V &a, const V &b) {
    __m512i d[5];
    for (int j = 0; j < 5; j++) d[j] = _mm512_sub_epi64(_mm512_add_epi64(a.l[j], b.l[j]), ifma::K.twoP[j]);
    addTwoPIfNegative(r, d);
  }

 private:
  // limbs carrying signed borrows → normalized, with 2p added when the value is negative
  static MP_INLINE void addTwoPIfNegative(V &r, __m512i d[5]) {
    using namespace ifma;
    __m512i c = _mm512_setzero_si512();
    for (int j = 0; j < 5; j++) {
      const __m512i x = _mm512_add_epi64(d[j], c);
      c = _mm512_srai_epi64(x, 52);
      d[j] = j < 4 ? _mm512_and_si512(x, K.mask) : x;
    }
    const __mmask8 negative = _mm512_cmplt_epi64_mask(d[4], _mm512_setzero_si512());
    c = _mm512_setzero_si512();
    for (int j = 0; j < 5; j++) {
      const __m512i x = _mm512_add_epi64(_mm512_mask_add_epi64(d[j], negative, d[j], K.twoP[j]), c);
      c = _mm512_srai_epi64(x, 52);
      r.l[j] = j < 4 ? _mm512_and_si512(x, K.mask) : x;
    }
  }
};

// Fq2 = Fq[u]/(u² + 1), as field.hpp's Fq2
template <>
struct Wide<Fq2> {
  typedef Wide<Fq> W;
  struct V {
    W::V a, b;
  };
  struct Lanes {
    W::Lanes a, b;
    MP_INLINE void set(int lane, const Fq2::E &e) { a.set(lane, e.a), b.set(lane, e.b); }
    MP_INLINE Fq2::E get(int lane) const { return Fq2::E{a.get(lane), b.get(lane)}; }
    MP_INLINE V load() const { return V{a.load(), b.load()}; }
    MP_INLINE void store(const V &v) { a.store(v.a), b.store(v.b); }
  };
  static MP_INLINE void mul(V &r, const V &x, const V &y) { karatsubaMul<W, W::V>(r, x, y); }
  static MP_INLINE void sub(V &r, const V &x, const V &y) {
    W::sub(r.a, x.a, y.a);
    W::sub(r.b, x.b, y.b);
  }
};

}  // namespace mp
