#include "base/cpu_features.h"

namespace casewatch {

bool cpuRunsAvx2Kernels() {
#if defined(CASEWATCH_AVX2_KERNEL) && defined(__x86_64__)
  static const bool kRuns = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return kRuns;
#else
  return false;
#endif
}

}  // namespace casewatch
