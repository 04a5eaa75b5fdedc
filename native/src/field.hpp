// BN254 prime fields in Montgomery form (R = 2^256), 4 x 64-bit limbs, little-endian.
// The element layout is exactly the "LEM" layout of .zkey files (and of ffiasm's raw elements), so points and
// coefficients are used in place from the mapped file. Multiplication is portable C++ (unsigned __int128,
// "no-carry" CIOS, valid because both moduli are below 2^254) unless MP_ASM is defined: then the
// mulx/adx assembly that ffiasm generates (build/native/gen/*.asm, assembled with nasm) is called instead.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#ifdef MP_GMP
#include <gmp.h>
#endif

namespace mp {

typedef unsigned __int128 u128;
#define MP_INLINE inline __attribute__((always_inline))

struct FqTag {
  static constexpr uint64_t P[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL};
  static constexpr uint64_t NP = 0x87d20782e4866389ULL;
  static constexpr uint64_t R[4] = {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL};
  static constexpr uint64_t R2[4] = {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL};
};
struct FrTag {
  static constexpr uint64_t P[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL};
  static constexpr uint64_t NP = 0xc2e1f593efffffffULL;
  static constexpr uint64_t R[4] = {0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL, 0x666ea36f7879462eULL, 0x0e0a77c19a07df2fULL};
  static constexpr uint64_t R2[4] = {0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL, 0x8c49833d53bb8085ULL, 0x0216d0b17f4e44a5ULL};
};

}  // namespace mp

#ifdef MP_ASM
extern "C" void Fq_rawMMul(uint64_t *r, const uint64_t *a, const uint64_t *b);
extern "C" void Fr_rawMMul(uint64_t *r, const uint64_t *a, const uint64_t *b);
extern "C" void Fq_rawMSquare(uint64_t *r, const uint64_t *a);
#endif

namespace mp {

#ifdef MP_COUNT
extern unsigned long long mulCount[2];
#define MP_COUNTED(i) (mulCount[i]++)
#else
#define MP_COUNTED(i) ((void)0)
#endif

// a^e by square and multiply, e a little-endian integer of 4 limbs (not Montgomery), in any field F with
// one(), sq() and mul() (Fq, Fr, Fq2)
template <class F>
typename F::E powLimbs(const typename F::E &a, const uint64_t e[4]) {
  typename F::E r = F::one();
  for (int i = 255; i >= 0; i--) {
    F::sq(r, r);
    if ((e[i / 64] >> (i % 64)) & 1) F::mul(r, r, a);
  }
  return r;
}

template <class Tag>
struct Field {
  struct E {
    uint64_t v[4];
  };

  static MP_INLINE bool geP(const uint64_t *t) {
    for (int i = 3; i >= 0; i--) {
      if (t[i] > Tag::P[i]) return true;
      if (t[i] < Tag::P[i]) return false;
    }
    return true;
  }
  static MP_INLINE void subP(uint64_t *t) {
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
      u128 d = (u128)t[i] - Tag::P[i] - borrow;
      t[i] = (uint64_t)d;
      borrow = (uint64_t)(d >> 64) & 1;
    }
  }

#if defined(__wasm__)
  // WebAssembly has no 64×64→128 multiplication (unsigned __int128 becomes calls to __multi3): the same
  // no-carry CIOS on 8 × 32-bit words, every product in one i64.mul
  static MP_INLINE void mulPortable(E &r, const E &a, const E &b) {
    uint32_t x[8], y[8], p[8], t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    memcpy(x, a.v, 32);
    memcpy(y, b.v, 32);
    memcpy(p, Tag::P, 32);
    const uint32_t np = (uint32_t)Tag::NP;
    for (int i = 0; i < 8; i++) {
      uint64_t u = (uint64_t)x[0] * y[i] + t[0];
      uint32_t A = (uint32_t)(u >> 32);
      t[0] = (uint32_t)u;
      uint32_t m = t[0] * np;
      uint64_t v = (uint64_t)m * p[0] + t[0];
      uint32_t C = (uint32_t)(v >> 32);
      for (int j = 1; j < 8; j++) {
        u = (uint64_t)x[j] * y[i] + t[j] + A;
        A = (uint32_t)(u >> 32);
        t[j] = (uint32_t)u;
        v = (uint64_t)m * p[j] + t[j] + C;
        C = (uint32_t)(v >> 32);
        t[j - 1] = (uint32_t)v;
      }
      t[7] = C + A;
    }
    uint64_t w[4];
    memcpy(w, t, 32);
    if (geP(w)) subP(w);
    memcpy(r.v, w, 32);
  }
#else
  static MP_INLINE void mulPortable(E &r, const E &a, const E &b) {
    MP_COUNTED(Tag::P[0] == FqTag::P[0] ? 0 : 1);
    uint64_t t[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
      u128 x = (u128)a.v[0] * b.v[i] + t[0];
      uint64_t A = (uint64_t)(x >> 64);
      t[0] = (uint64_t)x;
      uint64_t m = t[0] * Tag::NP;
      u128 y = (u128)m * Tag::P[0] + t[0];
      uint64_t C = (uint64_t)(y >> 64);
      for (int j = 1; j < 4; j++) {
        x = (u128)a.v[j] * b.v[i] + t[j] + A;
        A = (uint64_t)(x >> 64);
        t[j] = (uint64_t)x;
        y = (u128)m * Tag::P[j] + t[j] + C;
        C = (uint64_t)(y >> 64);
        t[j - 1] = (uint64_t)y;
      }
      t[3] = C + A;
    }
    if (geP(t)) subP(t);
    memcpy(r.v, t, 32);
  }
#endif

