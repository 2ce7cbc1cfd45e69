#include "models/stats/hawkes_likelihood.h"

#include "base/cpu_features.h"
#include "models/stats/hawkes_likelihood_kernel.h"

namespace casewatch {

HawkesLikelihood::HawkesLikelihood(std::span<const HawkesStream> streams, Kernel kernel)
    : avx2_(kernel == Kernel::kBest && cpuRunsAvx2Kernels()) {
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
  hawkes_kernel::Arrays a;
  a.gaps = gaps_.data();
  a.jumps = jumps_.data();
  a.gap_count = static_cast<size_t>(gaps_.size());
  a.tails = tails_.data();
  a.last_w = last_w_.data();
  a.returns = returns_.data();
  a.stream_count = returns_.size();
  a.exposure = exposure_;
  a.weight = weight_;
  a.decay = decay_.data();
  a.lambda = lambda_.data();
  a.tail_decay = tail_decay_.data();
  a.last_a = last_a_.data();
#if defined(CASEWATCH_AVX2_KERNEL)
  if (avx2_) return hawkes_kernel::pooledLogLikelihoodAvx2(a, p);
#endif
  return hawkes_kernel::pooledLogLikelihood<0>(a, p);
}

}  // namespace casewatch
