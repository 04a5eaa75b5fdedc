// Minimal fork/join helpers: the prover's parallel sections are few and coarse (MSM windows, FFT halves),
// so plain std::thread per section costs microseconds and needs no pool. MP_THREADS=0 builds (the
// single-threaded WebAssembly) run everything inline.
#pragma once
#include <cstddef>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace mp {

int defaultThreads();

/** Runs f(0) … f(n-1), on up to `threads` threads; rethrows the first exception. */
inline void parallelFor(int n, int threads, const std::function<void(int)> &f) {
#if defined(MP_NO_THREADS)
  (void)threads;
  for (int i = 0; i < n; i++) f(i);
#else
  if (threads <= 1 || n <= 1) {
    for (int i = 0; i < n; i++) f(i);
    return;
  }
  int t = threads < n ? threads : n;
  std::vector<std::thread> ts;
  std::vector<std::exception_ptr> errs(t);
  for (int k = 1; k < t; k++) {
    ts.emplace_back([&, k] {
      try {
        for (int i = k; i < n; i += t) f(i);
      } catch (...) {
        errs[k] = std::current_exception();
      }
    });
  }
  try {
    for (int i = 0; i < n; i += t) f(i);
  } catch (...) {
    errs[0] = std::current_exception();
  }
  for (auto &th : ts) th.join();
  for (auto &e : errs)
    if (e) std::rethrow_exception(e);
#endif
}

}  // namespace mp
