#include "alerts/silence/silencer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerts/alert_labels.h"
#include "tests/fakes/contract_alert_names.h"

namespace casewatch {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr TimeMs kT0 = 1772586900000;
constexpr TimeMs kHour = kMsPerHour;

Alert alert(std::string model = "overdue", Tier tier = Tier::kRed, std::string subject = "C-1") {
  Alert a;
  a.alert_id = alertFingerprint(model, SubjectKind::kCase, subject);
  a.model = std::move(model);
  a.tier = tier;
  a.subject_kind = SubjectKind::kCase;
  a.subject_id = std::move(subject);
  a.region = "520302";
  a.agency = "huichuan-hrss";
  return a;
}

Silence silence(std::vector<SilenceMatcher> m, TimeMs ends = kT0 + kHour) {
  Silence s;
  s.matchers = std::move(m);
  s.ends_at = ends;
  s.comment = "planned work";
  return s;
}

const AlertNames kNames = testing::contractAlertNames();

TEST(AlertLabelsTest, NamesAndSeverities) {
  EXPECT_EQ(severityOf(Tier::kBlue), "info");
  EXPECT_EQ(severityOf(Tier::kYellow), "warning");
  EXPECT_EQ(severityOf(Tier::kOrange), "major");
  EXPECT_EQ(severityOf(Tier::kRed), "critical");
  const Alert a = alert();
  EXPECT_EQ(alertLabel(a, "alertname", kNames), "CaseOverdue");
  EXPECT_EQ(alertLabel(a, "severity", kNames), "critical");
  EXPECT_EQ(alertLabel(a, "subject_kind", kNames), "case");
  EXPECT_EQ(alertLabel(a, "category", kNames), "");
  EXPECT_EQ(alertLabel(a, "nonsense", kNames), "");
}

TEST(SilencerTest, EqualityAndAnchoredRegexMatchers) {
  const Alert a = alert();
  EXPECT_TRUE(Silencer::matchesForTest(silence({{"alertname", "CaseOverdue", false}}), a, kNames));
  EXPECT_FALSE(Silencer::matchesForTest(silence({{"alertname", "Case", false}}), a, kNames));
  EXPECT_TRUE(Silencer::matchesForTest(silence({{"agency", "huichuan-.*", true}}), a, kNames));
  EXPECT_FALSE(
      Silencer::matchesForTest(silence({{"agency", "hrss", true}}), a, kNames));  // anchored
  EXPECT_TRUE(Silencer::matchesForTest(silence({{"agency", ".*hrss", true}}), a, kNames));
  EXPECT_TRUE(Silencer::matchesForTest(silence({{"tier", "red|orange", true}}), a, kNames));
  // Every matcher must match.
  EXPECT_FALSE(Silencer::matchesForTest(
      silence({{"tier", "red", false}, {"severity", "warning", false}}), a, kNames));
  // A label the alert lacks is "".
  EXPECT_TRUE(Silencer::matchesForTest(
      silence({{"model", "overdue", false}, {"category", "", false}}), a, kNames));
}

TEST(SilencerTest, ACatastrophicRegexSilenceDoesNotHangMatching) {
  Silencer s(7 * kMsPerDay, kNames);
  ASSERT_TRUE(s.add(silence({{"subject_id", "(a+)+$", true}}), "li", kT0).ok());
  // std::regex backtracks exponentially here; RE2 answers in linear time.
  EXPECT_EQ(s.match(alert("overdue", Tier::kRed, std::string(50000, 'a') + "b"), kT0 + 1), "");
  EXPECT_NE(s.match(alert("overdue", Tier::kRed, std::string(50000, 'a')), kT0 + 1), "");
}

TEST(SilencerTest, ABadRegexIsRefusedWithRe2sReason) {
  Silencer s(7 * kMsPerDay, kNames);
  auto bad = s.add(silence({{"subject_id", "C-(1", true}}), "li", kT0);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("matchers[0].value: not a valid regular expression: missing )"));
}

TEST(SilencerTest, ActiveWindowAndTheEarliestSilenceWins) {
  Silencer s(7 * kMsPerDay, kNames);
  Silence later = silence({{"model", "overdue", false}}, kT0 + 3 * kHour);
  later.starts_at = kT0 + kHour;
  auto first = s.add(silence({{"subject_id", "C-1", false}}), "li", kT0);
  auto second = s.add(later, "wang", kT0);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->id, second->id);
  EXPECT_EQ(s.match(alert(), kT0), first->id);
  EXPECT_EQ(s.match(alert("overdue", Tier::kRed, "C-2"), kT0), "");  // `later` not started
  EXPECT_EQ(s.match(alert("overdue", Tier::kRed, "C-2"), kT0 + kHour), second->id);
  EXPECT_EQ(s.match(alert(), kT0 + kHour), second->id);  // the first has ended
  EXPECT_EQ(s.match(alert(), kT0 + 3 * kHour), "");
}

