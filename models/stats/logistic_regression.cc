#include "models/stats/logistic_regression.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "base/cpu_features.h"
#include "base/str_cat.h"
#include "models/stats/logistic_kernel.h"

namespace casewatch {
namespace {

// |η| beyond this means a fitted probability within 1e-13 of 0 or 1 (R warns from 1e-8 on, its
// "fitted probabilities numerically 0 or 1 occurred").
constexpr double kSeparatedEta = 30;

std::string columnName(std::span<const std::string> names, Eigen::Index j) {
  if (static_cast<size_t>(j) < names.size()) return names[static_cast<size_t>(j)];
  return strCat("column ", j + 1);
}

// log(1 + e^η), stable.
double log1pExp(double eta) {
  return eta > 0 ? eta + std::log1p(std::exp(-eta)) : std::log1p(std::exp(eta));
}

double logLikelihood(const Eigen::VectorXd& eta, const Eigen::VectorXd& y) {
  double ll = 0;
  for (Eigen::Index i = 0; i < eta.size(); ++i) ll += y[i] * eta[i] - log1pExp(eta[i]);
  return ll;
}

double penalty(const Eigen::VectorXd& b, double l2) {
  return l2 == 0 ? 0 : 0.5 * l2 * b.tail(b.size() - 1).squaredNorm();
}

}  // namespace

absl::Status checkLogisticColumn(const Eigen::Ref<const Eigen::VectorXd>& column,
                                 const Eigen::VectorXd& y, double l2, const std::string& name) {
  double lo1 = INFINITY, hi1 = -INFINITY, lo0 = INFINITY, hi0 = -INFINITY;
  for (Eigen::Index i = 0; i < column.size(); ++i) {
    const double v = column[i];
    if (y[i] == 1) {
      lo1 = std::min(lo1, v), hi1 = std::max(hi1, v);
    } else {
      lo0 = std::min(lo0, v), hi0 = std::max(hi0, v);
    }
  }
  if (std::min(lo0, lo1) == std::max(hi0, hi1)) {
    return absl::InvalidArgumentError(strCat("logistic fit: ", name, " is constant (", lo0,
                                             "): it cannot be told apart from the intercept"));
  }
  if (l2 == 0 && (lo1 >= hi0 || lo0 >= hi1)) {
    return absl::FailedPreconditionError(
        strCat("logistic fit: ", name, " separates the classes (every y = 1 row has ", name,
               lo1 >= hi0 ? " >= " : " <= ", lo1 >= hi0 ? hi0 : lo0,
               " and every y = 0 row the reverse): perfect or quasi-complete separation, the "
               "maximum-likelihood estimate does not exist (use --l2 > 0 or drop the column)"));
  }
  return absl::OkStatus();
}

double logistic(double eta) {
  if (eta >= 0) return 1 / (1 + std::exp(-eta));
  const double e = std::exp(eta);
  return e / (1 + e);
}

absl::StatusOr<LogisticFit> fitLogistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                        const LogisticOptions& options,
                                        std::span<const std::string> names) {
  const Eigen::Index n = x.rows();
  const Eigen::Index p = x.cols();
  if (y.size() != n) {
    return absl::InvalidArgumentError(
        strCat("logistic fit: ", n, " rows but ", y.size(), " labels"));
  }
  if (!std::isfinite(options.l2) || options.l2 < 0) {
    return absl::InvalidArgumentError(strCat("logistic fit: l2 must be >= 0, got ", options.l2));
  }
  if (n < 2 * (p + 1)) {
    return absl::InvalidArgumentError(strCat("logistic fit: too few rows: ", n, " rows for ", p,
                                             " feature(s) and the intercept (need at least ",
                                             2 * (p + 1), ")"));
  }
  Eigen::Index positives = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (y[i] != 0 && y[i] != 1) {
      return absl::InvalidArgumentError(
          strCat("logistic fit: label of row ", i + 1, " is ", y[i], ", not 0 or 1"));
    }
    positives += y[i] == 1;
  }
  if (positives == 0 || positives == n) {
    return absl::InvalidArgumentError(strCat("logistic fit: every label is ",
                                             positives == 0 ? 0 : 1, ": both classes are needed"));
  }
  for (Eigen::Index j = 0; j < p; ++j) {
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!std::isfinite(x(i, j))) {
        return absl::InvalidArgumentError(
            strCat("logistic fit: ", columnName(names, j), " is not finite in row ", i + 1));
      }
    }
    if (absl::Status s = checkLogisticColumn(x.col(j), y, options.l2, columnName(names, j));
        !s.ok()) {
      return s;
    }
  }

  // Collinearity: the correlation matrix of the (centred, scaled) columns is singular. Checked up
  // front because a Cholesky factorisation of a numerically singular matrix may still "succeed".
  if (p > 1) {
    Eigen::MatrixXd z = x.rowwise() - x.colwise().mean();
    for (Eigen::Index j = 0; j < p; ++j) z.col(j) /= z.col(j).norm();
    Eigen::MatrixXd corr(p, p);
    corr.setZero();
    corr.selfadjointView<Eigen::Lower>().rankUpdate(z.transpose());
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(corr);
    if (eigen.info() == Eigen::Success && eigen.eigenvalues()[0] < 1e-10) {
      // The columns with the largest weight in the null direction.
      const Eigen::VectorXd v = eigen.eigenvectors().col(0).cwiseAbs();
      Eigen::Index a = 0, b = 0;
      v.maxCoeff(&a);
      double best = -1;
      for (Eigen::Index j = 0; j < p; ++j) {
        if (j != a && v[j] > best) best = v[j], b = j;
      }
      return absl::FailedPreconditionError(strCat(
          "logistic fit: the features are collinear (e.g. ", columnName(names, std::min(a, b)),
          " and ", columnName(names, std::max(a, b)),
          "): the information matrix is singular; drop a redundant column (e.g. one level of a "
          "one-hot group)"));
    }
  }

  // The design matrix with the intercept column first.
  Eigen::MatrixXd design(n, p + 1);
  design.col(0).setOnes();
  design.rightCols(p) = x;
  Eigen::VectorXd pen = Eigen::VectorXd::Constant(p + 1, options.l2);
  pen[0] = 0;

  // The matrix products, on AVX2 where the CPU runs it (logistic_kernel.h).
  namespace lk = logistic_kernel;
