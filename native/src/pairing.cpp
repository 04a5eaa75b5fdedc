#include "pairing.hpp"

#include <vector>

namespace mp {

namespace {

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

// f · l for a line of the Miller loop evaluated at ψ(Q), multiplied through by a factor in Fq (which the
// final exponentiation sends to 1, like the vertical lines): l = c0 + (−s·x')·w² + (t·y')·w³ with c0, s, t
// in Fq. Unscaled, through T with slope λ: c0 = λ·x_T − y_T, s = λ, t = 1.
void mulLine(F12 &f, const Fq::E &c0, const Fq::E &s, const Fq::E &t, const G2::Aff &q) {
  F12 l;
  for (auto &x : l.c) x = Fq2::zero();
  l.c[0].a = c0;
  Fq::mul(l.c[2].a, q.x.a, s);
  Fq::mul(l.c[2].b, q.x.b, s);
  Fq2::neg(l.c[2], l.c[2]);
  Fq::mul(l.c[3].a, q.y.a, t);
  Fq::mul(l.c[3].b, q.y.b, t);
  f = mul12(f, l);
}

F12 conj12(const F12 &x) {
  F12 r = x;
  for (int i = 1; i < 6; i += 2) Fq2::neg(r.c[i], r.c[i]);
  return r;
}

// 1/x: x·conj(x) has only even powers of w, an element n0 + n1·v + n2·v² of Fq6 = Fq2[v]/(v³ − ξ), v = w²,
// inverted there by its adjugate
F12 inv12(const F12 &x) {
  const F12 c = conj12(x);
  const F12 n = mul12(x, c);
  const Fq2::E &n0 = n.c[0], &n1 = n.c[2], &n2 = n.c[4];
  Fq2::E t0, t1, t2, a, b, det;
  Fq2::sq(t0, n0);
  Fq2::mul(a, n1, n2);
  Fq2::sub(t0, t0, mulXi(a));
  Fq2::sq(a, n2);
  Fq2::mul(b, n0, n1);
  Fq2::sub(t1, mulXi(a), b);
  Fq2::sq(t2, n1);
  Fq2::mul(a, n0, n2);
  Fq2::sub(t2, t2, a);
  Fq2::mul(det, n0, t0);
  Fq2::mul(a, n2, t1);
  Fq2::mul(b, n1, t2);
  Fq2::add(a, a, b);
  Fq2::add(det, det, mulXi(a));
  const Fq2::E d = Fq2::inv(det);
  F12 ni;
  for (auto &e : ni.c) e = Fq2::zero();
  Fq2::mul(ni.c[0], t0, d);
  Fq2::mul(ni.c[2], t1, d);
  Fq2::mul(ni.c[4], t2, d);
  return mul12(c, ni);
}

// The p-power Frobenius: (Σ c_i·w^i)^p = Σ conj(c_i)·γ_i·w^i with γ_i = ξ^(i·(p−1)/6), since c^p = conj(c) in
// Fq2 (u^p = −u) and w^p = w·(w⁶)^((p−1)/6) (p ≡ 1 mod 6).
struct Frobenius {
  Fq2::E g[6];
  Frobenius() {
    uint64_t e[4], rem = 0;  // (p − 1)/6, by long division in 32-bit halves (no 128-bit division in WebAssembly)
    for (int i = 3; i >= 0; i--) {
      const uint64_t limb = i == 0 ? FqTag::P[0] - 1 : FqTag::P[i];
      const uint64_t hi = (rem << 32) | (limb >> 32), lo = ((hi % 6) << 32) | (limb & 0xffffffffULL);
      e[i] = ((hi / 6) << 32) | (lo / 6);
      rem = lo % 6;
    }
    const Fq2::E g1 = Fq2::pow(Fq2::E{Fq::fromU64(9), Fq::one()}, e);  // ξ = 9 + u
    g[0] = Fq2::one();
    for (int i = 1; i < 6; i++) Fq2::mul(g[i], g[i - 1], g1);
  }
};

F12 frob12(const F12 &x) {
  static const Frobenius k;
  F12 r;
  for (int i = 0; i < 6; i++) {
    Fq2::E c;
    Fq2::conj(c, x.c[i]);
    Fq2::mul(r.c[i], c, k.g[i]);
  }
  return r;
}

// x^u for BN254's parameter u = 4965661367192848881 (p = 36u⁴ + 36u³ + 24u² + 6u + 1)
F12 powU(const F12 &x) {
  const uint64_t u = 4965661367192848881ULL;
  F12 r = x;
  for (int i = 61; i >= 0; i--) {
    r = sq12(r);
    if ((u >> i) & 1) r = mul12(r, x);
  }
  return r;
}

// f^((p¹² − 1)/r): the easy part f^((p⁶ − 1)(p² + 1)) — f^(p⁶) = conj(f) (the p⁶-power map fixes Fq2 and sends
// w to −w), one inversion, two Frobenius maps — then the hard part (p⁴ − p² + 1)/r written in base p with
// coefficients in u (Scott et al., "On the final exponentiation for calculating pairings on ordinary elliptic
// curves", 2009): three 63-bit powers x^u and a fixed product of Frobenius images. After the easy part
// the element is unitary, so its inverse is its conjugate.
F12 finalExp(const F12 &f) {
  F12 t = mul12(conj12(f), inv12(f));
  t = mul12(frob12(frob12(t)), t);
  const F12 fp = frob12(t), fp2 = frob12(fp), fp3 = frob12(fp2);
  const F12 fu = powU(t), fu2 = powU(fu), fu3 = powU(fu2);
  const F12 y0 = mul12(mul12(fp, fp2), fp3);
  const F12 y1 = conj12(t);
  const F12 y2 = frob12(frob12(fu2));
  const F12 y3 = conj12(frob12(fu));
  const F12 y4 = conj12(mul12(fu, frob12(fu2)));
  const F12 y5 = conj12(fu2);
  const F12 y6 = conj12(mul12(fu3, frob12(fu3)));
  F12 t0 = mul12(mul12(sq12(y6), y4), y5);
  F12 t1 = mul12(mul12(y3, y5), t0);
  t0 = mul12(t0, y2);
  t1 = sq12(mul12(sq12(t1), t0));
  t0 = mul12(t1, y1);
  t1 = mul12(t1, y0);
  return mul12(sq12(t0), t1);
}

}  // namespace

// One Miller loop over r for all the pairs (f squared once per bit for all of them), T in Jacobian
// coordinates so that no step inverts: each line is scaled by its denominator, a factor in Fq.
bool pairingProductIsOne(const G1::Aff *ps, const G2::Aff *qs, int n) {
  struct Pair {
    G1::Aff p;
    G2::Aff q;
    G1::Jac t;
    bool vertical;  // T reached −P or a vertical tangent: the rest of its lines are dropped
  };
  std::vector<Pair> pairs;
  for (int i = 0; i < n; i++) {
    if (G1::isInf(ps[i]) || G2::isInf(qs[i])) continue;  // e(O, Q) = e(P, O) = 1
    pairs.push_back(Pair{ps[i], qs[i], G1::fromAff(ps[i]), false});
  }
  static const uint64_t *R = FrTag::P;
  int top = 255;
  while (!((R[top / 64] >> (top % 64)) & 1)) top--;
  F12 f = one12();
  for (int i = top - 1; i >= 0; i--) {
    f = sq12(f);
    const bool bit = (R[i / 64] >> (i % 64)) & 1;
    for (Pair &pr : pairs) {
      if (pr.vertical) continue;
      G1::Jac &t = pr.t;
      if (Fq::isZero(t.Y)) {
        pr.vertical = true;
        continue;
      }
      // tangent at T = (X/Z², Y/Z³), λ = 3X²/(2YZ), scaled by 2YZ³: c0 = 3X³ − 2Y², s = 3X²Z², t = 2YZ³
      Fq::E x2, z2, z3, y2, c0, s, tt, u;
      Fq::sq(x2, t.X);
      Fq::sq(z2, t.Z);
      Fq::mul(z3, z2, t.Z);
      Fq::sq(y2, t.Y);
      Fq::mul(u, x2, t.X);
      Fq::add(c0, u, u);
      Fq::add(c0, c0, u);
      Fq::dbl(y2, y2);
      Fq::sub(c0, c0, y2);
      Fq::mul(s, x2, z2);
      Fq::add(u, s, s);
      Fq::add(s, u, s);
      Fq::mul(tt, t.Y, z3);
      Fq::dbl(tt, tt);
      mulLine(f, c0, s, tt, pr.q);
      G1::dbl(t, t);
      if (!bit) continue;
      // chord through T and P: λ = N/D with N = y_P·Z³ − Y, D = Z·(x_P·Z² − X), scaled by D:
      // c0 = N·x_P − D·y_P, s = N, t = D
      Fq::E h, nn, d, v;
      Fq::sq(z2, t.Z);
      Fq::mul(z3, z2, t.Z);
      Fq::mul(h, pr.p.x, z2);
      Fq::sub(h, h, t.X);
      if (Fq::isZero(h)) {
        pr.vertical = true;  // T = −P (T = P cannot happen below r)
        continue;
      }
      Fq::mul(nn, pr.p.y, z3);
      Fq::sub(nn, nn, t.Y);
      Fq::mul(d, t.Z, h);
      Fq::mul(c0, nn, pr.p.x);
      Fq::mul(v, d, pr.p.y);
      Fq::sub(c0, c0, v);
      mulLine(f, c0, nn, d, pr.q);
      G1::addMixed(t, t, pr.p);
    }
  }
  return isOne12(finalExp(f));
}

}  // namespace mp