// An HA pair's replica adds the silence the other made with the id it was given there, so that
// expiring it through either replica ends the same silence.
TEST(SilencerTest, ASilenceGivenAnIdKeepsIt) {
  Silencer s(kMsPerDay, kNames);
  Silence given = silence({{"model", "overdue", false}});
  given.id = "00112233aabbccdd";
  auto a = s.add(given, "li", kT0);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->id, "00112233aabbccdd");
  EXPECT_EQ(s.match(alert(), kT0), "00112233aabbccdd");
  EXPECT_TRUE(s.expire("00112233aabbccdd", "wang", kT0 + kHour / 2).ok());
}

TEST(SilencerTest, ExpireListAndForget) {
  Silencer s(kMsPerDay, kNames);
  auto a = s.add(silence({{"model", "overdue", false}}), "li", kT0);
  ASSERT_TRUE(a.ok());
  auto e = s.expire(a->id, "wang", kT0 + 10 * kMsPerMinute);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->expired_by, "wang");
  EXPECT_EQ(e->expired_at, kT0 + 10 * kMsPerMinute);
  EXPECT_EQ(s.match(alert(), kT0 + 11 * kMsPerMinute), "");
  EXPECT_EQ(s.expire(a->id, "wang", kT0 + 11 * kMsPerMinute).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.expire("nope", "wang", kT0).status().code(), absl::StatusCode::kNotFound);
  ASSERT_THAT(s.list(), SizeIs(1));
  EXPECT_EQ(s.collectGarbage(kT0 + 10 * kMsPerMinute + kMsPerDay - 1), 0u);
  EXPECT_EQ(s.collectGarbage(kT0 + 10 * kMsPerMinute + kMsPerDay), 1u);
  EXPECT_THAT(s.list(), IsEmpty());
}

TEST(SilencerTest, ValidationNamesTheField) {
  Silencer s(kMsPerDay, kNames);
  auto msg = [&](Silence x) {
    return std::string(s.add(std::move(x), "li", kT0).status().message());
  };
  EXPECT_THAT(msg(silence({{"tier", "[", true}})), HasSubstr("matchers[0].value"));
  EXPECT_THAT(msg(silence({{"tier", "red", false}, {"who", "x", false}})),
              HasSubstr("matchers[1].name"));
  EXPECT_THAT(msg(silence({{"region", "", false}})), HasSubstr("empty value"));
  EXPECT_THAT(msg(silence({{"region", "5.*", true}}, kT0 - 1)), HasSubstr("ends_at"));
  Silence past = silence({{"region", "5.*", true}}, kT0 - 1);
  past.starts_at = kT0 - 10;
  EXPECT_THAT(msg(past), HasSubstr("future"));
  EXPECT_EQ(s.size(), 0u);
}

TEST(SilencerTest, PersistentFormRoundTrips) {
  Silencer s(kMsPerDay, kNames);
  ASSERT_TRUE(
      s.add(silence({{"agency", "huichuan-.*", true}, {"tier", "red", false}}), "li", kT0).ok());
  auto b = s.add(silence({{"model", "key_case", false}}), "wang", kT0);
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(s.expire(b->id, "zhao", kT0 + 1).ok());
  Silencer back(kMsPerDay, kNames);
  ASSERT_TRUE(back.loadJson(s.toJson()).ok());
  ASSERT_THAT(back.list(), SizeIs(2));
  const std::vector<Silence> l1 = s.list(), l2 = back.list();
  for (size_t i = 0; i < l1.size(); ++i) {
    EXPECT_EQ(l1[i].id, l2[i].id);
    EXPECT_EQ(l1[i].created_by, l2[i].created_by);
    EXPECT_EQ(l1[i].expired_by, l2[i].expired_by);
    EXPECT_EQ(l1[i].ends_at, l2[i].ends_at);
    ASSERT_EQ(l1[i].matchers.size(), l2[i].matchers.size());
    EXPECT_EQ(l1[i].matchers[0].is_regex, l2[i].matchers[0].is_regex);
  }
  EXPECT_NE(back.match(alert(), kT0 + 2), "");  // the regex was compiled again
  // A damaged entry is skipped and reported; the others load.
  EXPECT_FALSE(
      back.loadJson(R"([{"id":"x","matchers":[{"name":"model","value":"(","is_regex":true}]},
                                 {"id":"y","matchers":[{"name":"model","value":"overdue"}],
                                  "starts_at":0,"ends_at":9999999999999}])")
          .ok());
  EXPECT_THAT(back.list(), SizeIs(1));
  EXPECT_FALSE(back.loadJson("not json").ok());
}

}  // namespace
}  // namespace casewatch
