// Node addon: prove(zkeyPath, witness) → Promise<{ proof, publicSignals, vkey?, timings }> (JSON strings; the
// verification key only when asked: writing its points in decimal costs ms per proof); every proof is checked
// (pairing.hpp) before it is returned.
// The proof runs on a worker thread (the event loop stays free); every error is a rejected promise with a
// message naming the file, never an abort of the hosting process. Proving keys are mapped once and kept
// (re-mapped when the file changes: device, inode, size or mtime), a proof's buffers are kept for the next
// proof; releaseKeys() frees both.
#include <malloc.h>
#include <napi.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "groth16.hpp"
#include "mapfile.hpp"

#ifdef MP_ASM
extern "C" __attribute__((visibility("hidden"))) void Fq_fail() { abort(); }
extern "C" __attribute__((visibility("hidden"))) void Fr_fail() { abort(); }
#endif

namespace {

struct CachedKey {
  mp::MappedFile file;
  std::shared_ptr<mp::Zkey> zkey;
};

std::mutex cacheMutex;
std::map<std::string, CachedKey> cache;

std::shared_ptr<mp::Zkey> loadZkey(const std::string &path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw mp::InputError(path + ": cannot open (" + strerror(errno) + ")");
  std::lock_guard<std::mutex> lock(cacheMutex);
  auto it = cache.find(path);
  if (it != cache.end()) {
    const mp::MappedFile &f = it->second.file;
    if (f.dev == st.st_dev && f.ino == st.st_ino && f.size == (size_t)st.st_size && f.mtime.tv_sec == st.st_mtim.tv_sec && f.mtime.tv_nsec == st.st_mtim.tv_nsec)
      return it->second.zkey;
    cache.erase(it);
  }
  CachedKey k;
  k.file = mp::mapFile(path);
  auto z = std::make_shared<mp::Zkey>();
  z->name = path;
  z->data = k.file.data;
  z->size = k.file.size;
  z->owner = k.file.owner;
  z->dropPages = mp::dropMappedPages;
  mp::parseZkey(*z);
  k.zkey = z;
  cache[path] = k;
  return z;
}

// Each proof's buffers — its witness's values, mp::ProofScratch — are kept for the next one: one set per proof
// running at once.
struct Kept {
  mp::Witness witness;
  mp::ProofScratch scratch;
};
std::mutex keptMutex;
std::vector<std::unique_ptr<Kept>> idleKept;

struct KeptLease {
  std::unique_ptr<Kept> s;
  KeptLease() {
    std::lock_guard<std::mutex> lock(keptMutex);
    if (idleKept.empty()) {
      s = std::make_unique<Kept>();
    } else {
      s = std::move(idleKept.back());
      idleKept.pop_back();
    }
  }
  ~KeptLease() {
    std::lock_guard<std::mutex> lock(keptMutex);
    idleKept.push_back(std::move(s));
  }
};

class ProveWorker : public Napi::AsyncWorker {
 public:
  ProveWorker(Napi::Env env, std::string zkeyPath, std::string wtnsName, std::string wtnsPath, std::vector<uint8_t> wtnsBytes, int threads, bool withVkey)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), zkeyPath_(std::move(zkeyPath)), wtnsName_(std::move(wtnsName)),
        wtnsPath_(std::move(wtnsPath)), wtnsBytes_(std::move(wtnsBytes)), threads_(threads), withVkey_(withVkey) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      auto z = loadZkey(zkeyPath_);
      KeptLease kept;
      mp::Witness &w = kept.s->witness;
      if (!wtnsPath_.empty()) {
        mp::MappedFile f = mp::mapFile(wtnsPath_);
        mp::parseWtns(f.data, f.size, wtnsName_, w);
      } else {
        mp::parseWtns(wtnsBytes_.data(), wtnsBytes_.size(), wtnsName_, w);
      }
      std::vector<uint8_t>().swap(wtnsBytes_);
      mp::Proof p = mp::prove(*z, w, threads_, kept.s->scratch);
      proof_ = mp::proofJson(p);
      public_ = mp::publicJson(p);
      if (withVkey_) vkey_ = mp::vkeyJson(*z);
      msBuild_ = p.msBuild;
      msFft_ = p.msFft;
      msMsm_ = p.msMsm;
      msCheck_ = p.msCheck;
    } catch (const std::bad_alloc &) {
      SetError("native prover: out of memory");
    } catch (const std::exception &e) {
      SetError(e.what());
    } catch (...) {
      SetError("native prover: unknown error");
    }