#if defined(CASEWATCH_AVX2_KERNEL)
  const bool avx2 = options.avx2 && cpuRunsAvx2Kernels();
  const auto gram = avx2 ? lk::weightedGramAvx2 : lk::weightedGramBaseline;
  const auto transposeTimes = avx2 ? lk::transposeTimesAvx2 : lk::transposeTimesBaseline;
  const auto times = avx2 ? lk::timesAvx2 : lk::timesBaseline;
#else
  const auto gram = lk::weightedGramBaseline;
  const auto transposeTimes = lk::transposeTimesBaseline;
  const auto times = lk::timesBaseline;
#endif
  const Eigen::Index cols = p + 1;
  auto designTimes = [&](const Eigen::VectorXd& v) {
    Eigen::VectorXd out(n);
    times(design.data(), n, cols, v.data(), out.data());
    return out;
  };

  Eigen::VectorXd b = Eigen::VectorXd::Zero(p + 1);
  // Start from the intercept of the marginal rate: the first step is then already sensible.
  const double rate = static_cast<double>(positives) / static_cast<double>(n);
  b[0] = std::log(rate / (1 - rate));
  Eigen::VectorXd eta = designTimes(b);
  double objective = logLikelihood(eta, y) - penalty(b, options.l2);

  Eigen::VectorXd prob(n), w(n), residual(n), grad(p + 1);
  Eigen::MatrixXd weighted(n, p + 1), hessian(p + 1, p + 1);
  Eigen::LLT<Eigen::MatrixXd> llt;
  auto information = [&](const Eigen::VectorXd& e) -> bool {
    for (Eigen::Index i = 0; i < n; ++i) {
      prob[i] = logistic(e[i]);
      w[i] = prob[i] * (1 - prob[i]);
    }
    residual = y - prob;
    transposeTimes(design.data(), n, cols, residual.data(), grad.data());
    grad -= pen.cwiseProduct(b);
    gram(design.data(), n, cols, w.data(), weighted.data(), hessian.data());
    hessian.diagonal() += pen;  // only the lower triangle is filled: all that LLT reads
    llt.compute(hessian);
    return llt.info() == Eigen::Success;
  };

  bool converged = false;
  int iteration = 0;
  double previous_norm = INFINITY;
  int growing = 0;
  while (iteration < options.max_iterations) {
    ++iteration;
    if (!information(eta)) {
      if (options.l2 == 0 && eta.cwiseAbs().maxCoeff() > kSeparatedEta) break;  // separation
      return absl::FailedPreconditionError(
          "logistic fit: the features are collinear (the information matrix is singular): drop "
          "a redundant column (e.g. one level of a one-hot group)");
    }
    const Eigen::VectorXd step = llt.solve(grad);
    if (!step.allFinite()) break;
    // Step halving: Newton on a concave objective rarely needs it, but it keeps a poor start safe.
    double scale = 1;
    Eigen::VectorXd next = b + step;
    Eigen::VectorXd next_eta = designTimes(next);
    double next_objective = logLikelihood(next_eta, y) - penalty(next, options.l2);
    for (int halvings = 0;
         halvings < 30 && !(next_objective >= objective - 1e-12 * std::abs(objective));
         ++halvings) {
      scale /= 2;
      next = b + scale * step;
      next_eta = designTimes(next);
      next_objective = logLikelihood(next_eta, y) - penalty(next, options.l2);
    }
    const double moved = (scale * step).cwiseAbs().maxCoeff();
    b = std::move(next);
    eta = std::move(next_eta);
    objective = next_objective;
    if (moved < options.tolerance) {
      converged = true;
      break;
    }
    const double norm = b.cwiseAbs().maxCoeff();
    growing = norm > previous_norm ? growing + 1 : 0;
    previous_norm = norm;
  }

  if (options.l2 == 0) {
    Eigen::Index extreme = 0;
    for (Eigen::Index i = 0; i < n; ++i) extreme += std::abs(eta[i]) > kSeparatedEta;
    if (extreme > 0 || (!converged && growing >= 5)) {
      return absl::FailedPreconditionError(strCat(
          "logistic fit: perfect or quasi-complete separation by a combination of features: ",
          extreme,
          " row(s) have fitted probabilities numerically 0 or 1 and the coefficients "
          "diverge (the maximum-likelihood estimate does not exist; use --l2 > 0 or drop "
          "the separating columns)"));
    }
  }
  if (!converged || !b.allFinite()) {
    return absl::FailedPreconditionError(
        strCat("logistic fit: no convergence in ", options.max_iterations, " iterations"));
  }
  // Standard errors from the Hessian at the solution.
  if (!information(eta)) {
    return absl::FailedPreconditionError(
        "logistic fit: the information matrix is singular at the solution: no standard errors");
  }
  const Eigen::MatrixXd covariance = llt.solve(Eigen::MatrixXd::Identity(p + 1, p + 1));
  LogisticFit fit;
  fit.coefficients = b;
  fit.std_errors = covariance.diagonal().cwiseMax(0).cwiseSqrt();
  fit.log_likelihood = logLikelihood(eta, y);
  fit.iterations = iteration;
  if (!fit.std_errors.allFinite() || !std::isfinite(fit.log_likelihood)) {
    return absl::FailedPreconditionError("logistic fit: the solution is not finite");
  }
  return fit;
}

