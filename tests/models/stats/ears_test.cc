// Known-answer tests of EARS C1/C2/C3 against R's surveillance::earsC (version 1.20.3). The
// expected numbers were produced once with R (the script is at the end of this file) and are
// committed here, so the tests do not need R.
#include "models/stats/ears.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace casewatch {
namespace {

// The three series given to R.
const std::vector<double> kS1 = {3, 5,  4, 6, 2, 4, 5, 3, 7, 4,  5, 3,
                                 4, 20, 5, 4, 3, 6, 4, 5, 9, 14, 6};
const std::vector<double> kS2 = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 2, 0};
const std::vector<double> kS3 = {1, 0, 2, 1, 0, 0, 3, 1, 0, 2, 8, 9, 1, 0, 1, 2};

constexpr double kDefault = -1;  // alpha not given to R: the method's default

struct Expected {
  double upperbound;  // NaN: R gave NaN (alarm NA)
  bool alarm;
};
const Expected kUndefined = {std::nan(""), false};

struct RCase {
  const char* series;
  EarsMethod method;
  int baseline;
  double min_sigma;
  double alpha;
  int first;  // 0-based index of the first day R judges (the points before have no upperbound)
  std::vector<Expected> rows;
};

const std::vector<double>& seriesNamed(const std::string& name) {
  if (name.rfind("s1", 0) == 0) return kS1;
  if (name.rfind("s2", 0) == 0) return kS2;
  return kS3;
}

// clang-format off
const std::vector<RCase> kRCases = {
    {"s1", EarsMethod::kC1, 7, 0, kDefault, 7,
     {{8.299792580178174, false},
      {8.299792580178174, false},
      {9.7383611911441381, false},
      {9.7383611911441381, false},
      {9.2411102293801157, false},
      {8.7464796740809021, false},
      {8.7464796740809021, true},
      {25.356477981253185, false},
      {25.176476062789202, false},
      {25.043396815669837, false},
      {25.143246470566012, false},
      {25.213620838396047, false},
      {25.100555523971934, false},
      {25.058425069691634, false},
      {11.174373008891308, true},
      {18.377977095621183, false}}},
    {"s2", EarsMethod::kC1, 7, 0, kDefault, 7,
     {{0, true},
      {1.3108551679339491, false},
      {1.3108551679339491, false},
      {1.3108551679339491, false},
      {1.3108551679339491, false},
      {1.3108551679339491, false},
      {1.3108551679339491, false},
      {1.3108551679339491, false},
      {0, true},
      {3.9325655038018477, false},
      {3.9325655038018477, false},
      {3.9325655038018477, false},
      {3.9325655038018477, false},
      {3.9325655038018477, false},
      {4.5880969193415986, false}}},
    {"s3_b5_ms05", EarsMethod::kC1, 5, 0.5, kDefault, 5,
     {{3.3854738432748199, false},
      {3.3639878011428692, false},
      {5.2291699766008275, false},
      {4.7847461683876311, false},
      {4.8291699766008271, false},
      {5.2291699766008275, true},
      {12.424473821929563, false},
      {16.9273692163741, false},
      {16.9273692163741, false},
      {16.9273692163741, false},
      {17.163245028949991, false}}},
    {"s1_alpha05", EarsMethod::kC1, 7, 0, 0.05, 7,
     {{6.3554902570193024, false},
      {6.3554902570193024, true},
      {7.2548401630887707, false},
      {7.2548401630887707, false},
      {6.9233480243335208, false},
      {6.7268863559943117, false},
      {6.7268863559943117, true},
      {16.570242120993051, false},
      {16.608067280040785, false},
      {16.336778973979964, false},
      {16.323108609661613, false},
      {16.427384978135908, false},
      {16.434020976311722, false},
      {16.478413832362577, false},
      {8.3532826919203451, true},
      {12.788942204623339, false}}},
    {"s1", EarsMethod::kC2, 7, 0, kDefault, 9,
     {{8.299792580178174, false},
      {8.299792580178174, false},
      {9.7383611911441381, false},
      {9.7383611911441381, false},
      {9.2411102293801157, true},
      {8.7464796740809021, false},
      {8.7464796740809021, false},
      {25.356477981253185, false},
      {25.176476062789202, false},
      {25.043396815669837, false},
      {25.143246470566012, false},
      {25.213620838396047, false},
      {25.100555523971934, false},
      {25.058425069691634, false}}},
    {"s2", EarsMethod::kC2, 7, 0, kDefault, 9,
     {{0, false},
      {1.3108551679339491, false},
      {1.3108551679339491, false},
      {1.3108551679339491, false},
      {1.3108551679339491, false},
      {1.3108551679339491, false},
      {1.3108551679339491, true},
      {1.3108551679339491, false},
      {0, false},
      {3.9325655038018477, false},
      {3.9325655038018477, false},
      {3.9325655038018477, false},
      {3.9325655038018477, false}}},
    {"s3_b5_ms05", EarsMethod::kC2, 5, 0.5, kDefault, 7,
     {{3.3854738432748199, false},
      {3.3639878011428692, false},
      {5.2291699766008275, false},
      {4.7847461683876311, true},
      {4.8291699766008271, true},
      {5.2291699766008275, false},
      {12.424473821929563, false},
      {16.9273692163741, false},
      {16.9273692163741, false}}},
    {"s1_alpha05", EarsMethod::kC2, 7, 0, 0.05, 9,
     {{6.3554902570193024, false},
      {6.3554902570193024, false},
      {7.2548401630887707, false},
      {7.2548401630887707, false},
      {6.9233480243335208, true},
      {6.7268863559943117, false},
      {6.7268863559943117, false},
      {16.570242120993051, false},
      {16.608067280040785, false},
      {16.336778973979964, false},
      {16.323108609661613, false},
      {16.427384978135908, false},
      {16.434020976311722, false},
      {16.478413832362577, false}}},
    {"s1", EarsMethod::kC3, 7, 0, kDefault, 11,
     {{6.3677069129562218, false},
      {7.3677069129562218, false},
      {23.14293445167079, false},
      {0, true},
      {0, true},
      {14.914321204129646, false},
      {17.618943091168923, false},
      {15.806357491116552, false},
      {16.960293032289336, false},
      {20.914321204129646, false},
      {25.752003698709391, false},
      {16.21643720087085, false}}},
    {"s2", EarsMethod::kC3, 7, 0, kDefault, 11,
     {kUndefined,
      {0.74079675453374649, false},
      {0.74079675453374649, false},
      {0.74079675453374649, false},
      {3.7407967545337466, false},
      {0, false},
      {0, false},
      kUndefined,
      kUndefined,
      {4.2223902636012394, false},
      {1.7848551112003499, false}}},
    {"s3_b5_ms05", EarsMethod::kC3, 5, 0.5, kDefault, 9,
     {{4.5554803844248166, false},
      {10.400455838177654, false},
      {5.407251801552067, true},
      {0, true},
      {0, false},
      {9.1991175965555687, false},
      {10.199117596555569, false}}},
    {"s1_alpha05", EarsMethod::kC3, 7, 0, 0.05, 11,
     {{5.8262687345173418, false},
      {6.8262687345173418, false},
      {22.637633738619236, false},
      {0, true},
      {0, true},
      {12.998813549564479, false},
      {15.750924422897928, false},
      {13.908207545408535, false},
      {15.037394323947328, false},
      {18.998813549564481, false},
      {23.862592404883152, false},
      {14.345889054571442, false}}},
};
// clang-format on

