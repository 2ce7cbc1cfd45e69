// The pooled log-likelihood the Hawkes fit maximises: the sum of the per-stream conditional
// log-likelihoods (hawkesStreamLogLikelihood), with weights, streams without a return, a decay so
// fast that the exponentials underflow, and an intensity of zero.
#include "models/stats/hawkes_likelihood.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "tests/fakes/hawkes_streams.h"

namespace casewatch {
namespace {

double streamByStream(const HawkesParams& p, const std::vector<HawkesStream>& streams) {
  double ll = 0;
  for (const HawkesStream& s : streams)
    ll += hawkesStreamLogLikelihood(p, s.times, s.end, s.weights);
  return ll;
}

std::vector<HawkesStream> mixedStreams() {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<HawkesStream> out;
  for (int i = 0; i < 400; ++i) {
    HawkesStream s;
    s.times = testing::simulateHawkesStream(HawkesParams{0.02, 0.4, 0.8}, u(rng) * 90, 90, rng);
    s.end = 90 + u(rng);  // streams end at their own times
    if (i % 3 == 0) {
      for (size_t k = 0; k < s.times.size(); ++k) s.weights.push_back(k % 2 == 0 ? 1.5 : 1.0);
    }
    out.push_back(std::move(s));
  }
  out.push_back(HawkesStream{});  // an empty stream adds nothing
  return out;
}

TEST(HawkesLikelihoodTest, EqualsTheSumOfTheStreamsLogLikelihoods) {
  const std::vector<HawkesStream> streams = mixedStreams();
  size_t returns = 0, single = 0;
  for (const HawkesStream& s : streams) {
    if (s.times.empty()) continue;
    returns += s.times.size() - 1;
    single += s.times.size() == 1 ? 1 : 0;
  }
  ASSERT_GT(returns, 200u);  // the recursion is exercised
  ASSERT_GT(single, 50u);    // and so are streams with no return
  HawkesLikelihood pooled(streams);
  for (const HawkesParams& p : {HawkesParams{0.02, 0.4, 0.8}, HawkesParams{1e-5, 3, 0.01},
                                HawkesParams{0.5, 1e-4, 9}, HawkesParams{0.01, 0.3, 5e4}}) {
    const double expected = streamByStream(p, streams);
    ASSERT_TRUE(std::isfinite(expected));
    EXPECT_NEAR(pooled(p), expected, 1e-11 * std::abs(expected))
        << "mu " << p.mu << " alpha " << p.alpha << " beta " << p.beta;
  }
}

TEST(HawkesLikelihoodTest, TheAvx2BuildAgreesWithTheBaselineBuild) {
  const std::vector<HawkesStream> streams = mixedStreams();
  HawkesLikelihood best(streams);
  HawkesLikelihood baseline(streams, HawkesLikelihood::Kernel::kBaseline);
  EXPECT_FALSE(baseline.usesAvx2());
#if defined(CASEWATCH_AVX2_KERNEL) && defined(__x86_64__)
  // The machines this project builds and tests on have AVX2 (x86-64 since 2013): in an optimised
  // build the fast build must be the one in use there, or the refit silently runs at the
  // baseline's speed.
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    EXPECT_TRUE(best.usesAvx2());
  }
#endif
  for (const HawkesParams& p :
       {HawkesParams{0.02, 0.4, 0.8}, HawkesParams{1e-5, 3, 0.01}, HawkesParams{0.5, 1e-4, 9},
        HawkesParams{0.01, 0.3, 5e4}, HawkesParams{0, 0.5, 1e6}}) {
    const double b = baseline(p);
    const double f = best(p);
    if (!std::isfinite(b)) {
      EXPECT_EQ(f, b);
      continue;
    }
    EXPECT_NEAR(f, b, 1e-13 * std::abs(b))
        << "mu " << p.mu << " alpha " << p.alpha << " beta " << p.beta;
  }
}

TEST(HawkesLikelihoodTest, AZeroIntensityAtAReturnIsMinusInfinity) {
  // μ = 0 and a decay that leaves nothing of the first event by the second: λ = 0 there.
  const std::vector<HawkesStream> streams = {HawkesStream{{0, 5}, 10, {}}};
  const HawkesParams p{0, 0.5, 1e6};
  ASSERT_EQ(streamByStream(p, streams), -std::numeric_limits<double>::infinity());
  HawkesLikelihood pooled(streams);
  EXPECT_EQ(pooled(p), -std::numeric_limits<double>::infinity());
}

TEST(HawkesLikelihoodTest, StreamsWithoutReturnsHaveOnlyTheCompensator) {
  const std::vector<HawkesStream> streams = {HawkesStream{{2}, 12, {}}, HawkesStream{{4}, 6, {2}}};
  const HawkesParams p{0.1, 0.5, 0.8};
  const double expected = -0.1 * 10 - 0.5 / 0.8 * (1 - std::exp(-0.8 * 10)) - 0.1 * 2 -
                          0.5 / 0.8 * 2 * (1 - std::exp(-0.8 * 2));
  HawkesLikelihood pooled(streams);
  EXPECT_NEAR(pooled(p), expected, 1e-12);
}

}  // namespace
}  // namespace casewatch
