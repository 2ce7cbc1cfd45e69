#include "models/stats/hawkes.h"

#include <limits>

namespace casewatch {

double hawkesIntensityDirect(const HawkesParams& p, std::span<const double> times,
                             std::span<const double> weights, double t) {
  double sum = 0;
  for (size_t i = 0; i < times.size(); ++i) {
    if (times[i] > t) continue;
    const double w = weights.empty() ? 1.0 : weights[i];
    sum += w * std::exp(-p.beta * (t - times[i]));
  }
  return p.mu + p.alpha * sum;
}

double hawkesTimeToDecay(const HawkesParams& p, double s_last, double t_last, double threshold) {
  if (threshold <= p.mu) return std::numeric_limits<double>::infinity();
  const double excess = p.alpha * s_last;
  const double target = threshold - p.mu;
  if (excess <= target) return t_last;
  return t_last + std::log(excess / target) / p.beta;
}

double hawkesLogLikelihood(const HawkesParams& p, std::span<const double> times, double horizon) {
  double log_sum = 0;
  double a = 0;  // Σ_{j<i} e^{−β(t_i − t_j)}
  for (size_t i = 0; i < times.size(); ++i) {
    if (i > 0) a = std::exp(-p.beta * (times[i] - times[i - 1])) * (1 + a);
    const double lambda = p.mu + p.alpha * a;
    if (!(lambda > 0)) return -std::numeric_limits<double>::infinity();
    log_sum += std::log(lambda);
  }
  // ∫ λ = μ·T + (α/β) Σ (1 − e^{−β(T − t_i)})
  double compensator = p.mu * horizon;
  for (double t : times) compensator += p.alpha / p.beta * (1 - std::exp(-p.beta * (horizon - t)));
  return log_sum - compensator;
}

double hawkesLogLikelihoodDirect(const HawkesParams& p, std::span<const double> times,
                                 double horizon) {
  double ll = 0;
  for (size_t i = 0; i < times.size(); ++i) {
    double sum = 0;
    for (size_t j = 0; j < i; ++j) sum += std::exp(-p.beta * (times[i] - times[j]));
    const double lambda = p.mu + p.alpha * sum;
    if (!(lambda > 0)) return -std::numeric_limits<double>::infinity();
    ll += std::log(lambda);
  }
  // The compensator by its definition, integrated piecewise between events.
  double integral = 0;
  double prev = 0;
  for (size_t i = 0; i <= times.size(); ++i) {
    const double next = i < times.size() ? times[i] : horizon;
    integral += p.mu * (next - prev);
    for (size_t j = 0; j < i; ++j) {
      integral += p.alpha / p.beta *
                  (std::exp(-p.beta * (prev - times[j])) - std::exp(-p.beta * (next - times[j])));
    }
    prev = next;
  }
  return ll - integral;
}

}  // namespace casewatch
