#include "parallel.hpp"

#include <cstdlib>

namespace mp {
int defaultThreads() {
#if defined(MP_NO_THREADS)
  return 1;
#else
  if (const char *e = getenv("MP_THREADS")) {
    int t = atoi(e);
    if (t > 0) return t;
  }
  unsigned h = std::thread::hardware_concurrency();
  return h == 0 ? 1 : (int)h;
#endif
}
}  // namespace mp
