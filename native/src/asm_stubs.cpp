// ffiasm's assembly calls these on errors of its long-element paths, which the prover never uses.
#include <cstdlib>
extern "C" __attribute__((visibility("hidden"))) void Fq_fail() { abort(); }
extern "C" __attribute__((visibility("hidden"))) void Fr_fail() { abort(); }
