// The Hawkes maximum-likelihood fit: the O(n) conditional log-likelihood against the direct double
// sum, and recovery of known μ, α, β from streams simulated by Ogata's thinning (seeded).
#include "models/stats/hawkes_fit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tests/fakes/hawkes_streams.h"

namespace casewatch {
namespace {

using ::testing::HasSubstr;

TEST(HawkesFitTest, RecursiveLogLikelihoodEqualsTheDirectSum) {
  const std::vector<double> times = {0, 0.5, 0.7, 3.1, 3.1, 9.4, 20};
  for (const HawkesParams& p :
       {HawkesParams{0.1, 0.4, 0.8}, HawkesParams{0.02, 0.01, 0.05}, HawkesParams{1.5, 2.0, 3.0}}) {
    EXPECT_NEAR(hawkesStreamLogLikelihood(p, times, 25),
                hawkesStreamLogLikelihoodDirect(p, times, 25), 1e-10);
  }
  // One event only: nothing but the compensator, μ (T − t0) + (α/β)(1 − e^{−β (T − t0)}).
  const std::vector<double> one = {2};
  const HawkesParams p{0.1, 0.4, 0.8};
  EXPECT_NEAR(hawkesStreamLogLikelihood(p, one, 12), -(0.1 * 10 + 0.5 * (1 - std::exp(-8))), 1e-12);
}

// With weights (a contact lodged above its level jumps by α·w): the recursion against the
// direct sums, λ(t_i) = μ + α Σ_{j<i} w_j e^{−β(t_i − t_j)} and the compensator's jumps
// (α/β) Σ_i w_i (1 − e^{−β(T − t_i)}).
TEST(HawkesFitTest, WeightedLogLikelihoodEqualsTheDirectSum) {
  const std::vector<double> times = {0, 0.5, 0.7, 3.1, 3.1, 9.4, 20};
  const std::vector<double> weights = {1, 1.5, 1, 2, 1, 1.5, 1};
  const double end = 25;
  for (const HawkesParams& p :
       {HawkesParams{0.1, 0.4, 0.8}, HawkesParams{0.02, 0.01, 0.05}, HawkesParams{1.5, 2.0, 3.0}}) {
    double direct = -p.mu * (end - times[0]);
    for (size_t i = 1; i < times.size(); ++i) {
      double lambda = p.mu;
      for (size_t j = 0; j < i; ++j) {
        lambda += p.alpha * weights[j] * std::exp(-p.beta * (times[i] - times[j]));
      }
      direct += std::log(lambda);
    }
    for (size_t i = 0; i < times.size(); ++i) {
      direct -= p.alpha / p.beta * weights[i] * (1 - std::exp(-p.beta * (end - times[i])));
    }
    EXPECT_NEAR(hawkesStreamLogLikelihood(p, times, end, weights), direct, 1e-10);
  }
}

TEST(HawkesFitTest, RecoversKnownParametersFromSimulatedStreams) {
  const HawkesParams truth{0.02, 0.3, 0.6};
  std::mt19937_64 rng(20261123);
  std::vector<HawkesStream> streams;
  for (int i = 0; i < 3000; ++i)
    streams.push_back(HawkesStream{testing::simulateHawkesStream(truth, 0, 365, rng), 365, {}});
  auto fit = fitHawkes(streams);
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->params.mu, truth.mu, 0.1 * truth.mu);
  EXPECT_NEAR(fit->params.alpha, truth.alpha, 0.1 * truth.alpha);
  EXPECT_NEAR(fit->params.beta, truth.beta, 0.1 * truth.beta);
  EXPECT_EQ(fit->streams, 3000u);
  EXPECT_GT(fit->events, 10000u);
  // The standard errors exist and the truth is within 4 of them.
  ASSERT_TRUE(std::isfinite(fit->se_mu) && std::isfinite(fit->se_alpha) &&
              std::isfinite(fit->se_beta));
  EXPECT_LT(std::abs(fit->params.mu - truth.mu), 4 * fit->se_mu);
  EXPECT_LT(std::abs(fit->params.alpha - truth.alpha), 4 * fit->se_alpha);
  EXPECT_LT(std::abs(fit->params.beta - truth.beta), 4 * fit->se_beta);
  // The maximum is a maximum: nearby parameters are less likely.
  double ll_truth = 0;
  for (const HawkesStream& s : streams)
    ll_truth += hawkesStreamLogLikelihood(truth, s.times, s.end);
  EXPECT_GE(fit->log_likelihood, ll_truth);
}

// The daemon's daily refit starts from the day before's fit: on streams that moved a little (more
// of them), it reaches the maximum the three cold starts reach, in far fewer evaluations. A start
// with no finite likelihood falls back to the cold starts.
TEST(HawkesFitTest, AStartFromAnEarlierFitReachesTheSameMaximumSooner) {
  const HawkesParams truth{0.02, 0.3, 0.6};
  std::mt19937_64 rng(20261206);
  std::vector<HawkesStream> streams;
  for (int i = 0; i < 400; ++i)
    streams.push_back(HawkesStream{testing::simulateHawkesStream(truth, 0, 365, rng), 365, {}});
  auto before = fitHawkes(streams);
  ASSERT_TRUE(before.ok()) << before.status();
  for (int i = 0; i < 20; ++i)
    streams.push_back(HawkesStream{testing::simulateHawkesStream(truth, 0, 365, rng), 365, {}});
  auto cold = fitHawkes(streams);
  auto warm = fitHawkes(streams, before->params);
  ASSERT_TRUE(cold.ok() && warm.ok());
  EXPECT_NEAR(warm->log_likelihood, cold->log_likelihood, 1e-7 * std::abs(cold->log_likelihood));
  EXPECT_NEAR(warm->params.mu, cold->params.mu, 1e-3 * cold->params.mu);
  EXPECT_NEAR(warm->params.alpha, cold->params.alpha, 1e-3 * cold->params.alpha);
  EXPECT_NEAR(warm->params.beta, cold->params.beta, 1e-3 * cold->params.beta);
  EXPECT_LT(3 * warm->evaluations, cold->evaluations)
      << "warm " << warm->evaluations << ", cold " << cold->evaluations;

  auto unusable = fitHawkes(streams, HawkesParams{0, 0.3, 0.6});  // μ = 0: no start
  ASSERT_TRUE(unusable.ok());
  EXPECT_EQ(unusable->params.mu, cold->params.mu);
  EXPECT_EQ(unusable->evaluations, cold->evaluations);
}

TEST(HawkesFitTest, NoReturnsOrBadStreamsAreErrors) {
  std::vector<HawkesStream> none = {{{1}, 10, {}}, {{2}, 10, {}}};
  auto fit = fitHawkes(none);
  ASSERT_FALSE(fit.ok());
  EXPECT_THAT(fit.status().message(), HasSubstr("no stream has a return"));
  std::vector<HawkesStream> unsorted = {{{3, 1}, 10, {}}};
  EXPECT_THAT(fitHawkes(unsorted).status().message(), HasSubstr("not sorted"));
  std::vector<HawkesStream> short_end = {{{1, 3}, 2, {}}};
  EXPECT_THAT(fitHawkes(short_end).status().message(), HasSubstr("ends before"));
}

}  // namespace
}  // namespace casewatch