  static MP_INLINE void mul(E &r, const E &a, const E &b);
  static MP_INLINE void sq(E &r, const E &a);

  // add and sub are branchless: in the MSM's bucket additions their branches are data-dependent and
  // mispredicted half of the time
  static MP_INLINE void add(E &r, const E &a, const E &b) {
    uint64_t t[4], s[4], carry = 0, borrow = 0;
    for (int i = 0; i < 4; i++) {
      u128 x = (u128)a.v[i] + b.v[i] + carry;
      t[i] = (uint64_t)x;
      carry = (uint64_t)(x >> 64);
    }
    for (int i = 0; i < 4; i++) {
      u128 d = (u128)t[i] - Tag::P[i] - borrow;
      s[i] = (uint64_t)d;
      borrow = (uint64_t)(d >> 64) & 1;
    }
    const uint64_t keep = -borrow;  // t < P: keep t, else t − P
    for (int i = 0; i < 4; i++) r.v[i] = (t[i] & keep) | (s[i] & ~keep);
  }
  static MP_INLINE void sub(E &r, const E &a, const E &b) {
    uint64_t t[4], borrow = 0, carry = 0;
    for (int i = 0; i < 4; i++) {
      u128 d = (u128)a.v[i] - b.v[i] - borrow;
      t[i] = (uint64_t)d;
      borrow = (uint64_t)(d >> 64) & 1;
    }
    const uint64_t addP = -borrow;
    for (int i = 0; i < 4; i++) {
      u128 x = (u128)t[i] + (Tag::P[i] & addP) + carry;
      r.v[i] = (uint64_t)x;
      carry = (uint64_t)(x >> 64);
    }
  }
  static MP_INLINE void dbl(E &r, const E &a) { add(r, a, a); }
  static MP_INLINE void neg(E &r, const E &a) {
    if (isZero(a)) {
      r = a;
      return;
    }
    E p;
    memcpy(p.v, Tag::P, 32);
    sub(r, p, a);
  }
  static MP_INLINE bool isZero(const E &a) { return (a.v[0] | a.v[1] | a.v[2] | a.v[3]) == 0; }
  static MP_INLINE bool eq(const E &a, const E &b) { return memcmp(a.v, b.v, 32) == 0; }
  static MP_INLINE E zero() { return E{{0, 0, 0, 0}}; }
  static MP_INLINE E one() {
    E r;
    memcpy(r.v, Tag::R, 32);
    return r;
  }
  static MP_INLINE E r2() {
    E r;
    memcpy(r.v, Tag::R2, 32);
    return r;
  }
  /** normal form → Montgomery form */
  static MP_INLINE E toMont(const E &a) {
    E r;
    mul(r, a, r2());
    return r;
  }
  /** Montgomery form → normal form */
  static MP_INLINE E fromMont(const E &a) {
    E one1{{1, 0, 0, 0}}, r;
    mul(r, a, one1);
    return r;
  }
  /** a^e, e a little-endian integer of 4 limbs (not Montgomery) */
  static E pow(const E &a, const uint64_t e[4]) { return powLimbs<Field>(a, e); }
#ifdef MP_GMP
  // GMP's extended gcd (≈1.5 µs here, against ≈7 µs for a^(p−2)): the MSM's batched additions take one
  // inversion a batch. a·R ↦ (a·R)⁻¹ = a⁻¹·R⁻¹, then a Montgomery product with R³ gives a⁻¹·R. Not constant
  // time, like the rest of the prover (its buckets follow the witness): it runs on the household's own device.
  static E inv(const E &a) {
    struct Gmp {
      mpz_t p, r;
      E r3;
      Gmp() {
        mpz_init(p), mpz_init2(r, 320);
        mpz_import(p, 4, -1, 8, 0, 0, Tag::P);
        mul(r3, r2(), r2());  // R²·R²/R
      }
    };
    static thread_local Gmp g;
    mpz_t x;
    mpz_roinit_n(x, (const mp_limb_t *)a.v, 4);
    if (!mpz_invert(g.r, x, g.p)) return zero();
    E t = zero();
    mpz_export(t.v, nullptr, -1, 8, 0, 0, g.r);
    mul(t, t, g.r3);
    return t;
  }
#else
  static E inv(const E &a) {
    uint64_t e[4];
    memcpy(e, Tag::P, 32);
    e[0] -= 2;  // P[0] > 2 for both moduli
    return pow(a, e);
  }
#endif
  /** a normal-form element is canonical (< P) */
  static MP_INLINE bool isCanonical(const E &a) { return !geP(a.v); }
  static E fromU64(uint64_t x) { return toMont(E{{x, 0, 0, 0}}); }

