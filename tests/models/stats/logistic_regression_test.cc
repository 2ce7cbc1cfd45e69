// Logistic regression (IRLS): closed-form and R known answers to 1e-6, the errors it must raise
// instead of NaN, recovery of a known generating model on 100,000 rows, AUC and calibration.
#include "models/stats/logistic_regression.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace casewatch {
namespace {

using ::testing::HasSubstr;

double logit(double p) {
  return std::log(p / (1 - p));
}

Eigen::MatrixXd column(std::initializer_list<double> v) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(v.size()), 1);
  Eigen::Index i = 0;
  for (double d : v) m(i++, 0) = d;
  return m;
}

Eigen::VectorXd vec(std::initializer_list<double> v) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double d : v) out[i++] = d;
  return out;
}

// (a) One binary feature: the maximum-likelihood fit reproduces the two group rates, so the
// intercept is logit(rate | x = 0) and the slope logit(rate | x = 1) − logit(rate | x = 0); the
// standard errors are sqrt(1/(n₀ r₀ (1 − r₀))) and sqrt of the sum of both groups' terms.
// n rows drawn from a known logistic model (`coefficients`: intercept first, then one per column):
// a column is 0/1 (1 with probability `rate`) where `binary(j)`, else standard normal.
template <typename Binary>
void simulate(const std::vector<double>& coefficients, Eigen::Index n, uint64_t seed, Binary binary,
              double rate, Eigen::MatrixXd& x, Eigen::VectorXd& y) {
  const auto p = static_cast<Eigen::Index>(coefficients.size()) - 1;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  x.resize(n, p);
  y.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    double eta = coefficients[0];
    for (Eigen::Index j = 0; j < p; ++j) {
      x(i, j) = binary(j) ? (uniform(rng) < rate ? 1.0 : 0.0) : normal(rng);
      eta += coefficients[static_cast<size_t>(j + 1)] * x(i, j);
    }
    y[i] = uniform(rng) < logistic(eta) ? 1 : 0;
  }
}

TEST(LogisticRegressionTest, OneBinaryFeatureHasTheClosedFormSolution) {
  // Group 0: 10 rows, 3 positives (0.3). Group 1: 8 rows, 6 positives (0.75).
  std::vector<double> xs, ys;
  for (int i = 0; i < 10; ++i) xs.push_back(0), ys.push_back(i < 3 ? 1 : 0);
  for (int i = 0; i < 8; ++i) xs.push_back(1), ys.push_back(i < 6 ? 1 : 0);
  Eigen::MatrixXd x = Eigen::Map<Eigen::VectorXd>(xs.data(), static_cast<Eigen::Index>(xs.size()));
  Eigen::VectorXd y = Eigen::Map<Eigen::VectorXd>(ys.data(), static_cast<Eigen::Index>(ys.size()));
  auto fit = fitLogistic(x, y);
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->coefficients[0], logit(0.3), 1e-9);
  EXPECT_NEAR(fit->coefficients[1], logit(0.75) - logit(0.3), 1e-9);
  const double v0 = 1 / (10 * 0.3 * 0.7), v1 = 1 / (8 * 0.75 * 0.25);
  EXPECT_NEAR(fit->std_errors[0], std::sqrt(v0), 1e-9);
  EXPECT_NEAR(fit->std_errors[1], std::sqrt(v0 + v1), 1e-9);
  const double ll = 3 * std::log(0.3) + 7 * std::log(0.7) + 6 * std::log(0.75) + 2 * std::log(0.25);
  EXPECT_NEAR(fit->log_likelihood, ll, 1e-9);
}

