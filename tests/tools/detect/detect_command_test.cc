// `casewatch detect`: output rows against R's earsC numbers, the CUSUM on a hand-worked series,
// and every kind of bad input named by its line or column, with exit code 2.
#include "tools/detect/detect_command.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tools/detect/count_csv.h"

namespace casewatch::detect {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

nlohmann::json row(const std::string& line) {
  return nlohmann::json::parse(line);
}

DetectRun method(std::string m) {
  DetectRun r;
  r.method = std::move(m);
  r.counts = "-";
  return r;
}

// The series s1 of tests/models/stats/ears_test.cc; R's earsC C1 gives these upper bounds.
const char kS1[] =
    "t,count\n0,3\n1,5\n2,4\n3,6\n4,2\n5,4\n6,5\n7,3\n8,7\n9,4\n10,5\n11,3\n12,4\n13,20\n14,5\n";

TEST(DetectCommandTest, EarsC1RowsMatchR) {
  auto out = detectJsonLines(method("ears-c1"), kS1);
  ASSERT_TRUE(out.ok()) << out.status();
  const auto ls = lines(*out);
  ASSERT_EQ(ls.size(), 15u);
  for (int i = 0; i < 7; ++i) {
    const auto j = row(ls[i]);
    EXPECT_EQ(j["t"], i);
    EXPECT_TRUE(j["upperbound"].is_null()) << ls[i];
    EXPECT_EQ(j["alarm"], false);
  }
  EXPECT_EQ(ls[0], R"({"t": 0, "observed": 3, "upperbound": null, "alarm": false})");
  auto j = row(ls[7]);
  EXPECT_EQ(j["observed"], 3);
  EXPECT_NEAR(j["upperbound"].get<double>(), 8.299792580178174, 1e-12);
  EXPECT_EQ(j["alarm"], false);
  j = row(ls[13]);
  EXPECT_EQ(j["observed"], 20);
  EXPECT_NEAR(j["upperbound"].get<double>(), 8.7464796740809021, 1e-12);
  EXPECT_EQ(j["alarm"], true);
  EXPECT_NEAR(row(ls[14])["upperbound"].get<double>(), 25.356477981253185, 1e-12);
}

TEST(DetectCommandTest, EarsC3UsesRsDefaultAlphaAndNullWhereRHasNaN) {
  // s2 of the EARS test: R gives NaN (alarm NA) on day 11 for C3 with alpha 0.025 by default.
  const std::string csv =
      "t,count\n"
      "0,0\n1,0\n2,0\n3,0\n4,0\n5,0\n6,0\n7,1\n8,0\n9,0\n10,0\n11,0\n12,0\n";
  auto out = detectJsonLines(method("ears-c3"), csv);
  ASSERT_TRUE(out.ok()) << out.status();
  const auto ls = lines(*out);
  ASSERT_EQ(ls.size(), 13u);
  for (int i = 0; i < 11; ++i) EXPECT_TRUE(row(ls[i])["upperbound"].is_null()) << i;  // B + 4
  EXPECT_TRUE(row(ls[11])["upperbound"].is_null());                                   // R: NaN
  EXPECT_EQ(row(ls[11])["alarm"], false);                                             // R: NA
  EXPECT_NEAR(row(ls[12])["upperbound"].get<double>(), 0.74079675453374649, 1e-12);   // alpha 0.025
  // With alpha given, the bound changes.
  DetectRun r = method("ears-c3");
  r.alpha = 0.001;
  auto strict = detectJsonLines(r, csv);
  ASSERT_TRUE(strict.ok());
  EXPECT_GT(row(lines(*strict)[12])["upperbound"].get<double>(), 0.75);
}

TEST(DetectCommandTest, BaselineAndMinSigmaOptions) {
  DetectRun r = method("ears-c2");
  r.baseline = 5;
  r.min_sigma = 0.5;
  const std::string csv = "t,count\n0,1\n1,0\n2,2\n3,1\n4,0\n5,0\n6,3\n7,1\n8,0\n9,2\n10,8\n";
  auto out = detectJsonLines(r, csv);
  ASSERT_TRUE(out.ok()) << out.status();
  const auto ls = lines(*out);
  EXPECT_TRUE(row(ls[6])["upperbound"].is_null());  // B + 2 = 7 rows without a bound
  // R (s3, baseline 5, minSigma 0.5, C2): day 7 -> 3.3854738432748199, day 10 -> 4.78474... alarm.
  EXPECT_NEAR(row(ls[7])["upperbound"].get<double>(), 3.3854738432748199, 1e-12);
  EXPECT_NEAR(row(ls[10])["upperbound"].get<double>(), 4.7847461683876311, 1e-12);
  EXPECT_EQ(row(ls[10])["alarm"], true);
}

TEST(DetectCommandTest, CusumOnAHandWorkedSeriesWithDates) {
  // Warm-up of 7 days at 1 a day (one per weekday), then 1, 0, 3, 4, 2 with k = 2, h = 2:
  // S = 0, 0, 1.0794, 2.8520 (alarm, reset), 0.3863; upper bound (h − S_prev + 1) / ln 2.
  DetectRun r = method("cusum");
  r.baseline = 7;
  r.h = 2;
  std::string csv = "t,count\n";
  const int counts[] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 3, 4, 2};
  for (int i = 0; i < 12; ++i) {
    csv += fmt::format("2026-03-{:02d},{}\n", 2 + i, counts[i]);
  }
  auto out = detectJsonLines(r, csv);
  ASSERT_TRUE(out.ok()) << out.status();
  const auto ls = lines(*out);
  ASSERT_EQ(ls.size(), 12u);
  EXPECT_EQ(row(ls[0])["t"], "2026-03-02");
  for (int i = 0; i < 7; ++i) EXPECT_TRUE(row(ls[i])["upperbound"].is_null());
  const double ln2 = std::log(2.0);
  const double s3 = 3 * ln2 - 1;
  EXPECT_NEAR(row(ls[7])["upperbound"].get<double>(), 3 / ln2, 1e-12);
  EXPECT_NEAR(row(ls[10])["upperbound"].get<double>(), (3 - s3) / ln2, 1e-12);
  const bool want[] = {false, false, false, true, false};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(row(ls[7 + i])["alarm"], want[i]) << i;
}

