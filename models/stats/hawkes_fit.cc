#include "models/stats/hawkes_fit.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "base/str_cat.h"
#include "models/stats/hawkes_likelihood.h"

namespace casewatch {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

using Point = std::array<double, 3>;  // ln μ, ln α, ln β

HawkesParams fromLog(const Point& x) {
  return HawkesParams{std::exp(x[0]), std::exp(x[1]), std::exp(x[2])};
}

// Nelder–Mead minimisation of f from x0 with initial steps `step`.
template <typename F>
Point nelderMead(F&& f, Point x0, double step, int max_evaluations, int& evaluations,
                 double& best) {
  std::array<Point, 4> simplex;
  std::array<double, 4> value;
  simplex[0] = x0;
  for (int i = 0; i < 3; ++i) {
    simplex[static_cast<size_t>(i + 1)] = x0;
    simplex[static_cast<size_t>(i + 1)][static_cast<size_t>(i)] += step;
  }
  for (size_t i = 0; i < 4; ++i) value[i] = f(simplex[i]), ++evaluations;
  const int limit = evaluations + max_evaluations;
  while (evaluations < limit) {
    std::array<size_t, 4> order = {0, 1, 2, 3};
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return value[a] < value[b]; });
    const size_t lo = order[0], hi = order[3], second = order[2];
    if (std::abs(value[hi] - value[lo]) <= 1e-12 * (std::abs(value[lo]) + 1e-12)) {
      double spread = 0;
      for (size_t k = 0; k < 3; ++k)
        spread = std::max(spread, std::abs(simplex[hi][k] - simplex[lo][k]));
      if (spread < 1e-9) break;
    }
    Point centroid{0, 0, 0};
    for (size_t i : {order[0], order[1], order[2]}) {
      for (size_t k = 0; k < 3; ++k) centroid[k] += simplex[i][k] / 3;
    }
    auto along = [&](double t) {
      Point p;
      for (size_t k = 0; k < 3; ++k) p[k] = centroid[k] + t * (simplex[hi][k] - centroid[k]);
      return p;
    };
    const Point reflected = along(-1);
    const double fr = f(reflected);
    ++evaluations;
    if (fr < value[lo]) {
      const Point expanded = along(-2);
      const double fe = f(expanded);
      ++evaluations;
      if (fe < fr) {
        simplex[hi] = expanded, value[hi] = fe;
      } else {
        simplex[hi] = reflected, value[hi] = fr;
      }
      continue;
    }
    if (fr < value[second]) {
      simplex[hi] = reflected, value[hi] = fr;
      continue;
    }
    const Point contracted = fr < value[hi] ? along(-0.5) : along(0.5);
    const double fc = f(contracted);
    ++evaluations;
    if (fc < std::min(fr, value[hi])) {
      simplex[hi] = contracted, value[hi] = fc;
      continue;
    }
    for (size_t i : {order[1], order[2], order[3]}) {  // shrink towards the best
      for (size_t k = 0; k < 3; ++k)
        simplex[i][k] = simplex[lo][k] + 0.5 * (simplex[i][k] - simplex[lo][k]);
      value[i] = f(simplex[i]);
      ++evaluations;
    }
  }
  size_t b = 0;
  for (size_t i = 1; i < 4; ++i) {
    if (value[i] < value[b]) b = i;
  }
  best = value[b];
  return simplex[b];
}

}  // namespace

double hawkesStreamLogLikelihood(const HawkesParams& p, std::span<const double> times, double end,
                                 std::span<const double> weights) {
  if (times.empty()) return 0;
  const bool weighted = weights.size() == times.size();
  auto w = [&](size_t i) { return weighted ? weights[i] : 1.0; };
  double ll = -p.mu * (end - times[0]);
  double a = 0;
  double total_weight = w(0);
  for (size_t i = 1; i < times.size(); ++i) {
    a = std::exp(-p.beta * (times[i] - times[i - 1])) * (w(i - 1) + a);
    const double lambda = p.mu + p.alpha * a;
    if (!(lambda > 0)) return kNegInf;
    ll += std::log(lambda);
    total_weight += w(i);
  }
  // The compensator's jumps, Σ w_i (1 − e^{−β(T − t_i)}): Σ w_i e^{−β(T − t_i)} is
  // e^{−β(T − t_n)} (w_n + A_n), the recursion's own sum carried to the end, so one exponential
  // per event instead of two. The refits (Nelder–Mead, about a thousand evaluations over every
  // contact) spent most of their time in exp.
  const size_t last = times.size() - 1;
  const double decayed = std::exp(-p.beta * (end - times[last])) * (w(last) + a);
  ll -= p.alpha / p.beta * (total_weight - decayed);
  return ll;
}

