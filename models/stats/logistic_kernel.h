// The matrix products of the logistic fit's Newton steps (models/stats/logistic_regression.cc)
// over the design matrix, as templates that two translation units instantiate: logistic_kernel.cc
// with the build's baseline instructions (SSE2 on x86-64) and logistic_kernel_avx2.cc with AVX2
// and FMA, chosen at run time (base/cpu_features.h). The template argument only keeps the two
// instantiations' names apart.
//
// Why: the weighted Gram matrix Xᵀ W X (Eigen's rank update) and the products X b and Xᵀ r are
// most of a fit (perf of Escalation/Fit100kx20: the GEMM kernel and its packing 29 %, the two
// matrix-vector products 16 %), and Eigen picks its packet width when it is compiled.
//
// The design matrix is n × cols, column-major (Eigen's default). Not thread-safe (writes what it
// is given).
#pragma once

#include <Eigen/Dense>

namespace casewatch::logistic_kernel {

using Index = Eigen::Index;

// The lower triangle of Xᵀ diag(w) X into `gram` (cols × cols; the upper triangle is left as it
// was set: zero here). `scratch`: n × cols doubles.
template <int kIsa>
void weightedGram(const double* x, Index n, Index cols, const double* w, double* scratch,
                  double* gram) {
  using ConstMatrix = Eigen::Map<const Eigen::MatrixXd>;
  using Matrix = Eigen::Map<Eigen::MatrixXd>;
  Matrix weighted(scratch, n, cols);
  weighted =
      ConstMatrix(x, n, cols).array().colwise() * Eigen::Map<const Eigen::ArrayXd>(w, n).sqrt();
  Matrix g(gram, cols, cols);
  g.setZero();
  g.selfadjointView<Eigen::Lower>().rankUpdate(weighted.transpose());
}

// out (cols) = Xᵀ v (v: n).
template <int kIsa>
void transposeTimes(const double* x, Index n, Index cols, const double* v, double* out) {
  Eigen::Map<Eigen::VectorXd>(out, cols).noalias() =
      Eigen::Map<const Eigen::MatrixXd>(x, n, cols).transpose() *
      Eigen::Map<const Eigen::VectorXd>(v, n);
}

// out (n) = X b (b: cols).
template <int kIsa>
void times(const double* x, Index n, Index cols, const double* b, double* out) {
  Eigen::Map<Eigen::VectorXd>(out, n).noalias() =
      Eigen::Map<const Eigen::MatrixXd>(x, n, cols) * Eigen::Map<const Eigen::VectorXd>(b, cols);
}

// The instantiations: logistic_kernel.cc (baseline) and logistic_kernel_avx2.cc (call those only
// when cpuRunsAvx2Kernels()).
void weightedGramBaseline(const double* x, Index n, Index cols, const double* w, double* scratch,
                          double* gram);
void transposeTimesBaseline(const double* x, Index n, Index cols, const double* v, double* out);
void timesBaseline(const double* x, Index n, Index cols, const double* b, double* out);
void weightedGramAvx2(const double* x, Index n, Index cols, const double* w, double* scratch,
                      double* gram);
void transposeTimesAvx2(const double* x, Index n, Index cols, const double* v, double* out);
void timesAvx2(const double* x, Index n, Index cols, const double* b, double* out);

}  // namespace casewatch::logistic_kernel
