// Groth16 prover on snarkjs's .zkey and .wtns formats (BN254). No Node dependency: the addon, the CLI and
// the WebAssembly build share it.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "curve.hpp"
#include "fft.hpp"
#include "msm.hpp"

namespace mp {

/** An error about a named input file; `what()` already names it. */
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Zkey {
  std::string name;  // file path (for messages)
  const uint8_t *data = nullptr;
  size_t size = 0;
  // set by the owner (mmap / buffer) and released in its destructor
  std::shared_ptr<void> owner;
  // set by an owner that maps the file: takes a part already read out of the process's resident set (the
  // pages stay in the page cache and come back on the next read)
  void (*dropPages)(const uint8_t *from, size_t size) = nullptr;

  uint32_t nVars = 0, nPublic = 0, domainSize = 0, power = 0;
  G1::Aff alpha1, beta1, delta1;
  G2::Aff beta2, gamma2, delta2;
  const G1::Aff *IC = nullptr, *A = nullptr, *B1 = nullptr, *C = nullptr, *H = nullptr;
  const G2::Aff *B2 = nullptr;
  const uint8_t *coefs = nullptr;
  uint32_t nCoefs = 0;
};

/** Parses and checks a mapped .zkey (Groth16, BN254); throws InputError naming the file. */
void parseZkey(Zkey &z);

struct Witness {
  std::string name;
  std::vector<Scalar> values;  // normal form
};

/** Parses and checks a .wtns (BN254 scalar field) into `into` (reusing its memory); throws InputError naming the file. */
void parseWtns(const uint8_t *data, size_t size, const std::string &name, Witness &into);

inline Witness parseWtns(const uint8_t *data, size_t size, const std::string &name) {
  Witness w;
  parseWtns(data, size, name, w);
  return w;
}

struct Proof {
  G1::Aff a, c;
  G2::Aff b;
  std::vector<std::string> publicSignals;
  double msBuild = 0, msFft = 0, msMsm = 0, msCheck = 0;
};

/**
 * The buffers of a proof, for a caller that proves again and again to keep (the addon): their pages are
 * touched once instead of at every proof. A fresh page costs a fault, ≈11 µs on the virtual machines measured
 * here (a month's proof touched 1,800 fresh pages, ≈20 ms of its CPU).
 */
struct ProofScratch {
  std::vector<uint32_t> ones, bigIdx, onesC, bigIdxC;  // the witness values' classification
  std::vector<Scalar> big, bigC;
  std::vector<Fr::E> a, b, c;  // the QAP on the domain
  std::vector<Scalar> hs;      // H's scalars
  std::unique_ptr<Domain> domain;  // the H stream's, with its roots of unity (2 MB for a month)
};

/** Proves, then checks the proof (one pairing product, pairing.hpp); throws InputError if it does not verify. */
Proof prove(const Zkey &z, const Witness &w, int threads, ProofScratch &scratch);

inline Proof prove(const Zkey &z, const Witness &w, int threads) {
  ProofScratch scratch;
  return prove(z, w, threads, scratch);
}

/** Groth16's verification equation for the proof, with the zkey's vk; vkx = IC_0 + Σ public_i · IC_i. */
bool check(const Zkey &z, const Proof &p, const G1::Aff &vkx);

/** snarkjs's JSON of a proof ({"pi_a": …, "protocol": "groth16", "curve": "bn128"}) */
std::string proofJson(const Proof &p);
/** snarkjs's verification key JSON, from the zkey (for the check of every proof) */
std::string vkeyJson(const Zkey &z);
std::string publicJson(const Proof &p);

}  // namespace mp