TEST(DetectCommandTest, HeaderInAnyOrderQuotedFieldsAndBlankLines) {
  auto out = detectJsonLines(method("ears-c1"), "\"count\",\"t\",note\r\n4,a,x\r\n\r\n5,b,y\r\n");
  ASSERT_TRUE(out.ok()) << out.status();
  const auto ls = lines(*out);
  ASSERT_EQ(ls.size(), 2u);
  EXPECT_EQ(ls[1], R"({"t": "b", "observed": 5, "upperbound": null, "alarm": false})");
}

TEST(DetectCommandTest, BadInputIsNamedByLineAndColumn) {
  auto err = [](const std::string& m, const std::string& csv) {
    auto out = detectJsonLines(method(m), csv);
    EXPECT_FALSE(out.ok());
    return out.ok() ? std::string() : std::string(out.status().message());
  };
  EXPECT_THAT(err("ears-c1", "t,value\n1,2\n"),
              HasSubstr("line 1: the header has no column \"count\""));
  EXPECT_THAT(err("ears-c1", "time,count\n1,2\n"), HasSubstr("no column \"t\""));
  EXPECT_THAT(err("ears-c1", "t,count\n1,2\n2,3,4\n"), HasSubstr("line 3: expected 2 fields"));
  EXPECT_THAT(err("ears-c1", "t,count\n1,2\n2,n/a\n"),
              HasSubstr("line 3, column \"count\": \"n/a\" is not a number"));
  EXPECT_THAT(err("ears-c1", "t,count\n1,-2\n"), HasSubstr("line 2, column \"count\""));
  EXPECT_THAT(err("ears-c1", "t,count\n,2\n"), HasSubstr("line 2, column \"t\": empty"));
  EXPECT_THAT(err("ears-c1", ""), HasSubstr("empty"));
  EXPECT_THAT(err("ears-c4", "t,count\n"), HasSubstr("--method"));
  EXPECT_THAT(err("c1", "t,count\n"), HasSubstr("--method"));
  DetectRun r = method("cusum");
  r.alpha = 0.01;
  EXPECT_FALSE(detectJsonLines(r, "t,count\n").ok());
  r = method("ears-c2");
  r.baseline = 2;
  EXPECT_THAT(std::string(detectJsonLines(r, "t,count\n").status().message()),
              HasSubstr("at least 3"));
}

TEST(DetectCommandTest, RunDetectExitsWith2OnBadInput) {
  const std::string path = ::testing::TempDir() + "/detect_bad.csv";
  {
    std::ofstream f(path);
    f << "t,count\n1,2\n2,many\n";
  }
  DetectRun r = method("ears-c1");
  r.counts = path;
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(runDetect(r), 2);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr("line 3, column \"count\""));
  EXPECT_THAT(err, HasSubstr(path));
  r.counts = ::testing::TempDir() + "/does-not-exist.csv";
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(runDetect(r), 1);
  ::testing::internal::GetCapturedStderr();
}

}  // namespace
}  // namespace casewatch::detect
