#include "models/stats/negative_binomial.h"

#include <gtest/gtest.h>

#include <cmath>

namespace casewatch {
namespace {

// P(X >= x) by summing the probability mass function of NB(size, mean) below x.
double tailBySum(int64_t x, double size, double mean) {
  const double p = size / (size + mean);
  double below = 0;
  for (int64_t k = 0; k < x; ++k) {
    const double lg = std::lgamma(static_cast<double>(k) + size) - std::lgamma(size) -
                      std::lgamma(static_cast<double>(k) + 1);
    below += std::exp(lg + size * std::log(p) + static_cast<double>(k) * std::log1p(-p));
  }
  return 1 - below;
}

TEST(NegativeBinomialTest, SizeOneIsGeometric) {
  // NB(1, m): P(X >= x) = (m / (1 + m))^x.
  for (double m : {0.1, 0.5, 2.5}) {
    for (int64_t x : {1, 3, 8}) {
      EXPECT_NEAR(negativeBinomialTail(x, 1.0, m), std::pow(m / (1 + m), x),
                  1e-12 * std::pow(m / (1 + m), x))
          << "m " << m << " x " << x;
    }
  }
}

TEST(NegativeBinomialTest, MatchesTheSumOfTheMassFunction) {
  for (double size : {0.3, 2.5, 40.0}) {
    for (double m : {0.2, 1.7, 6.0}) {
      for (int64_t x : {1, 2, 5, 9}) {
        const double want = tailBySum(x, size, m);
        EXPECT_NEAR(negativeBinomialTail(x, size, m), want, 1e-9 + 1e-9 * want)
            << "size " << size << " m " << m << " x " << x;
      }
    }
  }
}

TEST(NegativeBinomialTest, EdgesNeitherThrowNorMislead) {
  EXPECT_EQ(negativeBinomialTail(0, 1.0, 0.5), 1.0);
  EXPECT_EQ(negativeBinomialTail(-3, 1.0, 0.5), 1.0);
  EXPECT_EQ(negativeBinomialTail(2, 1.0, 0.0), 0.0);
  EXPECT_TRUE(std::isnan(negativeBinomialTail(2, 0.0, 1.0)));
  EXPECT_TRUE(std::isnan(negativeBinomialTail(2, 1.0, -1.0)));
  EXPECT_TRUE(std::isnan(negativeBinomialTail(2, NAN, 1.0)));
  // Large counts on a small mean: tiny, not zero and not NaN.
  const double p = negativeBinomialTail(30, 1.0, 0.05);
  EXPECT_GT(p, 0.0);
  EXPECT_LT(p, 1e-30);
}

}  // namespace
}  // namespace casewatch
