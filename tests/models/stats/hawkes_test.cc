// Known-answer tests of the O(1) Hawkes update against the direct sum, and of the O(n)
// log-likelihood recursion against the O(n²) definition.
#include "models/stats/hawkes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace casewatch {
namespace {

const HawkesParams kParams{0.002, 0.05, 0.1};

TEST(HawkesTest, HandWorkedIntensity) {
  // Events at days 0 and 10; at day 10: 0.002 + 0.05 * (e^{-1} + 1) = 0.07039397.
  HawkesExcitation h;
  h.add(0, 1, kParams.beta);
  h.add(10, 1, kParams.beta);
  EXPECT_NEAR(h.intensity(10, kParams), 0.002 + 0.05 * (std::exp(-1.0) + 1), 1e-15);
  // Twenty days later both have decayed by e^{-2}.
  EXPECT_NEAR(h.intensity(30, kParams), 0.002 + 0.05 * (std::exp(-3.0) + std::exp(-2.0)), 1e-15);
  EXPECT_DOUBLE_EQ(HawkesExcitation{}.intensity(5, kParams), 0.002);
}

TEST(HawkesTest, ConstantTimeUpdateEqualsTheDirectSum) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> gap(0.0, 12.0);
  std::uniform_int_distribution<int> heavy(0, 3);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<double> times, weights;
    HawkesExcitation h;
    double t = 0;
    for (int i = 0; i < 40; ++i) {
      t += gap(rng);
      const double w = heavy(rng) == 0 ? 1.5 : 1.0;
      times.push_back(t);
      weights.push_back(w);
      h.add(t, w, kParams.beta);
      for (double probe : {t, t + 0.5, t + 3.0, t + 40.0}) {
        const double direct = hawkesIntensityDirect(kParams, times, weights, probe);
        EXPECT_NEAR(h.intensity(probe, kParams), direct, 1e-12 * direct) << "probe " << probe;
      }
    }
  }
}

TEST(HawkesTest, LateEventsAreExactToo) {
  // The same events added in a shuffled order give the same excitation.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> when(0.0, 90.0);
  std::vector<double> times(30);
  for (double& x : times) x = when(rng);
  HawkesExcitation shuffled;
  for (double x : times) shuffled.add(x, 1, kParams.beta);
  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  HawkesExcitation ordered;
  for (double x : sorted) ordered.add(x, 1, kParams.beta);
  EXPECT_DOUBLE_EQ(shuffled.lastTime(), ordered.lastTime());
  EXPECT_NEAR(shuffled.intensity(100, kParams), ordered.intensity(100, kParams), 1e-12);
  EXPECT_NEAR(shuffled.intensity(100, kParams), hawkesIntensityDirect(kParams, times, {}, 100),
              1e-12);
}

TEST(HawkesTest, TimeToDecayIsWhereTheIntensityMeetsTheThreshold) {
  HawkesExcitation h;
  for (double t : {0.0, 1.0, 2.0, 3.0, 4.0, 5.0}) h.add(t, 1.5, kParams.beta);
  const double threshold = 0.25;
  ASSERT_GT(h.intensity(5, kParams), threshold);
  const double when = hawkesTimeToDecay(kParams, h.sumAtLast(), h.lastTime(), threshold);
  EXPECT_GT(when, 5);
  EXPECT_NEAR(h.intensity(when, kParams), threshold, 1e-12);
  EXPECT_DOUBLE_EQ(hawkesTimeToDecay(kParams, 1, 3, 0.5), 3);        // already below: now
  EXPECT_TRUE(std::isinf(hawkesTimeToDecay(kParams, 1, 3, 0.001)));  // below μ: never
}

TEST(HawkesTest, LogLikelihoodRecursionEqualsTheDoubleSum) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> when(0.0, 200.0);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> times(60);
    for (double& x : times) x = when(rng);
    std::sort(times.begin(), times.end());
    for (const HawkesParams& p : {kParams, HawkesParams{0.3, 0.8, 1.2}}) {
      const double fast = hawkesLogLikelihood(p, times, 200);
      const double slow = hawkesLogLikelihoodDirect(p, times, 200);
      EXPECT_NEAR(fast, slow, 1e-9 * std::abs(slow));
    }
  }
  // One event at 0 on [0, 1] with μ = 1, α = 0: ln 1 − 1 = −1.
  const std::vector<double> one = {0.0};
  EXPECT_NEAR(hawkesLogLikelihood(HawkesParams{1, 0, 1}, one, 1), -1.0, 1e-15);
}

}  // namespace
}  // namespace casewatch
