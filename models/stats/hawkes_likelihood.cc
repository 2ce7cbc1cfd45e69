#include "models/stats/hawkes_likelihood.h"

#include <cmath>
#include <limits>

namespace casewatch {

HawkesLikelihood::HawkesLikelihood(std::span<const HawkesStream> streams) {
  size_t gaps = 0, used = 0;
  for (const HawkesStream& s : streams) {
    if (s.times.empty()) continue;
    gaps += s.times.size() - 1;
    ++used;
  }
  gaps_.resize(static_cast<Eigen::Index>(gaps));
  jumps_.resize(static_cast<Eigen::Index>(gaps));
  tails_.resize(static_cast<Eigen::Index>(used));
  last_w_.resize(static_cast<Eigen::Index>(used));
  returns_.reserve(used);
  Eigen::Index g = 0, k = 0;
  for (const HawkesStream& s : streams) {
    if (s.times.empty()) continue;
    const bool weighted = s.weights.size() == s.times.size();
    auto w = [&](size_t i) { return weighted ? s.weights[i] : 1.0; };
    for (size_t i = 1; i < s.times.size(); ++i, ++g) {
      gaps_[g] = s.times[i] - s.times[i - 1];
      jumps_[g] = w(i - 1);
    }
    for (size_t i = 0; i < s.times.size(); ++i) weight_ += w(i);
    exposure_ += s.end - s.times[0];
    tails_[k] = s.end - s.times.back();
    last_w_[k] = w(s.times.size() - 1);
    returns_.push_back(static_cast<uint32_t>(s.times.size() - 1));
    ++k;
  }
  decay_.resize(gaps_.size());
  lambda_.resize(gaps_.size());
  tail_decay_.resize(tails_.size());
  last_a_.resize(tails_.size());
}

double HawkesLikelihood::operator()(const HawkesParams& p) {
  constexpr double kNegInf = -std::numeric_limits<double>::infinity();
  decay_ = (-p.beta * gaps_).exp();
  // The recursion, stream by stream: the only part that cannot be a whole-array expression.
  Eigen::Index g = 0;
  for (size_t s = 0; s < returns_.size(); ++s) {
    double a = 0;
    for (uint32_t i = 0; i < returns_[s]; ++i, ++g) {
      a = decay_[g] * (jumps_[g] + a);
      lambda_[g] = p.mu + p.alpha * a;
    }
    last_a_[static_cast<Eigen::Index>(s)] = a;
  }
  if (lambda_.size() > 0 && !(lambda_.minCoeff() > 0)) return kNegInf;
  tail_decay_ = (-p.beta * tails_).exp();
  const double decayed = (tail_decay_ * (last_w_ + last_a_)).sum();
  const double ll = (lambda_.size() > 0 ? lambda_.log().sum() : 0.0) - p.mu * exposure_ -
                    p.alpha / p.beta * (weight_ - decayed);
  return std::isfinite(ll) ? ll : kNegInf;
}

}  // namespace casewatch
