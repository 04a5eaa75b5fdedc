// Groth16 prover, same computation as snarkjs's groth16_prove.js (so that snarkjs verifies its proofs):
//   A_T, B_T = the QAP's A and B on the domain (zkey section 4 coefficients × witness), C_T = A_T·B_T,
//   each iFFT → shift to the odd coset (×inc^i) → FFT, H = A·B − C there,
//   π_A = Σw·A + α + r·δ, π_B = Σw·B2 + β + s·δ, π_C = Σw·C + Σh·H + s·π_A + r·(Σw·B1 + β + s·δ) − rs·δ.
#include "groth16.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <future>
#include <random>
#include <sstream>

#include "pairing.hpp"

namespace mp {

static const uint8_t BN254_Q[32] = {0x47, 0xfd, 0x7c, 0xd8, 0x16, 0x8c, 0x20, 0x3c, 0x8d, 0xca, 0x71, 0x68, 0x91, 0x6a, 0x81, 0x97,
                                    0x5d, 0x58, 0x81, 0x81, 0xb6, 0x45, 0x50, 0xb8, 0x29, 0xa0, 0x31, 0xe1, 0x72, 0x4e, 0x64, 0x30};
static const uint8_t BN254_R[32] = {0x01, 0x00, 0x00, 0xf0, 0x93, 0xf5, 0xe1, 0x43, 0x91, 0x70, 0xb9, 0x79, 0x48, 0xe8, 0x33, 0x28,
                                    0x5d, 0x58, 0x81, 0x81, 0xb6, 0x45, 0x50, 0xb8, 0x29, 0xa0, 0x31, 0xe1, 0x72, 0x4e, 0x64, 0x30};

namespace {

struct Section {
  uint64_t offset = 0, size = 0;
  bool present = false;
};

struct BinFile {
  std::vector<Section> sections;  // by id (first occurrence)
};

[[noreturn]] void fail(const std::string &name, const std::string &msg) { throw InputError(name + ": " + msg); }

uint32_t rd32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
uint64_t rd64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

BinFile readBinFile(const uint8_t *data, size_t size, const std::string &name, const char *magic, const char *what) {
  if (size < 12) fail(name, std::string("not a ") + what + " file (" + std::to_string(size) + " bytes, truncated or empty)");
  if (memcmp(data, magic, 4) != 0) fail(name, std::string("not a ") + what + " file (wrong magic bytes)");
  uint32_t nSections = rd32(data + 8);
  BinFile f;
  f.sections.resize(16);
  uint64_t pos = 12;
  for (uint32_t i = 0; i < nSections; i++) {
    if (pos + 12 > size) fail(name, std::string("truncated ") + what + " file: section header " + std::to_string(i + 1) + " of " + std::to_string(nSections) + " is missing");
    uint32_t id = rd32(data + pos);
    uint64_t len = rd64(data + pos + 4);
    pos += 12;
    if (len > size - pos) fail(name, std::string("truncated ") + what + " file: section " + std::to_string(id) + " declares " + std::to_string(len) + " bytes, " + std::to_string(size - pos) + " remain");
    if (id < f.sections.size() && !f.sections[id].present) f.sections[id] = Section{pos, len, true};
    pos += len;
  }
  return f;
}

const Section &need(const BinFile &f, uint32_t id, const std::string &name, const char *what) {
  if (id >= f.sections.size() || !f.sections[id].present) fail(name, std::string(what) + " section " + std::to_string(id) + " is missing");
  return f.sections[id];
}

G1::Aff readG1(const uint8_t *p) {
  G1::Aff a;
  memcpy(&a, p, 64);
  return a;
}
G2::Aff readG2(const uint8_t *p) {
  G2::Aff a;
  memcpy(&a, p, 128);
  return a;
}

Fq::E g1b() { return Fq::fromU64(3); }
Fq2::E g2b() {
  // 3 / (9 + u)
  Fq2::E nine_u{Fq::fromU64(9), Fq::fromU64(1)};
  Fq2::E three{Fq::fromU64(3), Fq::zero()};
  Fq2::E r;
  Fq2::mul(r, three, Fq2::inv(nine_u));
  return r;
}

bool canonicalFq(const Fq::E &m) { return Fq::isCanonical(m); }

void checkG1(const G1::Aff &p, const std::string &name, const char *what) {
  if (!canonicalFq(p.x) || !canonicalFq(p.y) || !G1::onCurve(p, g1b())) fail(name, std::string(what) + " is not a point of BN254's G1: the proving key is corrupt");
}
void checkG2(const G2::Aff &p, const std::string &name, const char *what) {
  if (!canonicalFq(p.x.a) || !canonicalFq(p.x.b) || !canonicalFq(p.y.a) || !canonicalFq(p.y.b) || !G2::onCurve(p, g2b()))
    fail(name, std::string(what) + " is not a point of BN254's G2: the proving key is corrupt");
}

double msSince(std::chrono::steady_clock::time_point t) { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count(); }

}  // namespace

void parseZkey(Zkey &z) {
  const std::string &name = z.name;
  BinFile f = readBinFile(z.data, z.size, name, "zkey", ".zkey");
  const Section &s1 = need(f, 1, name, ".zkey header");
  if (s1.size < 4 || rd32(z.data + s1.offset) != 1) fail(name, "not a Groth16 proving key (protocol " + std::to_string(s1.size >= 4 ? rd32(z.data + s1.offset) : 0) + ")");
  const Section &s2 = need(f, 2, name, "Groth16 header");
  const uint8_t *h = z.data + s2.offset;
  const size_t expectH = 4 + 32 + 4 + 32 + 12 + 64 * 3 + 128 * 3;
  if (s2.size < 4 || rd32(h) != 32) fail(name, "unsupported curve (base field of " + std::to_string(s2.size >= 4 ? rd32(h) : 0) + " bytes; only BN254 is supported)");
  if (s2.size != expectH) fail(name, "Groth16 header has " + std::to_string(s2.size) + " bytes, expected " + std::to_string(expectH));
  if (memcmp(h + 4, BN254_Q, 32) != 0) fail(name, "unsupported curve (only BN254/bn128 is supported)");
  if (rd32(h + 36) != 32 || memcmp(h + 40, BN254_R, 32) != 0) fail(name, "unsupported scalar field (only BN254/bn128 is supported)");
  z.nVars = rd32(h + 72);
  z.nPublic = rd32(h + 76);
  z.domainSize = rd32(h + 80);
  if (z.domainSize == 0 || (z.domainSize & (z.domainSize - 1)) != 0 || z.domainSize > (1u << 27))
    fail(name, "invalid domain size " + std::to_string(z.domainSize));
  z.power = 0;
  while ((1u << z.power) < z.domainSize) z.power++;
  if (z.nPublic + 1 > z.nVars) fail(name, "invalid header: " + std::to_string(z.nPublic) + " public signals for " + std::to_string(z.nVars) + " variables");
  const uint8_t *p = h + 84;
  z.alpha1 = readG1(p);
  z.beta1 = readG1(p + 64);
  z.beta2 = readG2(p + 128);
  z.gamma2 = readG2(p + 256);
  z.delta1 = readG1(p + 384);
  z.delta2 = readG2(p + 448);
  checkG1(z.alpha1, name, "alpha1");
  checkG1(z.beta1, name, "beta1");
  checkG1(z.delta1, name, "delta1");
  checkG2(z.beta2, name, "beta2");
  checkG2(z.gamma2, name, "gamma2");
  checkG2(z.delta2, name, "delta2");

  auto sized = [&](uint32_t id, const char *what, uint64_t expect) -> const uint8_t * {
    const Section &s = need(f, id, name, what);
    if (s.size != expect) fail(name, std::string(what) + " section has " + std::to_string(s.size) + " bytes, expected " + std::to_string(expect) + " for " + std::to_string(z.nVars) + " variables and a domain of " + std::to_string(z.domainSize));
    return z.data + s.offset;
  };
  z.IC = (const G1::Aff *)sized(3, "IC", (uint64_t)(z.nPublic + 1) * 64);
  const Section &s4 = need(f, 4, name, "coefficients");
  if (s4.size < 4) fail(name, "coefficients section is truncated");
  z.nCoefs = rd32(z.data + s4.offset);
  if (s4.size != 4 + (uint64_t)z.nCoefs * 44) fail(name, "coefficients section has " + std::to_string(s4.size) + " bytes for " + std::to_string(z.nCoefs) + " coefficients");
  z.coefs = z.data + s4.offset + 4;
  z.A = (const G1::Aff *)sized(5, "A points", (uint64_t)z.nVars * 64);
  z.B1 = (const G1::Aff *)sized(6, "B1 points", (uint64_t)z.nVars * 64);
  z.B2 = (const G2::Aff *)sized(7, "B2 points", (uint64_t)z.nVars * 128);
  z.C = (const G1::Aff *)sized(8, "C points", (uint64_t)(z.nVars - z.nPublic - 1) * 64);
  z.H = (const G1::Aff *)sized(9, "H points", (uint64_t)z.domainSize * 64);
  // bounds of every coefficient (a corrupt key must not make us read or write out of range)
  for (uint32_t i = 0; i < z.nCoefs; i++) {
    const uint8_t *c = z.coefs + (size_t)i * 44;
    uint32_t m = rd32(c), ci = rd32(c + 4), si = rd32(c + 8);
    if (m > 1 || ci >= z.domainSize || si >= z.nVars) fail(name, "coefficient " + std::to_string(i) + " is out of range: the proving key is corrupt");
  }
}

void parseWtns(const uint8_t *data, size_t size, const std::string &name, Witness &w) {
  BinFile f = readBinFile(data, size, name, "wtns", ".wtns witness");
  const Section &s1 = need(f, 1, name, "witness header");
  if (s1.size < 4) fail(name, "truncated witness header");
  const uint8_t *h = data + s1.offset;
  uint32_t n8 = rd32(h);
  if (n8 != 32 || s1.size < 4 + 32 + 4) fail(name, "witness over an unsupported field (" + std::to_string(n8) + "-byte elements; BN254 expected)");
  if (memcmp(h + 4, BN254_R, 32) != 0) fail(name, "witness over another prime field than BN254's scalar field");
  uint32_t n = rd32(h + 36);
  const Section &s2 = need(f, 2, name, "witness values");
  if (s2.size != (uint64_t)n * 32)
    fail(name, "truncated witness: the header announces " + std::to_string(n) + " values (" + std::to_string((uint64_t)n * 32) + " bytes), the file holds " + std::to_string(s2.size) + " bytes");
  w.name = name;
  w.values.resize(n);
  memcpy(w.values.data(), data + s2.offset, (size_t)n * 32);
  for (uint32_t i = 0; i < n; i++) {
    Fr::E e;
    memcpy(e.v, w.values[i].v, 32);
    if (!Fr::isCanonical(e)) fail(name, "witness value " + std::to_string(i) + " is not a field element (≥ the field's modulus)");
  }
  if (n > 0 && !(w.values[0].v[0] == 1 && w.values[0].v[1] == 0 && w.values[0].v[2] == 0 && w.values[0].v[3] == 0))
    fail(name, "witness value 0 must be 1 (the constant signal): not a circom witness");
}

static void randomScalar(uint64_t out[4]) {
  std::random_device rd;
  for (int i = 0; i < 4; i++) out[i] = ((uint64_t)rd() << 32) ^ (uint64_t)rd();
  out[3] &= 0x0fffffffffffffffULL;  // < 2^252 < r
}

Proof prove(const Zkey &z, const Witness &w, int threads, ProofScratch &scratch) {
  if (w.values.size() != z.nVars)
    throw InputError(w.name + ": the witness has " + std::to_string(w.values.size()) + " values but the proving key " + z.name + " expects " + std::to_string(z.nVars) +
                     ": the zkey does not match the circuit of the witness");
  Proof proof;
  const auto t0 = std::chrono::steady_clock::now();
  const uint32_t n = z.domainSize;

  // Witness values 0 and 1 (most of ours: range-check bits) need no scalar multiplication.
  auto &ones = scratch.ones, &bigIdx = scratch.bigIdx, &onesC = scratch.onesC, &bigIdxC = scratch.bigIdxC;
  auto &big = scratch.big, &bigC = scratch.bigC;
  for (auto *v : {&ones, &bigIdx, &onesC, &bigIdxC}) v->clear();
  big.clear();
  bigC.clear();
  const uint32_t firstPrivate = z.nPublic + 1;
  for (uint32_t i = 0; i < z.nVars; i++) {
    const Scalar &s = w.values[i];
    bool hiZero = (s.v[1] | s.v[2] | s.v[3]) == 0;
    if (hiZero && s.v[0] == 0) continue;
    if (hiZero && s.v[0] == 1) {
      ones.push_back(i);
      if (i >= firstPrivate) onesC.push_back(i - firstPrivate);
    } else {
      bigIdx.push_back(i);
      big.push_back(s);
      if (i >= firstPrivate) {
        bigIdxC.push_back(i - firstPrivate);
        bigC.push_back(s);
      }
    }
  }
  const bool verbose = getenv("MP_VERBOSE") != nullptr;
  if (verbose) fprintf(stderr, "  witness: %zu zero, %zu one, %zu other of %u\n", (size_t)z.nVars - ones.size() - big.size(), ones.size(), big.size(), z.nVars);

  // Two streams share the threads. The H stream is a chain — the QAP on the domain, its FFTs, H's scalars —
  // on one thread; the A, B1, C and B2 multi-exponentiations need only the witness, so the other threads take
  // their windows meanwhile; then every thread takes what is left, H's windows last. (Run one after the other,
  // with each step on both cores, the FFTs' and the QAP's poor scaling left a core idle for a fifth of a proof.)
  MsmPlan<Fq> planA(z.A, bigIdx.data(), big.data(), big.size());
  MsmPlan<Fq> planB1(z.B1, bigIdx.data(), big.data(), big.size());
  MsmPlan<Fq> planC(z.C, bigIdxC.data(), bigC.data(), bigC.size());
  MsmPlan<Fq2> planB2(z.B2, bigIdx.data(), big.data(), big.size());
  MsmPlan<Fq> planH;
  // the public inputs' point of the verification equation (vk_x, for the check of the proof) needs only the
  // witness too: its windows run among the others instead of after the proof
  MsmPlan<Fq> planVk(z.IC + 1, nullptr, w.values.data() + 1, z.nPublic);
  G1::Jac sumOnesA = G1::inf(), sumOnesB1 = G1::inf(), sumOnesC = G1::inf();
  G2::Jac sumOnesB2 = G2::inf();
  std::vector<std::function<void()>> tasks;
  for (int k = 0; k < planA.windows(); k++) tasks.push_back([&, k] { planA.runWindow(k); });
  for (int k = 0; k < planB1.windows(); k++) tasks.push_back([&, k] { planB1.runWindow(k); });
  for (int k = 0; k < planC.windows(); k++) tasks.push_back([&, k] { planC.runWindow(k); });
  for (int k = 0; k < planB2.windows(); k++) tasks.push_back([&, k] { planB2.runWindow(k); });
  for (int k = 0; k < planVk.windows(); k++) tasks.push_back([&, k] { planVk.runWindow(k); });
  tasks.push_back([&] { sumOnesA = sumPoints<Fq>(z.A, ones.data(), ones.size()); });
  tasks.push_back([&] { sumOnesB1 = sumPoints<Fq>(z.B1, ones.data(), ones.size()); });
  tasks.push_back([&] { sumOnesC = sumPoints<Fq>(z.C, onesC.data(), onesC.size()); });
  tasks.push_back([&] { sumOnesB2 = sumPoints<Fq2>(z.B2, ones.data(), ones.size()); });
  std::promise<void> hReady;
  std::shared_future<void> hReadyF = hReady.get_future().share();
  for (int k = 0; k < MsmPlan<Fq>::windowsFor(n); k++) {
    tasks.push_back([&, k] {
      hReadyF.get();  // rethrows the H stream's error
      planH.runWindow(k);
    });
  }

  // the H stream stays on its thread (no threads of its own: the threaded WebAssembly build has a fixed pool)
  std::vector<Scalar> &hs = scratch.hs;
  hs.resize(n);
  auto hStream = [&] {
    try {
      std::vector<Fr::E> &a = scratch.a, &b = scratch.b, &c = scratch.c;
      a.assign(n, Fr::zero());
      b.assign(n, Fr::zero());
      c.resize(n);
      // one pass over the coefficients (A's and B's are interleaved in the section); they are read once per
      // proof, and are half of a month's zkey: each chunk leaves the resident set once read (Zkey::dropPages)
      std::vector<Fr::E> *out[2] = {&a, &b};
      const uint32_t chunk = 1u << 14;
      for (uint32_t i = 0; i < z.nCoefs; i++) {
        if (z.dropPages && i % chunk == 0 && i > 0) z.dropPages(z.coefs + (size_t)(i - chunk) * 44, (size_t)chunk * 44);
        const uint8_t *cf = z.coefs + (size_t)i * 44;
        uint32_t matrix = rd32(cf);
        if (matrix > 1) continue;
        uint32_t ci = rd32(cf + 4), si = rd32(cf + 8);
        const Scalar &ws = w.values[si];
        if ((ws.v[0] | ws.v[1] | ws.v[2] | ws.v[3]) == 0) continue;
        Fr::E coef, wv, t;
        memcpy(coef.v, cf + 12, 32);
        // stored coefficient = value·R² (normal form): its Montgomery product with the normal-form
        // witness value is value·w in Montgomery form
        if (ws.v[0] == 1 && (ws.v[1] | ws.v[2] | ws.v[3]) == 0) {
          wv = Fr::E{{1, 0, 0, 0}};
        } else {
          memcpy(wv.v, ws.v, 32);
        }
        Fr::mul(t, coef, wv);
        std::vector<Fr::E> &o = *out[matrix];
        Fr::add(o[ci], o[ci], t);
      }
      if (z.dropPages) z.dropPages(z.coefs, (size_t)z.nCoefs * 44);
      for (uint32_t i = 0; i < n; i++) Fr::mul(c[i], a[i], b[i]);
      proof.msBuild = msSince(t0);
      const auto t1 = std::chrono::steady_clock::now();
      if (!scratch.domain || scratch.domain->power() != z.power) scratch.domain = std::make_unique<Domain>(z.power, 1);
      const Domain &d = *scratch.domain;
      d.toOddCoset(a);
      d.toOddCoset(b);
      d.toOddCoset(c);
      for (uint32_t i = 0; i < n; i++) {
        Fr::E t;
        Fr::mul(t, a[i], b[i]);
        Fr::sub(t, t, c[i]);
        t = Fr::fromMont(t);
        memcpy(hs[i].v, t.v, 32);
      }
      planH = MsmPlan<Fq>(z.H, nullptr, hs.data(), n);
      proof.msFft = msSince(t1);
      hReady.set_value();
    } catch (...) {
      hReady.set_exception(std::current_exception());
      throw;
    }
  };
  std::atomic<size_t> next{0};
  parallelFor(threads, threads, [&](int t) {
    if (t == 0) hStream();
    for (size_t k; (k = next.fetch_add(1)) < tasks.size();) tasks[k]();
  });
  G1::Jac pa = planA.combine(), pb1 = planB1.combine(), pcw = planC.combine(), ph = planH.combine();
  G2::Jac pb = planB2.combine();
  G1::add(pa, pa, sumOnesA);
  G1::add(pb1, pb1, sumOnesB1);
  G1::add(pcw, pcw, sumOnesC);
  G2::add(pb, pb, sumOnesB2);
  proof.msMsm = msSince(t0);
  if (verbose) fprintf(stderr, "  %zu tasks on %d threads; the H stream: QAP %.1f ms, FFTs %.1f ms\n", tasks.size(), threads, proof.msBuild, proof.msFft);

  uint64_t r[4], s[4];
  randomScalar(r);
  randomScalar(s);
  G1::Jac delta1 = G1::fromAff(z.delta1);
  G2::Jac delta2 = G2::fromAff(z.delta2);
  // π_A = A + α + r·δ1
  G1::addMixed(pa, pa, z.alpha1);
  G1::add(pa, pa, G1::mulScalar(delta1, r));
  // π_B = B2 + β2 + s·δ2 ; B1 likewise in G1
  G2::addMixed(pb, pb, z.beta2);
  G2::add(pb, pb, G2::mulScalar(delta2, s));
  G1::addMixed(pb1, pb1, z.beta1);
  G1::add(pb1, pb1, G1::mulScalar(delta1, s));
  // π_C = C + H + s·π_A + r·B1 − r·s·δ1
  G1::Jac pc = pcw;
  G1::add(pc, pc, ph);
  G1::add(pc, pc, G1::mulScalar(pa, s));
  G1::add(pc, pc, G1::mulScalar(pb1, r));
  {
    Fr::E rm, sm, rs;
    memcpy(rm.v, r, 32);
    memcpy(sm.v, s, 32);
    rm = Fr::toMont(rm);
    sm = Fr::toMont(sm);
    Fr::mul(rs, rm, sm);
    Fr::neg(rs, rs);
    rs = Fr::fromMont(rs);
    G1::add(pc, pc, G1::mulScalar(delta1, rs.v));
  }
  proof.a = G1::toAff(pa);
  proof.b = G2::toAff(pb);
  proof.c = G1::toAff(pc);
  for (uint32_t i = 1; i <= z.nPublic; i++) {
    Fr::E e;
    memcpy(e.v, w.values[i].v, 32);
    proof.publicSignals.push_back(Fr::toDecimal(Fr::toMont(e)));
  }
  auto t3 = std::chrono::steady_clock::now();
  G1::Jac vkx = planVk.combine();
  G1::addMixed(vkx, vkx, z.IC[0]);
  if (!check(z, proof, G1::toAff(vkx))) {
    throw InputError(w.name + ": the proof made with " + z.name +
                     " does not verify: the witness does not satisfy the constraints of the proving key's circuit (a wrong or stale witness, or a zkey of another circuit)");
  }
  proof.msCheck = msSince(t3);
  return proof;
}

bool check(const Zkey &z, const Proof &p, const G1::Aff &vkx) {
  G1::Aff ps[4] = {G1::negAff(p.a), vkx, p.c, z.alpha1};
  G2::Aff qs[4] = {p.b, z.gamma2, z.delta2, z.beta2};
  return pairingProductIsOne(ps, qs, 4);
}

static std::string dq(const Fq::E &m) { return "\"" + Fq::toDecimal(m) + "\""; }
static std::string g1json(const G1::Aff &p) {
  if (G1::isInf(p)) return "[\"0\",\"1\",\"0\"]";
  return "[" + dq(p.x) + "," + dq(p.y) + ",\"1\"]";
}
static std::string g2json(const G2::Aff &p) {
  if (G2::isInf(p)) return "[[\"0\",\"0\"],[\"1\",\"0\"],[\"0\",\"0\"]]";
  return "[[" + dq(p.x.a) + "," + dq(p.x.b) + "],[" + dq(p.y.a) + "," + dq(p.y.b) + "],[\"1\",\"0\"]]";
}

std::string proofJson(const Proof &p) {
  return "{\"pi_a\":" + g1json(p.a) + ",\"pi_b\":" + g2json(p.b) + ",\"pi_c\":" + g1json(p.c) + ",\"protocol\":\"groth16\",\"curve\":\"bn128\"}";
}

std::string publicJson(const Proof &p) {
  std::string s = "[";
  for (size_t i = 0; i < p.publicSignals.size(); i++) s += (i ? ",\"" : "\"") + p.publicSignals[i] + "\"";
  return s + "]";
}

std::string vkeyJson(const Zkey &z) {
  std::string s = "{\"protocol\":\"groth16\",\"curve\":\"bn128\",\"nPublic\":" + std::to_string(z.nPublic) + ",\"vk_alpha_1\":" + g1json(z.alpha1) +
                  ",\"vk_beta_2\":" + g2json(z.beta2) + ",\"vk_gamma_2\":" + g2json(z.gamma2) + ",\"vk_delta_2\":" + g2json(z.delta2) + ",\"IC\":[";
  for (uint32_t i = 0; i <= z.nPublic; i++) s += (i ? "," : "") + g1json(z.IC[i]);
  return s + "]}";
}

}  // namespace mp