double hawkesStreamLogLikelihoodDirect(const HawkesParams& p, std::span<const double> times,
                                       double end) {
  if (times.empty()) return 0;
  double ll = 0;
  for (size_t i = 1; i < times.size(); ++i) {
    double lambda = p.mu;
    for (size_t j = 0; j < i; ++j) lambda += p.alpha * std::exp(-p.beta * (times[i] - times[j]));
    if (!(lambda > 0)) return kNegInf;
    ll += std::log(lambda);
  }
  // ∫_{t0}^{T} λ = μ (T − t0) + Σ_j α ∫_{t_j}^{T} e^{−β(t − t_j)} dt.
  double integral = p.mu * (end - times[0]);
  for (double t : times) integral += p.alpha / p.beta * (1 - std::exp(-p.beta * (end - t)));
  return ll - integral;
}

absl::StatusOr<HawkesFit> fitHawkes(std::span<const HawkesStream> streams,
                                    const std::optional<HawkesParams>& start) {
  HawkesFit fit;
  double exposure = 0;
  for (size_t s = 0; s < streams.size(); ++s) {
    const HawkesStream& st = streams[s];
    if (st.times.empty()) continue;
    if (!std::is_sorted(st.times.begin(), st.times.end())) {
      return absl::InvalidArgumentError(strCat("hawkes fit: stream ", s + 1, " is not sorted"));
    }
    if (st.end < st.times.back()) {
      return absl::InvalidArgumentError(
          strCat("hawkes fit: stream ", s + 1, " ends before its last event"));
    }
    ++fit.streams;
    fit.events += st.times.size() - 1;
    exposure += st.end - st.times[0];
  }
  if (fit.events == 0) {
    return absl::InvalidArgumentError(
        "hawkes fit: no stream has a return (an event after its first): nothing to fit");
  }
  HawkesLikelihood pooled(streams);
  auto objective = [&](const Point& x) {
    const double ll = pooled(fromLog(x));
    return std::isfinite(ll) ? -ll : std::numeric_limits<double>::max();
  };
  const double rate = static_cast<double>(fit.events) / std::max(exposure, 1e-9);
  Point best_x{};
  double best = std::numeric_limits<double>::infinity();
  bool warm = false;
  if (start && start->mu > 0 && start->alpha > 0 && start->beta > 0) {
    Point x{std::log(start->mu), std::log(start->alpha), std::log(start->beta)};
    ++fit.evaluations;  // the check of the start
    if (objective(x) < std::numeric_limits<double>::max()) {
      double value = 0;
      x = nelderMead(objective, x, 0.1, 3000, fit.evaluations, value);
      x = nelderMead(objective, x, 0.05, 3000, fit.evaluations, value);  // restart
      best = value, best_x = x, warm = true;
    }
  }
  for (double beta : {0.01, 0.1, 1.0}) {
    if (warm) break;  // started from an earlier fit
    Point x{std::log(rate * 0.5), std::log(beta * 0.5), std::log(beta)};
    double value = 0;
    x = nelderMead(objective, x, 0.5, 3000, fit.evaluations, value);
    x = nelderMead(objective, x, 0.05, 3000, fit.evaluations, value);  // restart: escapes stalls
    if (value < best) best = value, best_x = x;
  }
  if (!std::isfinite(best) || best == std::numeric_limits<double>::max()) {
    return absl::FailedPreconditionError("hawkes fit: no parameters give a finite likelihood");
  }
  fit.params = fromLog(best_x);
  fit.log_likelihood = -best;

  // Standard errors: the inverse of the observed information in (μ, α, β), central differences.
  const std::array<double, 3> at = {fit.params.mu, fit.params.alpha, fit.params.beta};
  auto ll = [&](std::array<double, 3> v) { return pooled(HawkesParams{v[0], v[1], v[2]}); };
  double h[3][3];
  std::array<double, 3> step;
  for (size_t i = 0; i < 3; ++i) step[i] = 1e-4 * at[i];
  for (size_t i = 0; i < 3; ++i) {
    for (size_t j = i; j < 3; ++j) {
      auto shifted = [&](double si, double sj) {
        std::array<double, 3> v = at;
        v[i] += si * step[i];
        v[j] += sj * step[j];
        return ll(v);
      };
      h[i][j] = h[j][i] = (shifted(1, 1) - shifted(1, -1) - shifted(-1, 1) + shifted(-1, -1)) /
                          (4 * step[i] * step[j]);
    }
  }
  // Invert the negated Hessian (3×3, by cofactors).
  double m[3][3];
  for (size_t i = 0; i < 3; ++i) {
    for (size_t j = 0; j < 3; ++j) m[i][j] = -h[i][j];
  }
  const double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                     m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                     m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  fit.se_mu = fit.se_alpha = fit.se_beta = nan;
  if (std::isfinite(det) && det > 0 && m[0][0] > 0 && m[0][0] * m[1][1] - m[0][1] * m[1][0] > 0) {
    const double v0 = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
    const double v1 = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
    const double v2 = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
    if (v0 > 0) fit.se_mu = std::sqrt(v0);
    if (v1 > 0) fit.se_alpha = std::sqrt(v1);
    if (v2 > 0) fit.se_beta = std::sqrt(v2);
  }
  return fit;
}

}  // namespace casewatch
