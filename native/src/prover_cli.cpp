// meterproof-prove <circuit.zkey> <witness.wtns> <proof.json> <public.json> [threads]
// The native prover as a command (benchmarks, debugging); exit 1 with a one-line reason on bad input.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "groth16.hpp"
#include "mapfile.hpp"

#ifdef MP_COUNT
namespace mp {
unsigned long long mulCount[2];
}
#endif

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s <circuit.zkey> <witness.wtns> <proof.json> <public.json> [threads]\n", argv[0]);
    return 2;
  }
  try {
    auto t0 = std::chrono::steady_clock::now();
    int threads = argc > 5 ? atoi(argv[5]) : mp::defaultThreads();
    mp::MappedFile zf = mp::mapFile(argv[1]);
    mp::Zkey z;
    z.name = argv[1];
    z.data = zf.data;
    z.size = zf.size;
    z.owner = zf.owner;
    z.dropPages = mp::dropMappedPages;
    mp::parseZkey(z);
    mp::MappedFile wf = mp::mapFile(argv[2]);
    mp::Witness w = mp::parseWtns(wf.data, wf.size, argv[2]);
    mp::Proof p = mp::prove(z, w, threads);
    std::ofstream(argv[3]) << mp::proofJson(p);
    std::ofstream(argv[4]) << mp::publicJson(p);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
#ifdef MP_COUNT
    fprintf(stderr, "Fq mul/sq: %.2f M, Fr: %.2f M\n", mp::mulCount[0] / 1e6, mp::mulCount[1] / 1e6);
#endif
    if (getenv("MP_VERBOSE")) fprintf(stderr, "abc %.1f ms, fft %.1f ms, msm %.1f ms, check %.1f ms, total %.1f ms\n", p.msBuild, p.msFft, p.msMsm, p.msCheck, ms);
  } catch (const std::exception &e) {
    fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
