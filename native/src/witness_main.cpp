// Driver of circom's C++ witness generator (circom --c output: circuit.cpp, calcwit.cpp, fr.cpp [+ fr.asm]),
// replacing circom's main.cpp (which needs nlohmann/json). A long-lived process: it reads the circuit's .dat
// once, then answers requests on stdin until stdin closes —
//     wtns <output path>
//     <qualified signal name> <n> <v1> … <vn>        (decimal, already reduced modulo the field; one line each)
//     end
// — by writing the .wtns file (snarkjs's format, version 2) and one line on stdout: `ok`, or `error <why>` for a
// bad input (the process goes on); anything circom's code prints goes to stderr. Circom's own asserts (an
// unsatisfied constraint) abort the process, which is why it runs as a child process and never inside the
// addon's host; the caller starts a new one.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "calcwit.hpp"
#include "circom.hpp"

namespace {

struct Reader {
  const uint8_t *p, *end;
  template <class T>
  void read(T *out, size_t n) {
    size_t bytes = n * sizeof(T);
    if ((size_t)(end - p) < bytes) throw std::runtime_error("circuit.dat is truncated");
    memcpy((void *)out, p, bytes);
    p += bytes;
  }
  uint32_t u32() {
    uint32_t v;
    read(&v, 1);
    return v;
  }
};

IOFieldDefPair readFieldDefs(Reader &r) {
  IOFieldDefPair pair;
  pair.len = r.u32();
  pair.defs = (IOFieldDef *)calloc(pair.len ? pair.len : 1, sizeof(IOFieldDef));
  for (u32 j = 0; j < pair.len; j++) {
    IOFieldDef &d = pair.defs[j];
    d.offset = r.u32();
    d.len = r.u32();
    d.lengths = new u32[d.len ? d.len : 1];
    r.read(d.lengths, d.len);
    d.size = r.u32();
    d.busId = r.u32();
  }
  return pair;
}

Circom_Circuit *loadDat(const std::string &path) {
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) throw std::runtime_error(path + ": cannot open");
  struct stat st;
  fstat(fd, &st);
  void *m = mmap(nullptr, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (m == MAP_FAILED) throw std::runtime_error(path + ": cannot map");
  Reader r{(const uint8_t *)m, (const uint8_t *)m + st.st_size};
  Circom_Circuit *c = new Circom_Circuit;
  c->InputHashMap = new HashSignalInfo[get_size_of_input_hashmap()];
  r.read(c->InputHashMap, get_size_of_input_hashmap());
  c->witness2SignalList = new u64[get_size_of_witness()];
  r.read(c->witness2SignalList, get_size_of_witness());
  c->circuitConstants = new FrElement[get_size_of_constants() ? get_size_of_constants() : 1];
  r.read(c->circuitConstants, get_size_of_constants());
  c->busInsId2FieldInfo = nullptr;
  if (get_size_of_io_map() > 0) {
    std::vector<u32> index(get_size_of_io_map());
    r.read(index.data(), index.size());
    for (size_t i = 0; i < index.size(); i++) c->templateInsId2IOSignalInfo[index[i]] = readFieldDefs(r);
    c->busInsId2FieldInfo = (IOFieldDefPair *)calloc(get_size_of_bus_field_map() ? get_size_of_bus_field_map() : 1, sizeof(IOFieldDefPair));
    for (uint i = 0; i < get_size_of_bus_field_map(); i++) c->busInsId2FieldInfo[i] = readFieldDefs(r);
  }
  munmap(m, st.st_size);
  return c;
}

const HashSignalInfo *findInput(Circom_Circuit *c, u64 h) {
  uint n = get_size_of_input_hashmap();
  for (uint k = 0, pos = (uint)(h % n); k < n; k++, pos = (pos + 1) % n) {
    if (c->InputHashMap[pos].hash == h) return &c->InputHashMap[pos];
    if (c->InputHashMap[pos].signalid == 0 && c->InputHashMap[pos].hash == 0) return nullptr;
  }
  return nullptr;
}

// all of it, or false
bool writeAll(int fd, const void *data, size_t n) {
  for (const uint8_t *p = (const uint8_t *)data; n > 0;) {
    ssize_t w = write(fd, p, n);
    if (w <= 0) return false;
    p += w;
    n -= (size_t)w;
  }
  return true;
}

void writeFile(const std::string &path, const std::vector<uint8_t> &data) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + strerror(errno));
  bool written = writeAll(fd, data.data(), data.size());
  std::string why = written ? "" : strerror(errno);
  if (close(fd) != 0 && written) why = strerror(errno), written = false;
  if (!written) throw std::runtime_error("cannot write " + path + ": " + why);
}

