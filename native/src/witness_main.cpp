// Driver of circom's C++ witness generator (circom --c output: circuit.cpp, calcwit.cpp, fr.cpp [+ fr.asm]),
// replacing circom's main.cpp (which needs nlohmann/json): reads the circuit's .dat, then the inputs from
// stdin in a line format the TypeScript side writes —
//     <qualified signal name> <n> <v1> … <vn>        (decimal, already reduced modulo the field)
// — runs the circuit and writes the .wtns file (snarkjs's format, version 2) to stdout.
// Exit 1 with one line on stderr for a bad input; circom's own asserts (an unsatisfied constraint) abort
// this process, which is why it runs as a child process and never inside the addon's host.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
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

void writeAll(const void *data, size_t n) {
  const uint8_t *p = (const uint8_t *)data;
  while (n > 0) {
    ssize_t w = write(1, p, n);
    if (w <= 0) throw std::runtime_error("cannot write the witness");
    p += w;
    n -= (size_t)w;
  }
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <circuit.dat> < inputs > witness.wtns\n", argv[0]);
    return 2;
  }
  try {
    Circom_Circuit *circuit = loadDat(argv[1]);
    Circom_CalcWit *ctx = new Circom_CalcWit(circuit, 1);
    std::ios::sync_with_stdio(false);
    std::string name;
    uint64_t count;
    std::string value;
    std::vector<std::pair<std::string, std::vector<FrElement>>> inputs;
    while (std::cin >> name >> count) {
      u64 h = fnv1a(name);
      const HashSignalInfo *info = findInput(circuit, h);
      if (!info) throw std::runtime_error("the circuit has no input signal \"" + name + "\"");
      if (count != info->signalsize)
        throw std::runtime_error("input signal \"" + name + "\" has " + std::to_string(count) + " values, the circuit expects " + std::to_string(info->signalsize));
      for (uint64_t i = 0; i < count; i++) {
        if (!(std::cin >> value)) throw std::runtime_error("input signal \"" + name + "\" is truncated");
        for (char ch : value)
          if (ch < '0' || ch > '9') throw std::runtime_error("input signal \"" + name + "\": invalid value " + value);
        FrElement v;
        Fr_str2element(&v, value.c_str(), 10);
        ctx->setInputSignal(h, (uint)i, v);
      }
    }
    if (ctx->getRemaingInputsToBeSet() != 0)
      throw std::runtime_error(std::to_string(ctx->getRemaingInputsToBeSet()) + " input signal value(s) missing");
    // .wtns: magic, version 2, 2 sections; 1: n8, prime, count; 2: values (normal form, little-endian)
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
    writeAll(out.data(), out.size());
  } catch (const std::exception &e) {
    fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