// (b) Three features, 60 rows. Data and expected numbers from R 4.2 (Debian's r-base):
//   set.seed(20261123); n <- 60; x1 <- round(rnorm(n), 2); x2 <- rbinom(n, 1, 0.4)
//   x3 <- sample(0:5, n, replace = TRUE); y <- rbinom(n, 1, plogis(-0.5 + 0.8*x1 - x2 + 0.3*x3))
//   m <- glm(y ~ x1 + x2 + x3, family = binomial, control = glm.control(epsilon = 1e-14))
//   sprintf("%.12f", coef(m)); sprintf("%.12f", sqrt(diag(vcov(m)))); logLik(m)
TEST(LogisticRegressionTest, MatchesRGlmToOneInAMillion) {
  const std::vector<double> x1 = {
      0.35,  -0.04, -1.63, -0.09, 0.98,  0.56,  -1.65, -0.22, 0.83,  -0.1,  -0.7, -0.59,
      -0.94, 2.49,  -0.69, -0.88, 2.13,  -0.68, 0.59,  1.53,  0.43,  0.19,  1.16, -0.22,
      0.6,   -1.01, 0.94,  0.09,  0.37,  -0.91, -0.51, 0.38,  -0.64, -0.02, 1.41, 1.88,
      -0.26, -1.41, 0.43,  -0.03, -1.39, 0.24,  -0.18, 0.16,  -2.67, 1.27,  0.59, 2.03,
      -1.66, -1.43, 1.2,   -1.77, 0.24,  -0.25, -0.58, 0.33,  -1.48, -0.88, 1.06, 1.6};
  const std::vector<double> x2 = {0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0,
                                  1, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0,
                                  1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
  const std::vector<double> x3 = {3, 0, 3, 1, 1, 5, 5, 0, 0, 2, 2, 0, 5, 4, 3, 5, 0, 4, 3, 4,
                                  1, 5, 1, 5, 3, 1, 1, 2, 3, 5, 4, 2, 4, 2, 3, 1, 0, 0, 4, 1,
                                  1, 2, 4, 4, 2, 4, 3, 5, 1, 3, 4, 5, 1, 0, 1, 0, 5, 2, 4, 3};
  const std::vector<double> ys = {1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1,
                                  0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0,
                                  0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 1};
  const Eigen::Index n = 60;
  Eigen::MatrixXd x(n, 3);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto k = static_cast<size_t>(i);
    x(i, 0) = x1[k], x(i, 1) = x2[k], x(i, 2) = x3[k], y[i] = ys[k];
  }
  auto fit = fitLogistic(x, y);
  ASSERT_TRUE(fit.ok()) << fit.status();
  const Eigen::VectorXd coef =
      vec({-0.923811680176, 1.299084049687, -1.398831061776, 0.489021117363});
  const Eigen::VectorXd se = vec({0.668919077069, 0.406193043274, 0.699882913299, 0.207396225384});
  for (Eigen::Index j = 0; j < 4; ++j) {
    EXPECT_NEAR(fit->coefficients[j], coef[j], 1e-6) << j;
    EXPECT_NEAR(fit->std_errors[j], se[j], 1e-6) << j;
  }
  EXPECT_NEAR(fit->log_likelihood, -28.485608517537, 1e-6);
}

TEST(LogisticRegressionTest, L2ShrinksTheSlopesButNotTheInterceptAndSolvesThePenalisedScore) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  const Eigen::Index n = 400;
  Eigen::MatrixXd x(n, 2);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    x(i, 0) = normal(rng), x(i, 1) = normal(rng);
    y[i] = std::uniform_real_distribution<double>()(rng) < logistic(1 + x(i, 0) - x(i, 1));
  }
  auto plain = fitLogistic(x, y);
  LogisticOptions options;
  options.l2 = 50;
  auto ridge = fitLogistic(x, y, options);
  ASSERT_TRUE(plain.ok() && ridge.ok());
  EXPECT_LT(std::abs(ridge->coefficients[1]), std::abs(plain->coefficients[1]));
  EXPECT_LT(std::abs(ridge->coefficients[2]), std::abs(plain->coefficients[2]));
  // The penalised score is zero at the solution: Xᵀ(y − p) = λ b (intercept: Σ(y − p) = 0).
  const Eigen::VectorXd p = predictLogistic(x, ridge->coefficients);
  EXPECT_NEAR((y - p).sum(), 0, 1e-8);
  EXPECT_NEAR(x.col(0).dot(y - p), 50 * ridge->coefficients[1], 1e-8);
  EXPECT_NEAR(x.col(1).dot(y - p), 50 * ridge->coefficients[2], 1e-8);
  EXPECT_TRUE(ridge->std_errors.allFinite());
}

// (c) Errors instead of NaN.
TEST(LogisticRegressionTest, PerfectSeparationByOneColumnIsAnErrorNamingIt) {
  const std::vector<std::string> names = {"days_overdue"};
  auto fit =
      fitLogistic(column({1, 2, 3, 4, 5, 6, 7, 8}), vec({0, 0, 0, 0, 1, 1, 1, 1}), {}, names);
  ASSERT_FALSE(fit.ok());
  EXPECT_THAT(fit.status().message(), HasSubstr("days_overdue separates the classes"));
  EXPECT_THAT(fit.status().message(), HasSubstr("separation"));
}