TEST(EarsTest, MatchesRSurveillanceEarsC) {
  for (const RCase& c : kRCases) {
    SCOPED_TRACE(std::string(c.series) + " " + std::string(earsMethodName(c.method)));
    const std::vector<double>& x = seriesNamed(c.series);
    EarsOptions o;
    o.method = c.method;
    o.baseline = c.baseline;
    o.min_sigma = c.min_sigma;
    o.alpha = c.alpha == kDefault ? earsDefaultAlpha(c.method) : c.alpha;
    ASSERT_EQ(earsHistoryNeeded(c.method, c.baseline), c.first);
    const std::vector<EarsPoint> got = earsC(x, o);
    ASSERT_EQ(got.size(), x.size());
    ASSERT_EQ(c.rows.size(), x.size() - static_cast<size_t>(c.first));
    for (int i = 0; i < c.first; ++i) {
      EXPECT_FALSE(got[i].judged) << "day " << i;
      EXPECT_FALSE(got[i].upperbound.has_value()) << "day " << i;
      EXPECT_FALSE(got[i].alarm) << "day " << i;
    }
    for (size_t r = 0; r < c.rows.size(); ++r) {
      const size_t t = r + static_cast<size_t>(c.first);
      const Expected& e = c.rows[r];
      EXPECT_TRUE(got[t].judged) << "day " << t;
      if (std::isnan(e.upperbound)) {
        EXPECT_FALSE(got[t].upperbound.has_value()) << "day " << t << ": R gave NaN";
      } else {
        ASSERT_TRUE(got[t].upperbound.has_value()) << "day " << t;
        EXPECT_NEAR(*got[t].upperbound, e.upperbound, 1e-9 * std::max(1.0, e.upperbound))
            << "day " << t;
      }
      EXPECT_EQ(got[t].alarm, e.alarm) << "day " << t;
    }
  }
}

