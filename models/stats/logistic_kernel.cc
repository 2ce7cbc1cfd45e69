// The baseline instantiation of the logistic fit's matrix products (logistic_kernel.h).
#include "models/stats/logistic_kernel.h"

namespace casewatch::logistic_kernel {

void weightedGramBaseline(const double* x, Index n, Index cols, const double* w, double* scratch,
                          double* gram) {
  weightedGram<0>(x, n, cols, w, scratch, gram);
}
void transposeTimesBaseline(const double* x, Index n, Index cols, const double* v, double* out) {
  transposeTimes<0>(x, n, cols, v, out);
}
void timesBaseline(const double* x, Index n, Index cols, const double* b, double* out) {
  times<0>(x, n, cols, b, out);
}

}  // namespace casewatch::logistic_kernel
