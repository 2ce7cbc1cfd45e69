// Maximum-likelihood fit of a Hawkes process with an exponential kernel (models/stats/hawkes.h)
// to many independent streams sharing μ, α and β: the repeat-visit process of
// `casewatch fit hawkes`, whose estimates are meant for models.repeat_visit.hawkes_*.
//
// Each stream is conditioned on its first event (it is the contact that starts a (person, matter)
// pair; the process models the returns) and observed up to its own end T. Its log-likelihood,
// with A_0 = 0 and A_i = e^{−β(t_i − t_{i−1})}(1 + A_{i−1}) (T. Ozaki, "Maximum likelihood
// estimation of Hawkes' self-exciting point processes", Ann. Inst. Statist. Math. 31 (1979)), is
//   ℓ = Σ_{i≥1} ln(μ + α A_i) − μ (T − t_0) − (α/β) Σ_{i≥0} (1 − e^{−β(T − t_i)}),
// O(n) per stream. The fit maximises the sum over the streams in (ln μ, ln α, ln β) by the
// Nelder–Mead simplex from several starts (J. A. Nelder, R. Mead, Computer Journal 7 (1965)),
// then reports standard errors from a central-difference Hessian of ℓ in (μ, α, β) (NaN when that
// Hessian is not negative definite). Nothing constrains α < β; the branching ratio α/β is
// reported so that a non-stationary fit is visible.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "models/stats/hawkes.h"

namespace casewatch {

struct HawkesStream {
  std::vector<double> times;  // ascending; times[0] is the conditioning first event
  double end = 0;             // end of observation, ≥ times.back()
  // The weight of each event's jump (α·wᵢ), one per time; empty = every weight 1. The
  // repeat_visit model weighs a contact lodged above the competent level by above_level_weight.
  std::vector<double> weights;
};

// The conditional log-likelihood of one stream (above; with weights, A_i = e^{−β(t_i −
// t_{i−1})}(w_{i−1} + A_{i−1}) and the last sum weighted by w_i). -infinity when some intensity
// ≤ 0. `weights` empty (or not one per time): every weight 1.
double hawkesStreamLogLikelihood(const HawkesParams& p, std::span<const double> times, double end,
                                 std::span<const double> weights = {});
// The same by the direct O(n²) sums (tests).
double hawkesStreamLogLikelihoodDirect(const HawkesParams& p, std::span<const double> times,
                                       double end);

struct HawkesFit {
  HawkesParams params;
  double se_mu = 0, se_alpha = 0, se_beta = 0;  // NaN when not available
  double log_likelihood = 0;
  size_t streams = 0;
  size_t events = 0;  // returns (events after the first of each stream)
  int evaluations = 0;
};

// InvalidArgument when no stream has a return, or a stream is not sorted or ends before its
// last event; FailedPrecondition when the optimiser finds no finite likelihood.
//
// `start`: the parameters of an earlier fit of about the same streams (the daemon's refit of the
// day before, on a window one day further on). The simplex then starts there only, one run and a
// restart, instead of from three decay rates with a restart each: the same maximum when the
// likelihood has moved little, in about a third of the evaluations. A start that gives no finite
// likelihood falls back to the three.
absl::StatusOr<HawkesFit> fitHawkes(std::span<const HawkesStream> streams,
                                    const std::optional<HawkesParams>& start = std::nullopt);

}  // namespace casewatch
