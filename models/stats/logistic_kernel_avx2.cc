// The AVX2+FMA instantiation of the logistic fit's matrix products (logistic_kernel.h).
// CMakeLists.txt compiles this file alone with -mavx2 -mfma (x86-64 only). Eigen is renamed here,
// as in hawkes_likelihood_avx2.cc (which says why); build.avx2_kernel_is_sealed checks it.
#define Eigen casewatch_avx2_eigen

#include "models/stats/logistic_kernel.h"

namespace casewatch::logistic_kernel {

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
void weightedGramAvx2(const double* x, Index n, Index cols, const double* w, double* scratch,
                      double* gram) {
  weightedGram<1>(x, n, cols, w, scratch, gram);
}
void transposeTimesAvx2(const double* x, Index n, Index cols, const double* v, double* out) {
  transposeTimes<1>(x, n, cols, v, out);
}
void timesAvx2(const double* x, Index n, Index cols, const double* b, double* out) {
  times<1>(x, n, cols, b, out);
}
#endif

}  // namespace casewatch::logistic_kernel
