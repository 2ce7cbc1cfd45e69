// A self-exciting (Hawkes) point process with an exponential kernel, the statistics behind the
// repeat_visit model and the `casewatch fit hawkes` tool:
//
//   λ(t) = μ + α · Σ_{t_i ≤ t} w_i · exp(−β (t − t_i))
//
// μ is the background rate, α the jump each event adds to the rate, β the decay rate of that jump
// (1/β is its mean lifetime) and w_i an optional weight per event (1 for an unweighted process).
// Time is in whatever unit the caller picks (the daemon uses days); μ and α are per that unit.
// The process is stationary when α/β < 1 (the branching ratio: expected offspring per event).
//
// The O(1) form: keep S = Σ w_i exp(−β (t_last − t_i)) and t_last. A new event at t ≥ t_last
// gives S' = S · exp(−β (t − t_last)) + w; an event that arrives late (t < t_last) adds
// w · exp(−β (t_last − t)), which is exact too, so the order of arrival does not matter.
// Source: A. G. Hawkes, "Spectra of some self-exciting and mutually exciting point processes",
// Biometrika 58 (1971); the recursion for the likelihood is Y. Ogata, "On Lewis' simulation method
// for point processes", IEEE Trans. Inf. Theory 27 (1981), and T. Ozaki, Ann. Inst. Statist. Math.
// 31 (1979).
//
// Header-light value types and pure functions: no allocation, thread-safe.
#pragma once

#include <cmath>
#include <span>

namespace casewatch {

struct HawkesParams {
  double mu = 0;     // background rate per unit time
  double alpha = 0;  // jump of the rate per (unit-weight) event
  double beta = 1;   // decay rate of a jump per unit time
};

// The O(1) state of Σ w_i exp(−β (t − t_i)) for one stream of events.
class HawkesExcitation {
 public:
  // Adds an event at `t` with weight `w` (any order of arrival; exact either way).
  void add(double t, double w, double beta) {
    if (empty_) {
      s_ = w;
      t_last_ = t;
      empty_ = false;
    } else if (t >= t_last_) {
      s_ = s_ * std::exp(-beta * (t - t_last_)) + w;
      t_last_ = t;
    } else {
      s_ += w * std::exp(-beta * (t_last_ - t));
    }
  }
  // Σ w_i exp(−β (t − t_i)) over the events added, for t ≥ lastTime() (earlier t: at lastTime()).
  double at(double t, double beta) const {
    if (empty_) return 0;
    return t <= t_last_ ? s_ : s_ * std::exp(-beta * (t - t_last_));
  }
  double intensity(double t, const HawkesParams& p) const { return p.mu + p.alpha * at(t, p.beta); }
  double lastTime() const { return t_last_; }
  double sumAtLast() const { return s_; }
  bool empty() const { return empty_; }

 private:
  double s_ = 0;
  double t_last_ = 0;
  bool empty_ = true;
};

// λ(t) by the direct sum over every event with t_i ≤ t (O(n)): the reference for the O(1) form.
// `weights` empty means every weight is 1.
double hawkesIntensityDirect(const HawkesParams& p, std::span<const double> times,
                             std::span<const double> weights, double t);

// When the intensity of a stream whose excitation is `s_last` at `t_last` falls to `threshold`
// (λ decays monotonically between events): t_last + ln(α·s_last / (threshold − μ)) / β. Returns
// t_last when it is already at or below it, and +infinity when it never gets there (threshold ≤ μ).
double hawkesTimeToDecay(const HawkesParams& p, double s_last, double t_last, double threshold);

// Log-likelihood of the events `times` (sorted ascending, all in [0, horizon]) under `p` on the
// window [0, horizon]: Σ ln λ(t_i) − ∫_0^horizon λ(t) dt. O(n) by Ozaki's recursion
// A_i = e^{−β(t_i − t_{i−1})} (1 + A_{i−1}). Returns -infinity when some λ(t_i) ≤ 0.
double hawkesLogLikelihood(const HawkesParams& p, std::span<const double> times, double horizon);
// The same by the O(n²) double sum (tests).
double hawkesLogLikelihoodDirect(const HawkesParams& p, std::span<const double> times,
                                 double horizon);

}  // namespace casewatch
