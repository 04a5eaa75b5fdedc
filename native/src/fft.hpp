// Radix-2 FFT over BN254's scalar field (Montgomery form), roots of unity as ffjavascript defines them
// (w_s = nqr^t with r − 1 = 2^s·t, nqr the smallest quadratic non-residue; w_k = w_s^(2^(s−k))), so that
// evaluations match the .zkey's H points. Two threads: the first log2(n)−1 stages work on independent
// halves, the last stage splits its butterflies.
#pragma once
#include <vector>

#include "field.hpp"
#include "parallel.hpp"

namespace mp {

class Domain {
 public:
  Domain(uint32_t power, int threads) : power_(power), n_(1u << power), threads_(threads) {
    // r - 1 = 2^28 · t
    const uint64_t t[4] = {0x9b9709143e1f593fULL, 0x181585d2833e8487ULL, 0x131a029b85045b68ULL, 0x000000030644e72eULL};
    const uint64_t half[4] = {0xa1f0fac9f8000000ULL, 0x9419f4243cdcb848ULL, 0xdc2822db40c0ac2eULL, 0x183227397098d014ULL};
    if (power > 27) throw std::runtime_error("domain too large");
    Fr::E negOne;
    Fr::neg(negOne, Fr::one());
    uint64_t q = 2;
    Fr::E nqr;
    for (;; q++) {
      nqr = Fr::fromU64(q);
      if (Fr::eq(Fr::pow(nqr, half), negOne)) break;
    }
    Fr::E w = Fr::pow(nqr, t);  // primitive 2^28-th root
    for (uint32_t k = 28; k > power + 1; k--) Fr::sq(w, w);
    Fr::E inc = w;  // primitive 2^(power+1)-th root: the odd coset's shift
    Fr::sq(w, w);   // primitive 2^power-th root
    Fr::E winv = Fr::inv(w);
    tw_.resize(n_ / 2);
    twInv_.resize(n_ / 2);
    Fr::E x = Fr::one(), y = Fr::one();
    for (uint32_t i = 0; i < n_ / 2; i++) {
      tw_[i] = x;
      twInv_[i] = y;
      Fr::mul(x, x, w);
      Fr::mul(y, y, winv);
    }
    Fr::E ninv = Fr::inv(Fr::fromU64(n_));
    coset_.resize(n_);
    Fr::E cur = ninv;
    for (uint32_t i = 0; i < n_; i++) {
      coset_[i] = cur;
      Fr::mul(cur, cur, inc);
    }
  }

  uint32_t power() const { return power_; }

  /** evaluations on the domain → evaluations on the odd coset (inc · w^i) */
  void toOddCoset(std::vector<Fr::E> &a) const {
    fft(a, twInv_);
    parallelFor(2, threads_, [&](int part) {
      uint32_t lo = part == 0 ? 0 : n_ / 2, hi = part == 0 ? n_ / 2 : n_;
      for (uint32_t i = lo; i < hi; i++) Fr::mul(a[i], a[i], coset_[i]);
    });
    fft(a, tw_);
  }

  void fft(std::vector<Fr::E> &a, const std::vector<Fr::E> &tw) const {
    const uint32_t n = n_;
    for (uint32_t i = 1, j = 0; i < n; i++) {
      uint32_t bit = n >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) std::swap(a[i], a[j]);
    }
    if (n == 1) return;
    auto stages = [&](uint32_t lo, uint32_t hi, uint32_t maxLen) {
      for (uint32_t len = 2; len <= maxLen; len <<= 1) {
        uint32_t halfLen = len >> 1, step = n / len;
        for (uint32_t s = lo; s < hi; s += len) {
          for (uint32_t j = 0; j < halfLen; j++) {
            Fr::E u = a[s + j], v;
            Fr::mul(v, a[s + j + halfLen], tw[j * step]);
            Fr::add(a[s + j], u, v);
            Fr::sub(a[s + j + halfLen], u, v);
          }
        }
      }
    };
    if (threads_ <= 1 || n < 64) {
      stages(0, n, n);
      return;
    }
    parallelFor(2, 2, [&](int part) { stages(part == 0 ? 0 : n / 2, part == 0 ? n / 2 : n, n / 2); });
    const uint32_t halfLen = n / 2;
    parallelFor(2, 2, [&](int part) {
      uint32_t lo = part == 0 ? 0 : halfLen / 2, hi = part == 0 ? halfLen / 2 : halfLen;
      for (uint32_t j = lo; j < hi; j++) {
        Fr::E u = a[j], v;
        Fr::mul(v, a[j + halfLen], tw[j]);
        Fr::add(a[j], u, v);
        Fr::sub(a[j + halfLen], u, v);
      }
    });
  }

 private:
  uint32_t power_, n_;
  int threads_;
  std::vector<Fr::E> tw_, twInv_, coset_;
};

}  // namespace mp
