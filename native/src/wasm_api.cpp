// The prover compiled to WebAssembly (emscripten): the same core as the addon, portable field code, with
// or without threads (native/build-wasm.mjs). mp_prove takes the .zkey and .wtns bytes and the number of
// threads (ignored by the single-threaded build) and returns a JSON string (caller frees it):
// {"proof":…,"publicSignals":[…],"vkey":…} or {"error":"…"}.
#include <emscripten/emscripten.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "groth16.hpp"

namespace {
std::string jsonString(const std::string &s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if ((unsigned char)c < 0x20) continue;
    o += c;
  }
  return o + "\"";
}
char *dup(const std::string &s) {
  char *p = (char *)malloc(s.size() + 1);
  memcpy(p, s.c_str(), s.size() + 1);
  return p;
}
}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void *mp_alloc(size_t n) { return malloc(n); }
EMSCRIPTEN_KEEPALIVE void mp_free(void *p) { free(p); }

EMSCRIPTEN_KEEPALIVE char *mp_prove(const uint8_t *zkey, size_t zkeyLen, const uint8_t *wtns, size_t wtnsLen, int threads) {
  try {
    mp::Zkey z;
    z.name = "the proving key";
    z.data = zkey;
    z.size = zkeyLen;
    mp::parseZkey(z);
    mp::Witness w = mp::parseWtns(wtns, wtnsLen, "the witness");
    // prove() checks the proof (one pairing check) before it returns it
    mp::Proof p = mp::prove(z, w, threads < 1 ? 1 : threads);
    return dup("{\"proof\":" + mp::proofJson(p) + ",\"publicSignals\":" + mp::publicJson(p) + ",\"vkey\":" + mp::vkeyJson(z) + "}");
  } catch (const std::exception &e) {
    return dup("{\"error\":" + jsonString(e.what()) + "}");
  }
}
}
