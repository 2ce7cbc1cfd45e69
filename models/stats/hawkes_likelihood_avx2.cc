// The AVX2+FMA instantiation of the pooled Hawkes log-likelihood (hawkes_likelihood_kernel.h).
// CMakeLists.txt compiles this file alone with -mavx2 -mfma (x86-64 only).
//
// Everything Eigen instantiates here is inlined into the one function below (`flatten`): an
// out-of-line copy of an Eigen template would share its name with the baseline file's and the
// linker could hand the AVX2 one to a CPU without AVX2. The test build.avx2_kernel_is_sealed
// (tests/CMakeLists.txt) checks that this object defines no other symbol.
#include "models/stats/hawkes_likelihood_kernel.h"

namespace casewatch::hawkes_kernel {

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
__attribute__((flatten)) double pooledLogLikelihoodAvx2(const Arrays& a, const HawkesParams& p) {
  return pooledLogLikelihood<1>(a, p);
}
#endif

}  // namespace casewatch::hawkes_kernel
