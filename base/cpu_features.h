// What the CPU the daemon runs on can do, for the few hot loops built twice (the baseline x86-64
// build and an AVX2+FMA one, chosen at run time: models/stats/hawkes_likelihood_kernel.h,
// models/stats/logistic_kernel.h).
#pragma once

namespace casewatch {

// True when this build has the AVX2 kernels (x86-64) and the CPU runs AVX2 and FMA.
bool cpuRunsAvx2Kernels();

}  // namespace casewatch