TEST(LogisticRegressionTest, QuasiCompleteSeparationIsAnError) {
  // x = 1 only ever with y = 1; x = 0 with both: the slope's estimate is +infinity.
  auto fit =
      fitLogistic(column({0, 0, 0, 0, 0, 0, 1, 1, 1, 1}), vec({0, 1, 0, 1, 0, 0, 1, 1, 1, 1}));
  ASSERT_FALSE(fit.ok());
  EXPECT_THAT(fit.status().message(), HasSubstr("column 1 separates the classes"));
}

TEST(LogisticRegressionTest, SeparationByACombinationOfColumnsIsAnError) {
  // Neither column alone separates, but y = 1 exactly when x1 + x2 > 0.
  Eigen::MatrixXd x(12, 2);
  x << -2, 1, -1, 3, 1, -3, 2, -1, -3, 2, 3, -2, 1, 1, -1, -2, 2, 1, -2, -1, 0.5, 1, -1, 0.5;
  Eigen::VectorXd y(12);
  for (Eigen::Index i = 0; i < 12; ++i) y[i] = x(i, 0) + x(i, 1) > 0 ? 1 : 0;
  auto fit = fitLogistic(x, y);
  ASSERT_FALSE(fit.ok());
  EXPECT_THAT(fit.status().message(), HasSubstr("separation by a combination of features"));
  // With a penalty the estimate exists.
  LogisticOptions options;
  options.l2 = 1;
  auto ridge = fitLogistic(x, y, options);
  ASSERT_TRUE(ridge.ok()) << ridge.status();
  EXPECT_TRUE(ridge->coefficients.allFinite());
}

TEST(LogisticRegressionTest, ConstantColumnIsAnErrorNamingIt) {
  Eigen::MatrixXd x(8, 2);
  x << 1, 3, 2, 3, 3, 3, 4, 3, 5, 3, 6, 3, 7, 3, 8, 3;
  const std::vector<std::string> names = {"visits", "group_size"};
  auto fit = fitLogistic(x, vec({0, 1, 0, 1, 1, 0, 1, 0}), {}, names);
  ASSERT_FALSE(fit.ok());
  EXPECT_THAT(fit.status().message(), HasSubstr("group_size is constant"));
}

TEST(LogisticRegressionTest, TooFewRowsOneClassBadLabelsAndCollinearColumnsAreErrors) {
  auto few = fitLogistic(column({1, 2, 3}), vec({0, 1, 0}));
  ASSERT_FALSE(few.ok());
  EXPECT_THAT(few.status().message(), HasSubstr("too few rows"));

  auto one = fitLogistic(column({1, 2, 3, 4, 5, 6}), vec({1, 1, 1, 1, 1, 1}));
  ASSERT_FALSE(one.ok());
  EXPECT_THAT(one.status().message(), HasSubstr("both classes"));

  auto bad = fitLogistic(column({1, 2, 3, 4, 5, 6}), vec({1, 0, 2, 0, 1, 0}));
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("row 3"));

  Eigen::MatrixXd x(10, 2);
  for (Eigen::Index i = 0; i < 10; ++i) x(i, 0) = static_cast<double>(i % 4), x(i, 1) = 2 * x(i, 0);
  auto collinear = fitLogistic(x, vec({0, 1, 1, 0, 1, 0, 0, 1, 1, 0}));
  ASSERT_FALSE(collinear.ok());
  EXPECT_THAT(collinear.status().message(), HasSubstr("collinear"));

  auto nan = fitLogistic(column({1, 2, NAN, 4, 5, 6}), vec({1, 0, 1, 0, 1, 0}));
  ASSERT_FALSE(nan.ok());
  EXPECT_THAT(nan.status().message(), HasSubstr("not finite in row 3"));
}

TEST(LogisticRegressionTest, NonConvergenceIsAnError) {
  Eigen::MatrixXd x(8, 1);
  x << 1, 2, 3, 4, 5, 6, 7, 8;
  LogisticOptions options;
  options.max_iterations = 1;
  auto fit = fitLogistic(x, vec({0, 1, 0, 0, 1, 1, 0, 1}), options);
  ASSERT_FALSE(fit.ok());
  EXPECT_THAT(fit.status().message(), HasSubstr("no convergence in 1 iterations"));
}

