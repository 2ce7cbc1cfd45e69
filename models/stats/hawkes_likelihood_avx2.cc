// The AVX2+FMA instantiation of the pooled Hawkes log-likelihood (hawkes_likelihood_kernel.h).
// CMakeLists.txt compiles this file alone with -mavx2 -mfma (x86-64 only).
//
// Eigen is renamed here (the macro below, before any include): each Eigen template this file
// instantiates gets a name of its own. Under the usual name an out-of-line copy (a build that
// does not inline it, as the sanitizer build's -O1) would share its name with the baseline
// file's copy, and the linker could hand the AVX2 one to every caller, on a CPU without AVX2
// too. The test build.avx2_kernel_is_sealed (tests/CMakeLists.txt) checks with nm that this
// object defines no global symbol outside the renamed Eigen and the kernel itself.
#define Eigen casewatch_avx2_eigen

#include "models/stats/hawkes_likelihood_kernel.h"

namespace casewatch::hawkes_kernel {

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
double pooledLogLikelihoodAvx2(const Arrays& a, const HawkesParams& p) {
  return pooledLogLikelihood<1>(a, p);
}
#endif

}  // namespace casewatch::hawkes_kernel
