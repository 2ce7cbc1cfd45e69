// The row taker's clock schedule (every D days of an open case's life): a row at the registration
// and at each multiple of D while the case is open, none after it closes, back on the clock when
// it reopens; labels as on the event schedule (a review request within the horizon is 1).
#include "models/escalation_risk/escalation_rows.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/fakes/event_builder.h"

namespace casewatch {
namespace {

using testing::EventBuilder;
using testing::timeOf;

class Schedule {
 public:
  Schedule() : features_(ClocksConfig{}, 30), taker_(30, 10) {}
  void apply(const CaseEvent& ev) {
    taker_.advanceTo(ev.ts, store_, features_);
    const CaseUpdate u = store_.apply(ev);
    features_.observe(ev, u, store_);
    taker_.onEvent(ev, u, store_, features_);
  }
  void advanceTo(TimeMs t) { taker_.advanceTo(t, store_, features_); }
  std::vector<std::string> ids() {
    for (EscalationRow& r : taker_.takeLabelled()) rows_.push_back(std::move(r));
    std::vector<std::string> out;
    for (const EscalationRow& r : rows_) out.push_back(r.row_id + "=" + std::to_string(r.label));
    return out;
  }
  EscalationRowTaker& taker() { return taker_; }

 private:
  CaseStore store_;
  EscalationFeatureBuilder features_;
  EscalationRowTaker taker_;
  std::vector<EscalationRow> rows_;
};

TEST(EscalationRowScheduleTest, RowsEveryDDaysWhileOpenLabelledByTheHorizon) {
  Schedule s;
  const TimeMs t0 = timeOf("2026-03-02T09:00:00+08:00");
  s.apply(EventBuilder::registered("C-1", t0).build());
  s.apply(EventBuilder::of(EventType::kAccepted, "C-1", t0 + 2 * kMsPerDay).build());
  s.apply(EventBuilder::of(EventType::kReplied, "C-1", t0 + 25 * kMsPerDay).build());
  // A review request on day 35: the rows of days 10, 20 and 30 see it within 30 days; day 0 not.
  s.apply(EventBuilder::of(EventType::kReviewRequested, "C-1", t0 + 35 * kMsPerDay).build());
  s.apply(EventBuilder::of(EventType::kClosed, "C-1", t0 + 44 * kMsPerDay).build());
  s.advanceTo(t0 + 200 * kMsPerDay);
  EXPECT_EQ(s.ids(), (std::vector<std::string>{"C-1+0d=0", "C-1+10d=1", "C-1+20d=1", "C-1+30d=1",
                                               "C-1+40d=0"}));
  EXPECT_EQ(s.taker().scheduled(), 0u);  // closed: off the clock
  EXPECT_EQ(s.taker().pending(), 0u);
}

TEST(EscalationRowScheduleTest, AReopenedCaseComesBackOnTheClock) {
  Schedule s;
  const TimeMs t0 = timeOf("2026-03-02T09:00:00+08:00");
  s.apply(EventBuilder::registered("C-1", t0).build());
  s.apply(EventBuilder::of(EventType::kClosed, "C-1", t0 + 5 * kMsPerDay).build());
  s.apply(EventBuilder::of(EventType::kReopened, "C-1", t0 + 31 * kMsPerDay).build());
  s.advanceTo(t0 + 41 * kMsPerDay);
  s.apply(EventBuilder::of(EventType::kClosed, "C-1", t0 + 45 * kMsPerDay).build());
  s.advanceTo(t0 + 200 * kMsPerDay);
  EXPECT_EQ(s.ids(), (std::vector<std::string>{"C-1+0d=0", "C-1+40d=0"}));
}

// Rows labelled 1 early (most of them) and 0 at their horizon (the rest), among many cases: each
// row is labelled once, in the order the labels became known, and none is left waiting. The rows
// escalated early leave stale entries in the taker's expiry heap; there are enough of them here
// that it drops them before the horizon.
TEST(EscalationRowScheduleTest, EachRowIsLabelledOnceWhetherEscalatedOrExpired) {
  Schedule s;
  const TimeMs t0 = timeOf("2026-03-02T09:00:00+08:00");
  constexpr int kCases = 3000;
  for (int k = 0; k < kCases; ++k) {
    s.apply(EventBuilder::registered("C-" + std::to_string(k), t0 + k * 1000).build());
  }
  EXPECT_EQ(s.taker().pending(), static_cast<size_t>(kCases));
  // Two of every three cases ask for a review on day 3: their registration rows are labelled 1.
  for (int k = 0; k < kCases; ++k) {
    if (k % 3 == 2) continue;
    s.apply(EventBuilder::of(EventType::kReviewRequested, "C-" + std::to_string(k),
                             t0 + 3 * kMsPerDay + k * 1000)
                .build());
  }
  EXPECT_EQ(s.taker().pending(), static_cast<size_t>(kCases / 3));
  for (int k = 0; k < kCases; ++k) {
    s.apply(
        EventBuilder::of(EventType::kClosed, "C-" + std::to_string(k), t0 + 4 * kMsPerDay).build());
  }
  s.advanceTo(t0 + 40 * kMsPerDay);
  EXPECT_EQ(s.taker().pending(), 0u);
  const std::vector<std::string> ids = s.ids();
  ASSERT_EQ(ids.size(), static_cast<size_t>(kCases));
  std::vector<std::string> expected;
  for (int k = 0; k < kCases; ++k) {
    if (k % 3 != 2) expected.push_back("C-" + std::to_string(k) + "+0d=1");
  }
  for (int k = 2; k < kCases; k += 3) expected.push_back("C-" + std::to_string(k) + "+0d=0");
  EXPECT_EQ(ids, expected);
  s.advanceTo(t0 + 400 * kMsPerDay);
  EXPECT_EQ(s.ids().size(), static_cast<size_t>(kCases));  // nothing labelled twice
}

}  // namespace
}  // namespace casewatch
