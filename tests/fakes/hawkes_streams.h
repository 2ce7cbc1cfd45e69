// Hawkes streams simulated by Ogata's thinning (seeded): the fit's tests and its benchmark.
#pragma once

#include <cmath>
#include <random>
#include <vector>

#include "models/stats/hawkes.h"

namespace casewatch::testing {

// One stream started by an event at `start`, observed up to `end` (between events the intensity
// only decays, so its value just after the last event bounds it).
inline std::vector<double> simulateHawkesStream(const HawkesParams& p, double start, double end,
                                                std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> times = {start};
  double t = start, s = 1;  // s = Σ exp(−β (t − tᵢ)) at t
  while (true) {
    const double bound = p.mu + p.alpha * s;
    const double dt = -std::log(1 - u(rng)) / bound;
    s *= std::exp(-p.beta * dt);
    t += dt;
    if (t > end) break;
    if (u(rng) * bound <= p.mu + p.alpha * s) {
      times.push_back(t);
      s += 1;
    }
  }
  return times;
}

}  // namespace casewatch::testing
