// meterproof-msm-check: Σ s_i·(k_i·G) by the prover's multi-exponentiation (msm.hpp), in G1 and in G2, for the
// tests (native/msm.test.ts), which compare it with (Σ s_i·k_i)·G computed by an independent library.
// Reads "k s" lines (decimal, below the group order) on stdin; prints the G1 result's x y, then the G2 result's
// x.a x.b y.a y.b, in decimal (normal form); the point at infinity prints as zeros.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "msm.hpp"

using namespace mp;

static Scalar decimalScalar(const std::string &s) {
  Scalar k{{0, 0, 0, 0}};
  for (char ch : s) {
    u128 carry = (u128)(ch - '0');
    for (auto &limb : k.v) {
      carry += (u128)limb * 10;
      limb = (uint64_t)carry;
      carry >>= 64;
    }
  }
  return k;
}

static Fq::E decimalFq(const char *s) {
  Fq::E r = Fq::zero(), ten = Fq::fromU64(10);
  for (; *s; s++) {
    Fq::mul(r, r, ten);
    Fq::add(r, r, Fq::fromU64((uint64_t)(*s - '0')));
  }
  return r;
}

template <class F>
static std::vector<typename Curve<F>::Aff> multiples(const typename Curve<F>::Aff &g, const std::vector<Scalar> &ks) {
  std::vector<typename Curve<F>::Aff> out;
  for (const Scalar &k : ks) out.push_back(Curve<F>::toAff(Curve<F>::mulScalar(Curve<F>::fromAff(g), k.v)));
  return out;
}

template <class F>
static typename Curve<F>::Aff msm(const std::vector<typename Curve<F>::Aff> &points, const std::vector<Scalar> &scalars) {
  MsmPlan<F> plan(points.data(), nullptr, scalars.data(), points.size());
  for (int w = 0; w < plan.windows(); w++) plan.runWindow(w);
  return Curve<F>::toAff(plan.combine());
}

int main() {
  std::vector<Scalar> ks, ss;
  std::string k, s;
  while (std::cin >> k >> s) ks.push_back(decimalScalar(k)), ss.push_back(decimalScalar(s));
  const G1::Aff g1{decimalFq("1"), decimalFq("2")};
  const G2::Aff g2{{decimalFq("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
                    decimalFq("11559732032986387107991004021392285783925812861821192530917403151452391805634")},
                   {decimalFq("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
                    decimalFq("4082367875863433681332203403145435568316851327593401208105741076214120093531")}};
  const G1::Aff r1 = msm<Fq>(multiples<Fq>(g1, ks), ss);
  const G2::Aff r2 = msm<Fq2>(multiples<Fq2>(g2, ks), ss);
  printf("%s %s\n", Fq::toDecimal(r1.x).c_str(), Fq::toDecimal(r1.y).c_str());
  printf("%s %s %s %s\n", Fq::toDecimal(r2.x.a).c_str(), Fq::toDecimal(r2.x.b).c_str(), Fq::toDecimal(r2.y.a).c_str(), Fq::toDecimal(r2.y.b).c_str());
  return 0;
}
