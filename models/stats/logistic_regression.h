// Logistic regression by iteratively reweighted least squares (Newton's method on the
// log-likelihood), with an optional L2 (ridge) penalty, standard errors, AUC and a calibration
// table. The statistics behind the escalation_risk model and the `casewatch fit escalation` tool.
//
// Model: P(y = 1 | x) = 1 / (1 + exp(−(b₀ + Σ b_j x_j))); an intercept b₀ is always added (the
// design matrix passed in holds the features only). The fit maximises
//   ℓ(b) = Σ [y_i η_i − log(1 + e^{η_i})] − (λ/2) Σ_{j≥1} b_j²      (η = b₀ + x·b)
// (the intercept is not penalised). Each Newton step solves H δ = g with
//   g = Xᵀ(y − p) − λ b̃,   H = Xᵀ W X + λ Ĩ,   W = diag(p (1 − p))
// (b̃, Ĩ: the penalty's vector and identity with the intercept's entry zeroed), halving the step
// while the objective does not increase. Convergence: the largest |δ_j| below `tolerance` (Newton
// converges quadratically, so the coefficients are then accurate to far below that). Standard
// errors: the square roots of the diagonal of H⁻¹ at the solution (for λ > 0 the inverse of the
// penalised Hessian, the usual approximate standard errors of a ridge fit). With λ = 0 the
// estimates and standard errors are those of R's glm(family = binomial).
//
// Errors instead of NaN (InvalidArgument / FailedPrecondition, naming the column where there is
// one): fewer rows than 2 × (features + 1), a label not 0/1, only one class, a non-finite value, a
// constant column, a single feature that separates the classes (min of x over y = 1 ≥ max over
// y = 0 or the reverse: the maximum-likelihood estimate does not exist, perfect or quasi-complete
// separation), and, for λ = 0, separation by a combination of features (fitted probabilities
// numerically 0 or 1: |η| > 30 at the end, or the coefficients still growing when the iterations
// run out); collinear features (the information matrix is singular); no convergence.
// Sources: P. McCullagh, J. A. Nelder, Generalized Linear Models (2nd ed., 1989), §4.4 (IRLS);
// A. Albert, J. A. Anderson, "On the existence of maximum likelihood estimates in logistic
// regression models", Biometrika 71 (1984) (separation); R's stats::glm.fit (the reference).
//
// Pure functions over Eigen matrices; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "absl/status/statusor.h"

namespace casewatch {

struct LogisticOptions {
  double l2 = 0;  // λ ≥ 0
  int max_iterations = 100;
  double tolerance = 1e-10;  // on the largest |Newton step|
  // The matrix products on AVX2 and FMA where the CPU has them (models/stats/logistic_kernel.h);
  // false: the baseline build always (tests compare the two).
  bool avx2 = true;
};

struct LogisticFit {
  Eigen::VectorXd coefficients;  // [0] = intercept, then one per feature column
  Eigen::VectorXd std_errors;    // same layout
  double log_likelihood = 0;     // unpenalised, at the solution
  int iterations = 0;
};

// Fits y (0/1, one per row of x) on the columns of x (rows × features, no intercept column).
// `names` (empty, or one per column) names the columns in error messages; unnamed columns are
// called "column <j>" (1-based).
absl::StatusOr<LogisticFit> fitLogistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                        const LogisticOptions& options = {},
                                        std::span<const std::string> names = {});

// The checks of one feature column made by fitLogistic (y holds 0/1 labels of both classes):
// InvalidArgument when it is constant, FailedPrecondition when (with l2 == 0) it alone separates
// the classes. `name` names the column in the message.
absl::Status checkLogisticColumn(const Eigen::Ref<const Eigen::VectorXd>& column,
                                 const Eigen::VectorXd& y, double l2, const std::string& name);

// P(y = 1) for each row of x under `coefficients` (intercept first).
Eigen::VectorXd predictLogistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& coefficients);

// The logistic function 1 / (1 + e^{−η}), stable for large |η|.
double logistic(double eta);

// The area under the ROC curve by ranks (Mann–Whitney U / (n₁ n₀)), ties counted one half (mid
// ranks). Nothing when one class is empty.
std::optional<double> rocAuc(std::span<const double> scores, std::span<const double> labels);

// A calibration table: the rows sorted by predicted probability and cut into `bins` groups of
// (as nearly as possible) equal size (deciles by default); per group the mean prediction and the
// observed rate. Groups that would be empty (fewer rows than bins) are left out.
struct CalibrationBin {
  size_t count = 0;
  double min_predicted = 0;
  double max_predicted = 0;
  double mean_predicted = 0;
  double observed_rate = 0;
};
std::vector<CalibrationBin> calibrationTable(std::span<const double> predicted,
                                             std::span<const double> labels, int bins = 10);

}  // namespace casewatch
