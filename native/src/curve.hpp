// Short Weierstrass curves y^2 = x^3 + b (a = 0) over Fq (G1) and Fq2 (G2): affine points as the .zkey
// stores them (Montgomery form; (0, 0) is the point at infinity), Jacobian points for arithmetic.
#pragma once
#include "field.hpp"

namespace mp {

template <class F>
struct Curve {
  typedef typename F::E FE;
  struct Aff {
    FE x, y;
  };
  struct Jac {
    FE X, Y, Z;
  };

  static inline bool isInf(const Aff &p) { return F::isZero(p.x) && F::isZero(p.y); }
  static inline bool isInf(const Jac &p) { return F::isZero(p.Z); }
  static inline Jac inf() { return Jac{F::one(), F::one(), F::zero()}; }
  static inline Jac fromAff(const Aff &p) {
    if (isInf(p)) return inf();
    return Jac{p.x, p.y, F::one()};
  }

  // dbl-2009-l
  static inline void dbl(Jac &r, const Jac &p) {
    if (isInf(p)) {
      r = p;
      return;
    }
    FE A, B, C, D, E, Fv, t;
    F::sq(A, p.X);
    F::sq(B, p.Y);
    F::sq(C, B);
    F::add(t, p.X, B);
    F::sq(t, t);
    F::sub(t, t, A);
    F::sub(t, t, C);
    F::dbl(D, t);
    F::dbl(E, A);
    F::add(E, E, A);
    F::sq(Fv, E);
    FE Z3;
    F::mul(Z3, p.Y, p.Z);
    F::dbl(r.Z, Z3);
    F::sub(r.X, Fv, D);
    F::sub(r.X, r.X, D);
    F::sub(t, D, r.X);
    F::mul(t, E, t);
    F::dbl(C, C);
    F::dbl(C, C);
    F::dbl(C, C);
    F::sub(r.Y, t, C);
  }

  // madd-2007-bl: r = p + q, q affine
  static inline void addMixed(Jac &r, const Jac &p, const Aff &q) {
    if (isInf(q)) {
      r = p;
      return;
    }
    if (isInf(p)) {
      r = Jac{q.x, q.y, F::one()};
      return;
    }
    FE Z1Z1, U2, S2, H, HH, I, J, rr, V, t;
    F::sq(Z1Z1, p.Z);
    F::mul(U2, q.x, Z1Z1);
    F::mul(S2, q.y, p.Z);
    F::mul(S2, S2, Z1Z1);
    F::sub(H, U2, p.X);
    F::sub(rr, S2, p.Y);
    if (F::isZero(H)) {
      if (F::isZero(rr)) {
        dbl(r, p);
      } else {
        r = inf();
      }
      return;
    }
    F::dbl(rr, rr);
    F::sq(HH, H);
    F::dbl(I, HH);
    F::dbl(I, I);
    F::mul(J, H, I);
    F::mul(V, p.X, I);
    FE X3, Y3, Z3;
    F::sq(X3, rr);
    F::sub(X3, X3, J);
    F::sub(X3, X3, V);
    F::sub(X3, X3, V);
    F::sub(t, V, X3);
    F::mul(Y3, rr, t);
    F::mul(t, p.Y, J);
    F::dbl(t, t);
    F::sub(Y3, Y3, t);
    F::add(Z3, p.Z, H);
    F::sq(Z3, Z3);
    F::sub(Z3, Z3, Z1Z1);
    F::sub(Z3, Z3, HH);
    r.X = X3;
    r.Y = Y3;
    r.Z = Z3;
  }

  // add-2007-bl
  static inline void add(Jac &r, const Jac &p, const Jac &q) {
    if (isInf(p)) {
      r = q;
      return;
    }
    if (isInf(q)) {
      r = p;
      return;
    }
    FE Z1Z1, Z2Z2, U1, U2, S1, S2, H, I, J, rr, V, t;
    F::sq(Z1Z1, p.Z);
    F::sq(Z2Z2, q.Z);
    F::mul(U1, p.X, Z2Z2);
    F::mul(U2, q.X, Z1Z1);
    F::mul(S1, p.Y, q.Z);
    F::mul(S1, S1, Z2Z2);
    F::mul(S2, q.Y, p.Z);
    F::mul(S2, S2, Z1Z1);
    F::sub(H, U2, U1);
    F::sub(rr, S2, S1);
    if (F::isZero(H)) {
      if (F::isZero(rr)) {
        dbl(r, p);
      } else {
        r = inf();
      }
      return;
    }
    F::dbl(rr, rr);
    F::dbl(I, H);
    F::sq(I, I);
    F::mul(J, H, I);
    F::mul(V, U1, I);
    FE X3, Y3, Z3;
    F::sq(X3, rr);
    F::sub(X3, X3, J);
    F::sub(X3, X3, V);
    F::sub(X3, X3, V);
    F::sub(t, V, X3);
    F::mul(Y3, rr, t);
    F::mul(t, S1, J);
    F::dbl(t, t);
    F::sub(Y3, Y3, t);
    F::add(Z3, p.Z, q.Z);
    F::sq(Z3, Z3);
    F::sub(Z3, Z3, Z1Z1);
    F::sub(Z3, Z3, Z2Z2);
    F::mul(Z3, Z3, H);
    r.X = X3;
    r.Y = Y3;
    r.Z = Z3;
  }

  static inline void neg(Jac &r, const Jac &p) {
    r = p;
    F::neg(r.Y, p.Y);
  }
  static inline Aff negAff(const Aff &p) {
    Aff r = p;
    F::neg(r.y, p.y);
    return r;
  }

  static Aff toAff(const Jac &p) {
    if (isInf(p)) return Aff{F::zero(), F::zero()};
    FE zi = F::inv(p.Z), zi2, zi3;
    F::sq(zi2, zi);
    F::mul(zi3, zi2, zi);
    Aff r;
    F::mul(r.x, p.X, zi2);
    F::mul(r.y, p.Y, zi3);
    return r;
  }

  /** k * p, k a normal-form little-endian 256-bit integer */
  static Jac mulScalar(const Jac &p, const uint64_t k[4]) {
    Jac r = inf();
    for (int i = 255; i >= 0; i--) {
      dbl(r, r);
      if ((k[i / 64] >> (i % 64)) & 1) add(r, r, p);
    }
    return r;
  }

  /** y^2 == x^3 + b */
  static bool onCurve(const Aff &p, const FE &b) {
    if (isInf(p)) return true;
    FE y2, x3;
    F::sq(y2, p.y);
    F::sq(x3, p.x);
    F::mul(x3, x3, p.x);
    F::add(x3, x3, b);
    return F::eq(y2, x3);
  }
};

typedef Curve<Fq> G1;
typedef Curve<Fq2> G2;

}  // namespace mp