// (d) Recovery: 100,000 rows from a known model with 10 features (continuous and binary),
// coefficients within 10% on a 70% training part, AUC ≥ 0.8 on the other 30%.
TEST(LogisticRegressionTest, RecoversAKnownGeneratingModel) {
  const std::vector<double> truth = {-1.5, 0.8, -0.6, 1.2, 0.5, -1.0, 0.7, 0.4, -0.9, 1.5, 0.6};
  const Eigen::Index n = 100000, p = 10, train = 70000;
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  simulate(
      truth, n, 20261123, [](Eigen::Index j) { return j >= 6; }, 0.3, x, y);
  auto fit = fitLogistic(x.topRows(train), y.head(train));
  ASSERT_TRUE(fit.ok()) << fit.status();
  for (Eigen::Index j = 0; j <= p; ++j) {
    const double want = truth[static_cast<size_t>(j)];
    EXPECT_NEAR(fit->coefficients[j], want, 0.1 * std::abs(want)) << "coefficient " << j;
    EXPECT_GT(fit->std_errors[j], 0);
    EXPECT_LT(fit->std_errors[j], 0.05);
  }
  const Eigen::VectorXd held = predictLogistic(x.bottomRows(n - train), fit->coefficients);
  const Eigen::VectorXd held_y = y.tail(n - train);
  auto auc = rocAuc(std::span<const double>(held.data(), static_cast<size_t>(held.size())),
                    std::span<const double>(held_y.data(), static_cast<size_t>(held_y.size())));
  ASSERT_TRUE(auc.has_value());
  EXPECT_GE(*auc, 0.8);
  const auto table =
      calibrationTable(std::span<const double>(held.data(), static_cast<size_t>(held.size())),
                       std::span<const double>(held_y.data(), static_cast<size_t>(held_y.size())));
  ASSERT_EQ(table.size(), 10u);
  for (const CalibrationBin& b : table) {
    EXPECT_EQ(b.count, 3000u);
    EXPECT_NEAR(b.observed_rate, b.mean_predicted, 0.04);
  }
}

TEST(LogisticRegressionTest, TheAvx2BuildAgreesWithTheBaselineBuild) {
  // 20 features, some binary, a ridge penalty: the shape of the escalation self-fit.
  const Eigen::Index n = 20000, p = 20;
  std::vector<double> coefficients = {-1};
  for (Eigen::Index j = 0; j < p; ++j) coefficients.push_back(j % 2 == 0 ? 0.3 : -0.2);
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  simulate(
      coefficients, n, 11, [](Eigen::Index j) { return j % 3 == 0; }, 0.25, x, y);
  LogisticOptions best;
  best.l2 = 0.5;
  LogisticOptions baseline = best;
  baseline.avx2 = false;
  auto a = fitLogistic(x, y, best);
  auto b = fitLogistic(x, y, baseline);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->iterations, b->iterations);
  for (Eigen::Index j = 0; j <= p; ++j) {
    EXPECT_NEAR(a->coefficients[j], b->coefficients[j], 1e-9) << "coefficient " << j;
    EXPECT_NEAR(a->std_errors[j], b->std_errors[j], 1e-9) << "standard error " << j;
  }
  EXPECT_NEAR(a->log_likelihood, b->log_likelihood, 1e-9 * std::abs(b->log_likelihood));
}

TEST(LogisticRegressionTest, AucByRanksWithTies) {
  // Positives 0.8, 0.4 (tie with a negative), negatives 0.4, 0.2, 0.1: pairs won 3 + 2.5 of 6.
  const std::vector<double> s = {0.8, 0.4, 0.4, 0.2, 0.1};
  const std::vector<double> l = {1, 1, 0, 0, 0};
  EXPECT_NEAR(*rocAuc(s, l), 5.5 / 6, 1e-12);
  const std::vector<double> all_tied = {0.5, 0.5, 0.5, 0.5};
  EXPECT_NEAR(*rocAuc(all_tied, std::vector<double>{1, 0, 1, 0}), 0.5, 1e-12);
  EXPECT_FALSE(rocAuc(s, std::vector<double>{1, 1, 1, 1, 1}).has_value());
}

TEST(LogisticRegressionTest, CalibrationTableCutsSortedPredictionsIntoEqualGroups) {
  std::vector<double> p, y;
  for (int i = 0; i < 20; ++i) p.push_back((19 - i) / 20.0), y.push_back(i % 2);
  const auto table = calibrationTable(p, y, 4);
  ASSERT_EQ(table.size(), 4u);
  EXPECT_EQ(table[0].count, 5u);
  EXPECT_NEAR(table[0].mean_predicted, (0 + 1 + 2 + 3 + 4) / 20.0 / 5, 1e-12);
  EXPECT_NEAR(table[0].min_predicted, 0, 1e-12);
  EXPECT_NEAR(table[3].max_predicted, 0.95, 1e-12);
  const auto small = calibrationTable(std::vector<double>{0.1, 0.2}, std::vector<double>{0, 1});
  EXPECT_EQ(small.size(), 2u);
}

}  // namespace
}  // namespace casewatch