// Worked by hand: C1 over the baseline 1..7 (mean 4, sd sqrt(28/6) = 2.160247), z(0.999) =
// 3.090232, so the upper bound is 4 + 3.090232 * 2.160247 = 10.675664.
TEST(EarsTest, HandWorkedC1AndTheFirstPoints) {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 10, 11};
  const std::vector<EarsPoint> got = earsC(x, EarsOptions{});
  for (int i = 0; i < 7; ++i) EXPECT_FALSE(got[i].upperbound.has_value());
  ASSERT_TRUE(got[7].upperbound.has_value());
  EXPECT_NEAR(*got[7].upperbound, 10.675664, 1e-6);
  EXPECT_FALSE(got[7].alarm);  // 10 < 10.68
  // Day 8: baseline 2..7,10: mean 37/7, sd 2.690371 -> 5.285714 + 3.090232 * 2.690371 = 13.599585.
  ASSERT_TRUE(got[8].upperbound.has_value());
  EXPECT_NEAR(*got[8].upperbound, 13.599585, 1e-6);
  EXPECT_FALSE(got[8].alarm);
}

// The alarm rule is strict: a count equal to the upper bound does not alarm.
TEST(EarsTest, AlarmIsStrict) {
  const std::vector<double> flat = {2, 2, 2, 2, 2, 2, 2, 2, 3};
  const std::vector<EarsPoint> got = earsC(flat, EarsOptions{});
  ASSERT_TRUE(got[7].upperbound.has_value());
  EXPECT_DOUBLE_EQ(*got[7].upperbound, 2.0);  // sd 0, minSigma 0
  EXPECT_FALSE(got[7].alarm);                 // 2 > 2 is false
  EXPECT_TRUE(got[8].alarm);                  // 3 > 2
}

// C2's window ends three days before the day judged: a spike one or two days earlier is not in it.
TEST(EarsTest, C2LagKeepsRecentDaysOutOfTheBaseline) {
  EarsOptions o;
  o.method = EarsMethod::kC2;
  const std::vector<double> history = {1, 1, 1, 1, 1, 1, 1, 50, 50};
  const EarsThreshold th = earsThreshold(history, o);
  ASSERT_TRUE(th.defined);
  EXPECT_DOUBLE_EQ(th.mean, 1.0);
  EXPECT_DOUBLE_EQ(th.sigma, 0.0);
  EXPECT_TRUE(th.alarm(2));
  EXPECT_FALSE(earsThreshold(std::span(history).first(8), o).defined);  // B + 2 = 9 needed
}

TEST(EarsTest, MinSigmaFloorsTheStandardDeviation) {
  EarsOptions o;
  o.min_sigma = 1.0;
  const std::vector<double> zeros(7, 0.0);
  const EarsThreshold th = earsThreshold(zeros, o);
  EXPECT_DOUBLE_EQ(th.sigma, 1.0);
  EXPECT_NEAR(th.upperbound(0), earsZ(0.001), 1e-12);
  EXPECT_FALSE(th.alarm(3));
  EXPECT_TRUE(th.alarm(4));
}

TEST(EarsTest, MethodNamesAndDefaults) {
  EarsMethod m;
  ASSERT_TRUE(earsMethodFromName("ears-c3", m));
  EXPECT_EQ(m, EarsMethod::kC3);
  ASSERT_TRUE(earsMethodFromName("C2", m));
  EXPECT_EQ(m, EarsMethod::kC2);
  EXPECT_FALSE(earsMethodFromName("c4", m));
  EXPECT_DOUBLE_EQ(earsDefaultAlpha(EarsMethod::kC1), 0.001);
  EXPECT_DOUBLE_EQ(earsDefaultAlpha(EarsMethod::kC3), 0.025);
  EXPECT_NEAR(earsZ(0.001), 3.090232306167813, 1e-12);
  EXPECT_NEAR(earsZ(0.025), 1.959963984540054, 1e-12);
}

}  // namespace
}  // namespace casewatch

// The R script that produced kRCases (R 4.2, r-cran-surveillance 1.20.3 from Debian 12):
//   library(surveillance)
//   run <- function(name, x, method, baseline = 7, minSigma = 0, alpha = NULL) {
//     ctl <- list(method = method, baseline = baseline, minSigma = minSigma)
//     if (!is.null(alpha)) ctl$alpha <- alpha
//     s <- sts(observed = matrix(x, ncol = 1), start = c(2000, 1), frequency = 365)
//     r <- earsC(s, control = ctl)
//     ub <- r@upperbound[, 1]; al <- r@alarm[, 1]
//     first <- length(x) - length(ub)
//     for (i in seq_along(ub)) cat(sprintf("%d,%.17g,%s\n", first + i - 1, ub[i], al[i]))
//   }
//   for (m in c("C1", "C2", "C3")) {
//     run("s1", s1, m); run("s2", s2, m)
//     run("s3_b5_ms05", s3, m, baseline = 5, minSigma = 0.5); run("s1_alpha05", s1, m, alpha =
//     0.05)
//   }
