// The pooled log-likelihood of many independent Hawkes streams sharing μ, α, β (hawkes_fit.h):
// the objective fitHawkes maximises, evaluated about a thousand times per fit.
//
// Method: the same conditional log-likelihood as hawkesStreamLogLikelihood (Ozaki's recursion
// A_i = e^{−β(t_i − t_{i−1})}(w_{i−1} + A_{i−1}), T. Ozaki, Ann. Inst. Statist. Math. 31 (1979)),
// with the streams laid out once as flat arrays: every gap t_i − t_{i−1} of every stream, each
// stream's exposure T − t_0, its total weight and its tail T − t_last. An evaluation takes the
// exponentials of all gaps and all tails, and the logarithms of all intensities, as whole-array
// Eigen expressions (SIMD polynomial exp/log), and runs only the recursion itself as a scalar
// loop. The sum is
//   ℓ = Σ_i ln λ_i − μ Σ_s (T_s − t_{s,0}) − (α/β) Σ_s (W_s − e^{−β(T_s − t_{s,last})}(w_last +
//   A_last)).
// Why: the per-stream form spent most of a refit in scalar libm exp/log (and its underflow path
// when the simplex tries a large β): 80 % of the daemon's fit thread in bench/run's end to end
// (perf). Eigen's exp/log agree with libm to a few ulps; the terms are summed in another order,
// so the result equals the per-stream sum to about 1e-12 relative, not bit for bit.
// Where the CPU has AVX2 and FMA, the evaluation runs an AVX2 build of the same expressions
// (hawkes_likelihood_kernel.h): about 2.5 times faster, and equal to the baseline build to about
// 1e-15 relative (FMA rounds once where SSE2 rounds twice), so a refit's estimates can differ
// between such CPUs in their last digits.
//
// Assumptions: as fitHawkes checks (times ascending, end ≥ the last time). Not thread-safe (an
// evaluation reuses scratch arrays); one per fit.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <span>
#include <vector>

#include "models/stats/hawkes.h"
#include "models/stats/hawkes_fit.h"

namespace casewatch {

class HawkesLikelihood {
 public:
  // kBest: the AVX2 build where the CPU runs it, else the baseline; kBaseline: the baseline always
  // (tests compare the two).
  enum class Kernel { kBest, kBaseline };
  explicit HawkesLikelihood(std::span<const HawkesStream> streams, Kernel kernel = Kernel::kBest);
  // ℓ at `p`; -infinity when some intensity is ≤ 0 (or the sum is not finite).
  double operator()(const HawkesParams& p);
  // True when evaluations run the AVX2 build.
  bool usesAvx2() const { return avx2_; }

 private:
  Eigen::ArrayXd gaps_;    // t_i − t_{i−1}, every return of every stream, stream after stream
  Eigen::ArrayXd jumps_;   // w_{i−1}: the weight of the event before each gap
  Eigen::ArrayXd tails_;   // T − t_last, one per stream
  Eigen::ArrayXd last_w_;  // w_last, one per stream
  std::vector<uint32_t> returns_;  // gaps per stream
  double exposure_ = 0;            // Σ (T − t_0)
  double weight_ = 0;              // Σ W (every event's weight)
  // Scratch, reused by every evaluation.
  Eigen::ArrayXd decay_, lambda_, tail_decay_, last_a_;
  bool avx2_ = false;
};

}  // namespace casewatch
