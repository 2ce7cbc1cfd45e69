// `feedgen --overdue-share S`: the share of cases that miss a statutory deadline is S, as the
// truth oracle (CaseClock over the events written) finds it (tools/feedgen/planned_fault.h).
#include "tools/feedgen/planned_fault.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "base/time.h"
#include "tools/feedgen/feed_generator.h"

namespace casewatch::feedgen {
namespace {

using nlohmann::json;

struct OverdueCount {
  size_t cases = 0;
  size_t overdue = 0;
  // Cases registered at least 16 days before the end of the feed: their procedural-reply (7-day)
  // and routing (15-day) deadlines have passed, so a planned miss has shown.
  size_t mature = 0;
  size_t mature_overdue = 0;
  double share() const { return static_cast<double>(overdue) / static_cast<double>(cases); }
  double matureShare() const {
    return static_cast<double>(mature_overdue) / static_cast<double>(mature);
  }
};

OverdueCount countOverdue(const FeedgenOptions& options) {
  FeedGenerator g(options, true);
  FeedLine line;
  while (g.next(line)) {
  }
  // ctest runs the tests of this file in parallel processes: one file per test.
  const std::string path = ::testing::TempDir() + "/planned_fault_" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name() +
                           ".jsonl";
  EXPECT_TRUE(g.writeTruth(path).ok());
  std::ifstream in(path);
  std::vector<json> truth;
  for (std::string l; std::getline(in, l);) truth.push_back(json::parse(l));
  std::remove(path.c_str());
  OverdueCount n;
  if (truth.empty()) return n;
  const TimeMs end = *parseRfc3339(truth.back()["end"].get<std::string>());
  for (const json& t : truth) {
    if (t["kind"] != "case") continue;
    const bool overdue = !t["on_time"].get<bool>();
    ++n.cases;
    n.overdue += overdue ? 1 : 0;
    if (*parseRfc3339(t["registered"].get<std::string>()) <= end - 16 * kMsPerDay) {
      ++n.mature;
      n.mature_overdue += overdue ? 1 : 0;
    }
  }
  return n;
}

FeedgenOptions options(double share) {
  FeedgenOptions o;
  o.cases = 4000;
  o.seed = 11;
  o.days = 120;
  o.overdue_share = share;
  return o;
}

TEST(PlannedFaultTest, TheShareOfCasesThatGoOverdueIsTheOverdueShare) {
  for (double share : {0.0, 0.3, 0.8, 1.0}) {
    SCOPED_TRACE(share);
    const OverdueCount n = countOverdue(options(share));
    ASSERT_EQ(n.cases, 4000u);
    ASSERT_GT(n.mature, 3000u);
    // 4000 draws: the binomial standard deviation is below 0.008.
    EXPECT_NEAR(n.matureShare(), share, 0.03);
    // Feed-wide, the youngest cases have not reached a deadline yet: a little less, never more.
    EXPECT_LE(n.share(), share + 0.01);
    EXPECT_GE(n.share(), share * 0.85 - 0.01);
  }
}

TEST(PlannedFaultTest, MostCasesGoOverdueInTheAlertHeavyFeed) {
  // What bench/run generates: most cases miss a deadline, against about 8% by default.
  const OverdueCount heavy = countOverdue(options(0.8));
  FeedgenOptions plain = options(0);
  plain.overdue_share.reset();
  const OverdueCount normal = countOverdue(plain);
  EXPECT_GT(heavy.share(), 0.5);
  EXPECT_LT(normal.share(), 0.2);
}

TEST(PlannedFaultTest, AnOverdueShareOutsideZeroToOneIsRefused) {
  FeedgenOptions o = options(1.5);
  EXPECT_FALSE(o.validate().ok());
  o.overdue_share = -0.1;
  EXPECT_FALSE(o.validate().ok());
  o.overdue_share = 0.8;
  EXPECT_TRUE(o.validate().ok());
}

TEST(PlannedFaultTest, WithoutAnOverdueShareTheGeneratorsOwnMixIsDrawn) {
  // The default path draws as it always has: same seed, same faults (same bytes downstream).
  for (uint64_t seed = 1; seed < 200; ++seed) {
    Rng a(seed), b(seed);
    const Fault f = planFault(Profile::kRegular, std::nullopt, a);
    const bool faulty = b.chance(0.12);
    EXPECT_EQ(f != Fault::kNone, faulty) << seed;
  }
}

}  // namespace
}  // namespace casewatch::feedgen