Eigen::VectorXd predictLogistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& coefficients) {
  Eigen::VectorXd eta = x * coefficients.tail(coefficients.size() - 1);
  eta.array() += coefficients[0];
  return eta.unaryExpr([](double e) { return logistic(e); });
}

std::optional<double> rocAuc(std::span<const double> scores, std::span<const double> labels) {
  const size_t n = std::min(scores.size(), labels.size());
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  double rank_sum = 0;  // of the positives, mid ranks for ties
  double positives = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && scores[order[j]] == scores[order[i]]) ++j;
    const double mid = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k) {
      if (labels[order[k]] == 1) {
        rank_sum += mid;
        positives += 1;
      }
    }
    i = j;
  }
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0) return std::nullopt;
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

std::vector<CalibrationBin> calibrationTable(std::span<const double> predicted,
                                             std::span<const double> labels, int bins) {
  const size_t n = std::min(predicted.size(), labels.size());
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return predicted[a] < predicted[b]; });
  std::vector<CalibrationBin> table;
  const size_t k = bins > 0 ? static_cast<size_t>(bins) : 1;
  for (size_t g = 0; g < k; ++g) {
    const size_t lo = g * n / k, hi = (g + 1) * n / k;
    if (hi <= lo) continue;
    CalibrationBin bin;
    bin.count = hi - lo;
    bin.min_predicted = predicted[order[lo]];
    bin.max_predicted = predicted[order[hi - 1]];
    double sp = 0, sy = 0;
    for (size_t i = lo; i < hi; ++i) {
      sp += predicted[order[i]];
      sy += labels[order[i]];
    }
    bin.mean_predicted = sp / static_cast<double>(bin.count);
    bin.observed_rate = sy / static_cast<double>(bin.count);
    table.push_back(bin);
  }
  return table;
}

}  // namespace casewatch