// circom's Circom_CalcWit frees nothing (its destructor is empty); a request's context would otherwise stay
// allocated for the life of the process. The subcomponents' arrays are freed by the generated code as each
// subcomponent finishes; the main component's (index 0) are not.
void freeContext(Circom_CalcWit *ctx) {
  Circom_Component &main = ctx->componentMemory[0];
  delete[] main.subcomponents;
  delete[] main.subcomponentsParallel;
  delete[] main.outputIsSet;
  delete[] main.mutexes;
  delete[] main.cvs;
  delete[] main.sbct;
  delete[] ctx->componentMemory;
  delete[] ctx->signalValues;
  delete ctx;
}

// .wtns: magic, version 2, 2 sections; 1: n8, prime, count; 2: values (normal form, little-endian)
std::vector<uint8_t> wtnsBytes(Circom_CalcWit *ctx) {
  const uint32_t n8 = Fr_N64 * 8, nWit = get_size_of_witness();
  std::vector<uint8_t> out;
  auto put = [&](const void *d, size_t n) { out.insert(out.end(), (const uint8_t *)d, (const uint8_t *)d + n); };
  auto putU32 = [&](uint32_t v) { put(&v, 4); };
  auto putU64 = [&](uint64_t v) { put(&v, 8); };
  out.reserve(64 + (size_t)nWit * n8);
  put("wtns", 4);
  putU32(2);
  putU32(2);
  putU32(1);
  putU64(4 + n8 + 4);
  putU32(n8);
  put(Fr_q.longVal, n8);
  putU32(nWit);
  putU32(2);
  putU64((uint64_t)nWit * n8);
  for (uint32_t i = 0; i < nWit; i++) {
    FrElement v, nv;
    ctx->getWitness(i, &v);
    Fr_toLongNormal(&nv, &v);
    put(nv.longVal, n8);
  }
  return out;
}

// One request's inputs (the lines between `wtns` and `end`): sets them, which runs the circuit.
void setInputs(Circom_Circuit *circuit, Circom_CalcWit *ctx, std::istream &in) {
  std::string name, value;
  uint64_t count;
  while (in >> name >> count) {
    u64 h = fnv1a(name);
    const HashSignalInfo *info = findInput(circuit, h);
    if (!info) throw std::runtime_error("the circuit has no input signal \"" + name + "\"");
    if (count != info->signalsize)
      throw std::runtime_error("input signal \"" + name + "\" has " + std::to_string(count) + " values, the circuit expects " + std::to_string(info->signalsize));
    for (uint64_t i = 0; i < count; i++) {
      if (!(in >> value)) throw std::runtime_error("input signal \"" + name + "\" is truncated");
      for (char ch : value)
        if (ch < '0' || ch > '9') throw std::runtime_error("input signal \"" + name + "\": invalid value " + value);
      FrElement v;
      Fr_str2element(&v, value.c_str(), 10);
      ctx->setInputSignal(h, (uint)i, v);
    }
  }
  if (!in.eof()) throw std::runtime_error("malformed input line (expected: <signal name> <count> <values>)");
  if (ctx->getRemaingInputsToBeSet() != 0)
    throw std::runtime_error(std::to_string(ctx->getRemaingInputsToBeSet()) + " input signal value(s) missing");
}

// The answers' file descriptor: stdout as the process started. circom's generated code prints to stdout too (a
// failed assert's trace, the circuit's log() calls), so main() points fd 1 at stderr and keeps this for answers.
int replyFd = -1;

void reply(const std::string &line) {
  std::string l = line;
  for (char &ch : l)
    if (ch == '\n' || ch == '\r') ch = ' ';
  l += '\n';
  if (!writeAll(replyFd, l.data(), l.size())) exit(1);  // the caller is gone
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <circuit.dat>   (requests on stdin: wtns <path> / <signal> <n> <values> / end)\n", argv[0]);
    return 2;
  }
  Circom_Circuit *circuit;
  try {
    circuit = loadDat(argv[1]);
  } catch (const std::exception &e) {
    fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  replyFd = dup(1);
  if (replyFd < 0 || dup2(2, 1) < 0) {
    perror("dup");
    return 1;
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.rfind("wtns ", 0) != 0) {
      reply("error expected \"wtns <path>\", got \"" + line.substr(0, 40) + "\"");
      continue;
    }
    const std::string path = line.substr(5);
    std::string body;
    bool ended = false;
    while (std::getline(std::cin, line)) {
      if (line == "end") {
        ended = true;
        break;
      }
      body += line;
      body += '\n';
    }
    if (!ended) break;  // stdin closed mid-request: the caller is gone
    Circom_CalcWit *ctx = new Circom_CalcWit(circuit, 1);
    try {
      std::istringstream in(body);
      setInputs(circuit, ctx, in);
      writeFile(path, wtnsBytes(ctx));
      reply("ok");
    } catch (const std::exception &e) {
      reply(std::string("error ") + e.what());
    }
    freeContext(ctx);
  }
  return 0;
}