#ifdef __GLIBC__
    // what the proof freed goes back to the system now rather than staying in malloc's arenas, where the next
    // proof's peak would count it again beside the kept buffers (billing_31d in Node: 82 → 78 MB peak)
    malloc_trim(0);
#endif
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object r = Napi::Object::New(env);
    r.Set("proof", proof_);
    r.Set("publicSignals", public_);
    if (withVkey_) r.Set("vkey", vkey_);
    Napi::Object t = Napi::Object::New(env);
    t.Set("qapMs", msBuild_);
    t.Set("fftMs", msFft_);
    t.Set("msmMs", msMsm_);
    t.Set("checkMs", msCheck_);
    r.Set("timings", t);
    deferred_.Resolve(r);
  }
  void OnError(const Napi::Error &e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::string zkeyPath_, wtnsName_, wtnsPath_;
  std::vector<uint8_t> wtnsBytes_;
  int threads_;
  bool withVkey_;
  std::string proof_, public_, vkey_;
  double msBuild_ = 0, msFft_ = 0, msMsm_ = 0, msCheck_ = 0;
};

// prove(zkeyPath: string, witness: string (path) | Uint8Array, options?: { threads?: number, witnessName?: string, vkey?: boolean })
Napi::Value Prove(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString()) {
    Napi::TypeError::New(env, "prove(zkeyPath, witnessPathOrBytes[, options])").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string zkey = info[0].As<Napi::String>();
  int threads = mp::defaultThreads();
  std::string name;  // the witness in messages: its path when it is a file, unless named
  bool withVkey = false;
  if (info.Length() > 2 && info[2].IsObject()) {
    Napi::Object o = info[2].As<Napi::Object>();
    if (o.Has("threads") && o.Get("threads").IsNumber()) threads = std::max(1, o.Get("threads").As<Napi::Number>().Int32Value());
    if (o.Has("witnessName") && o.Get("witnessName").IsString()) name = o.Get("witnessName").As<Napi::String>();
    if (o.Has("vkey")) withVkey = o.Get("vkey").ToBoolean();
  }
  ProveWorker *w;
  if (info[1].IsString()) {
    std::string path = info[1].As<Napi::String>();
    w = new ProveWorker(env, zkey, name.empty() ? path : name, path, {}, threads, withVkey);
  } else if (info[1].IsTypedArray()) {
    Napi::Uint8Array a = info[1].As<Napi::Uint8Array>();
    std::vector<uint8_t> bytes(a.Data(), a.Data() + a.ByteLength());
    w = new ProveWorker(env, zkey, name.empty() ? "witness" : name, "", std::move(bytes), threads, withVkey);
  } else {
    Napi::TypeError::New(env, "the witness must be a file path or a Uint8Array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value Info(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Object r = Napi::Object::New(env);
  std::string field;
#ifdef MP_ASM
  field = "x86-64 assembly (ffiasm)";
#else
  field = "portable C++";
#endif
#ifdef MP_IFMA
  field += ", MSM additions eight lanes wide (AVX-512 IFMA)";
#endif
#ifdef MP_GMP
  field += ", GMP inversion";
#endif
  r.Set("field", field);
  r.Set("threads", mp::defaultThreads());
  return r;
}

void ReleaseKeys(const Napi::CallbackInfo &) {
  {
    std::lock_guard<std::mutex> lock(cacheMutex);
    cache.clear();
  }
  std::lock_guard<std::mutex> lock(keptMutex);
  idleKept.clear();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("prove", Napi::Function::New(env, Prove));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("releaseKeys", Napi::Function::New(env, ReleaseKeys));
  return exports;
}

}  // namespace

NODE_API_MODULE(meterproof_native, Init)
