#include "pairing.hpp"

namespace mp {

namespace {

#include "final_exp.inc"

// Fq12 as c[0] + c[1]·w + … + c[5]·w⁵ over Fq2, w⁶ = ξ
struct F12 {
  Fq2::E c[6];
};

Fq2::E mulXi(const Fq2::E &a) {
  // (a0 + a1·u)(9 + u) = (9·a0 − a1) + (a0 + 9·a1)·u
  Fq2::E r;
  Fq::E nine = Fq::fromU64(9), t;
  Fq::mul(t, a.a, nine);
  Fq::sub(r.a, t, a.b);
  Fq::mul(t, a.b, nine);
  Fq::add(r.b, t, a.a);
  return r;
}

F12 one12() {
  F12 r;
  for (auto &x : r.c) x = Fq2::zero();
  r.c[0] = Fq2::one();
  return r;
}

F12 mul12(const F12 &x, const F12 &y) {
  Fq2::E t[11];
  for (auto &e : t) e = Fq2::zero();
  for (int i = 0; i < 6; i++) {
    if (Fq2::isZero(x.c[i])) continue;
    for (int j = 0; j < 6; j++) {
      if (Fq2::isZero(y.c[j])) continue;
      Fq2::E p;
      Fq2::mul(p, x.c[i], y.c[j]);
      Fq2::add(t[i + j], t[i + j], p);
    }
  }
  F12 r;
  for (int i = 0; i < 6; i++) r.c[i] = t[i];
  for (int i = 6; i < 11; i++) Fq2::add(r.c[i - 6], r.c[i - 6], mulXi(t[i]));
  return r;
}

F12 sq12(const F12 &x) {
  Fq2::E t[11];
  for (auto &e : t) e = Fq2::zero();
  for (int i = 0; i < 6; i++) {
    Fq2::E p;
    Fq2::sq(p, x.c[i]);
    Fq2::add(t[2 * i], t[2 * i], p);
    for (int j = i + 1; j < 6; j++) {
      Fq2::mul(p, x.c[i], x.c[j]);
      Fq2::dbl(p, p);
      Fq2::add(t[i + j], t[i + j], p);
    }
  }
  F12 r;
  for (int i = 0; i < 6; i++) r.c[i] = t[i];
  for (int i = 6; i < 11; i++) Fq2::add(r.c[i - 6], r.c[i - 6], mulXi(t[i]));
  return r;
}

bool isOne12(const F12 &x) {
  if (!Fq2::eq(x.c[0], Fq2::one())) return false;
  for (int i = 1; i < 6; i++)
    if (!Fq2::isZero(x.c[i])) return false;
  return true;
}

// f · l where l is the line through T with slope λ (Fq), evaluated at ψ(Q):
//   l = y_Q − y_T − λ(x_Q − x_T) = (λ·x_T − y_T) + (−λ·x')·w² + y'·w³
void mulLine(F12 &f, const Fq::E &lambda, const Fq::E &xT, const Fq::E &yT, const G2::Aff &q) {
  F12 l;
  for (auto &x : l.c) x = Fq2::zero();
  Fq::E t;
  Fq::mul(t, lambda, xT);
  Fq::sub(l.c[0].a, t, yT);
  Fq::mul(l.c[2].a, q.x.a, lambda);
  Fq::mul(l.c[2].b, q.x.b, lambda);
  Fq2::neg(l.c[2], l.c[2]);
  l.c[3] = q.y;
  f = mul12(f, l);
}

// f_{r,P}(ψ(Q))
F12 miller(const G1::Aff &p, const G2::Aff &q) {
  static const uint64_t *R = FrTag::P;
  F12 f = one12();
  Fq::E x = p.x, y = p.y;
  bool inf = false;
  int top = 255;
  while (!((R[top / 64] >> (top % 64)) & 1)) top--;
  for (int i = top - 1; i >= 0; i--) {
    f = sq12(f);
    if (!inf) {
      if (Fq::isZero(y)) {
        inf = true;  // vertical tangent: dropped
      } else {
        // λ = 3x² / 2y
        Fq::E num, den, lambda, x3, y3, t;
        Fq::sq(num, x);
        Fq::add(t, num, num);
        Fq::add(num, t, num);
        Fq::add(den, y, y);
        Fq::mul(lambda, num, Fq::inv(den));
        mulLine(f, lambda, x, y, q);
        Fq::sq(x3, lambda);
        Fq::sub(x3, x3, x);
        Fq::sub(x3, x3, x);
        Fq::sub(t, x, x3);
        Fq::mul(y3, lambda, t);
        Fq::sub(y3, y3, y);
        x = x3;
        y = y3;
      }
    }
    if (((R[i / 64] >> (i % 64)) & 1) && !inf) {
      if (Fq::eq(x, p.x)) {
        inf = true;  // T = −P: vertical line, dropped (T = P cannot happen below r)
      } else {
        Fq::E num, den, lambda, x3, y3, t;
        Fq::sub(num, p.y, y);
        Fq::sub(den, p.x, x);
        Fq::mul(lambda, num, Fq::inv(den));
        mulLine(f, lambda, x, y, q);
        Fq::sq(x3, lambda);
        Fq::sub(x3, x3, x);
        Fq::sub(x3, x3, p.x);
        Fq::sub(t, x, x3);
        Fq::mul(y3, lambda, t);
        Fq::sub(y3, y3, y);
        x = x3;
        y = y3;
      }
    }
  }
  return f;
}

}  // namespace

bool pairingProductIsOne(const G1::Aff *ps, const G2::Aff *qs, int n) {
  F12 f = one12();
  for (int i = 0; i < n; i++) {
    if (G1::isInf(ps[i]) || G2::isInf(qs[i])) continue;  // e(O, Q) = e(P, O) = 1
    f = mul12(f, miller(ps[i], qs[i]));
  }
  // f^((p^12 − 1)/r)
  const int nLimbs = sizeof(FINAL_EXP) / sizeof(FINAL_EXP[0]);
  F12 r = one12();
  for (int i = nLimbs * 64 - 1; i >= 0; i--) {
    r = sq12(r);
    if ((FINAL_EXP[i / 64] >> (i % 64)) & 1) r = mul12(r, f);
  }
  return isOne12(r);
}

}  // namespace mp