  static std::string toDecimal(const E &mont) {
    E n = fromMont(mont);
    uint64_t w[4];
    memcpy(w, n.v, 32);
    std::string s;
    bool nz = true;
    while (nz) {
      u128 rem = 0;
      for (int i = 3; i >= 0; i--) {
        u128 cur = (rem << 64) | w[i];
        w[i] = (uint64_t)(cur / 10);
        rem = cur % 10;
      }
      s.push_back('0' + (char)rem);
      nz = (w[0] | w[1] | w[2] | w[3]) != 0;
    }
    return std::string(s.rbegin(), s.rend());
  }
};

typedef Field<FqTag> Fq;
typedef Field<FrTag> Fr;

#ifdef MP_ASM
template <>
MP_INLINE void Field<FqTag>::mul(E &r, const E &a, const E &b) { Fq_rawMMul(r.v, a.v, b.v); }
template <>
MP_INLINE void Field<FrTag>::mul(E &r, const E &a, const E &b) { Fr_rawMMul(r.v, a.v, b.v); }
template <>
MP_INLINE void Field<FqTag>::sq(E &r, const E &a) { Fq_rawMSquare(r.v, a.v); }
template <>
MP_INLINE void Field<FrTag>::sq(E &r, const E &a) { Fr_rawMMul(r.v, a.v, a.v); }
#else
template <class Tag>
MP_INLINE void Field<Tag>::mul(E &r, const E &a, const E &b) { mulPortable(r, a, b); }
template <class Tag>
MP_INLINE void Field<Tag>::sq(E &r, const E &a) { mulPortable(r, a, a); }
#endif

// (x.a + x.b·u)(y.a + y.b·u) with u² = −1, by Karatsuba (three products), over a base field B with static
// mul, add and sub on elements T: Fq below, eight lanes of Fq in field_ifma.hpp
template <class B, class T, class E2>
MP_INLINE void karatsubaMul(E2 &r, const E2 &x, const E2 &y) {
  T t0, t1, s0, s1, t2;
  B::mul(t0, x.a, y.a);
  B::mul(t1, x.b, y.b);
  B::add(s0, x.a, x.b);
  B::add(s1, y.a, y.b);
  B::mul(t2, s0, s1);
  B::sub(r.a, t0, t1);
  B::sub(t2, t2, t0);
  B::sub(r.b, t2, t1);
}

// Fq2 = Fq[u]/(u^2 + 1)
struct Fq2 {
  struct E {
    Fq::E a, b;
  };
  static MP_INLINE void add(E &r, const E &x, const E &y) {
    Fq::add(r.a, x.a, y.a);
    Fq::add(r.b, x.b, y.b);
  }
  static MP_INLINE void sub(E &r, const E &x, const E &y) {
    Fq::sub(r.a, x.a, y.a);
    Fq::sub(r.b, x.b, y.b);
  }
  static MP_INLINE void dbl(E &r, const E &x) { add(r, x, x); }
  static MP_INLINE void neg(E &r, const E &x) {
    Fq::neg(r.a, x.a);
    Fq::neg(r.b, x.b);
  }
  /** a − bu: the p-power Frobenius of a + bu (u^p = −u) */
  static MP_INLINE void conj(E &r, const E &x) {
    r.a = x.a;
    Fq::neg(r.b, x.b);
  }
  static MP_INLINE void mul(E &r, const E &x, const E &y) { karatsubaMul<Fq, Fq::E>(r, x, y); }
  static MP_INLINE void sq(E &r, const E &x) {
    Fq::E s, d, ab;
    Fq::add(s, x.a, x.b);
    Fq::sub(d, x.a, x.b);
    Fq::mul(ab, x.a, x.b);
    Fq::mul(r.a, s, d);
    Fq::add(r.b, ab, ab);
  }
  static MP_INLINE bool isZero(const E &x) { return Fq::isZero(x.a) && Fq::isZero(x.b); }
  static MP_INLINE bool eq(const E &x, const E &y) { return Fq::eq(x.a, y.a) && Fq::eq(x.b, y.b); }
  static MP_INLINE E zero() { return E{Fq::zero(), Fq::zero()}; }
  static MP_INLINE E one() { return E{Fq::one(), Fq::zero()}; }
  static E pow(const E &a, const uint64_t e[4]) { return powLimbs<Fq2>(a, e); }
  static E inv(const E &x) {
    // 1/(a+bu) = (a-bu)/(a^2+b^2)
    Fq::E t0, t1, n;
    Fq::sq(t0, x.a);
    Fq::sq(t1, x.b);
    Fq::add(n, t0, t1);
    n = Fq::inv(n);
    E c, r;
    conj(c, x);
    Fq::mul(r.a, c.a, n);
    Fq::mul(r.b, c.b, n);
    return r;
  }
};

}  // namespace mp
