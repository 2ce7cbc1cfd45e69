#include "models/overdue/overdue_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "tests/fakes/event_builder.h"
#include "tests/fakes/model_feed.h"
#include "tests/fakes/recording_model_metrics.h"
#include "tests/fakes/recording_signal_sink.h"
#include "tests/fakes/signal_builder.h"
#include "tests/fakes/worded_signal.h"

namespace casewatch {
namespace {

using testing::worded;

using ::testing::Contains;
using ::testing::ElementsAre;
using testing::EventBuilder;
using ::testing::HasSubstr;
using testing::reasonOf;
using testing::RecordingModelMetrics;
using testing::RecordingSignalSink;
using testing::timeOf;

constexpr TimeMs kDay = kMsPerDay;

class OverdueModelTest : public ::testing::Test {
 protected:
  OverdueModelTest() { makeModel(ClocksConfig{}); }

  void makeModel(const ClocksConfig& config) {
    config_ = config;
    model_ = std::make_unique<OverdueModel>(config_, std::nullopt);
  }
  CaseUpdate feed(const CaseEvent& ev) { return testing::feedModel(*model_, store_, ctx_, ev); }
  void advance(TimeMs t) { model_->advanceTo(t, ctx_); }
  uint32_t agencyId(std::string_view name) const { return store_.strings().find(name); }

  // 2026-03-04T09:15+08:00: procedural reply due at the end of Mar 11, routing at the end of
  // Mar 19, handling (from an acceptance the same day) at the end of May 3.
  const TimeMs t0_ = timeOf("2026-03-04T09:15:00+08:00");
  const TimeMs proc_due_ = timeOf("2026-03-12T00:00:00+08:00");
  const TimeMs routing_due_ = timeOf("2026-03-20T00:00:00+08:00");
  const TimeMs handling_due_ = timeOf("2026-05-04T00:00:00+08:00");

  ClocksConfig config_;
  CaseStore store_;
  RecordingSignalSink sink_;
  RecordingModelMetrics metrics_;
  ModelContext ctx_{store_, sink_, &metrics_};
  std::unique_ptr<OverdueModel> model_;
};

TEST_F(OverdueModelTest, NameAndQueueAfterRegistration) {
  EXPECT_EQ(model_->name(), "overdue");
  feed(EventBuilder::registered("C-1", t0_));
  EXPECT_TRUE(sink_.empty());
  EXPECT_EQ(model_->queuedThresholds(), 2u);  // one threshold per running clock
  EXPECT_EQ(model_->nextThresholdAt(), proc_due_ - 2 * kDay);
  EXPECT_EQ(model_->activeAlerts(), 0u);
}

TEST_F(OverdueModelTest, YellowAtTheWarningThresholdNotOneMsBefore) {
  feed(EventBuilder::registered("C-1", t0_).region("520302").category("wage_arrears"));
  advance(proc_due_ - 2 * kDay - 1);
  EXPECT_TRUE(sink_.empty());
  advance(proc_due_ - 2 * kDay);
  ASSERT_EQ(sink_.size(), 1u);
  const Signal& s = sink_.last();
  EXPECT_EQ(s.model, "overdue");
  EXPECT_EQ(s.subject_kind, SubjectKind::kCase);
  EXPECT_EQ(s.subject_id, "C-1");
  EXPECT_EQ(s.tier, Tier::kYellow);
  EXPECT_DOUBLE_EQ(s.score, 0.4);
  EXPECT_EQ(s.at, proc_due_ - 2 * kDay);
  EXPECT_EQ(s.agency, "agency-a");
  EXPECT_EQ(s.region, "520302");
  EXPECT_EQ(s.category, "wage_arrears");
  ASSERT_EQ(s.reasons.size(), 1u);  // routing is not yet within its warning window
  EXPECT_EQ(s.reasons[0].code, "procedural_reply_days_left");
  EXPECT_EQ(s.reasons[0].number, 2);
  EXPECT_THAT(worded(s.reasons[0]).text.get("en"),
              HasSubstr("2026-03-11"));  // the last day of the period
  EXPECT_THAT(worded(s.reasons[0]).text.get("zh-CN"), HasSubstr("2026-03-11"));
  EXPECT_THAT(s.actions, ElementsAre(Action::kSendProceduralReply));
  EXPECT_THAT(worded(s).summary.get("en"), HasSubstr("C-1"));
  EXPECT_THAT(worded(s).summary.get("zh-CN"), HasSubstr("C-1"));
  EXPECT_EQ(model_->activeAlerts(), 1u);
  EXPECT_EQ(model_->nextThresholdAt(), proc_due_);
  EXPECT_TRUE(metrics_.breaches.empty());
}

TEST_F(OverdueModelTest, OrangeAtTheDeadlineAndTheBreachIsCountedOnce) {
  feed(EventBuilder::registered("C-1", t0_));
  advance(proc_due_ - 2 * kDay);
  advance(proc_due_ - 1);
  ASSERT_EQ(sink_.size(), 1u);  // still yellow: no new publication
  advance(proc_due_);
  ASSERT_EQ(sink_.size(), 2u);
  const Signal& s = sink_.last();
  EXPECT_EQ(s.tier, Tier::kOrange);
  EXPECT_DOUBLE_EQ(s.score, 0.7);
  ASSERT_NE(reasonOf(s, "procedural_reply_days_overdue"), nullptr);
  EXPECT_THAT(s.actions, Contains(Action::kSendProceduralReply));
  ASSERT_EQ(metrics_.breaches.size(), 1u);
  EXPECT_EQ(metrics_.breaches[0].step, Step::kProceduralReply);
  EXPECT_EQ(metrics_.breaches[0].agency, agencyId("agency-a"));

  advance(proc_due_ + kDay);
  EXPECT_EQ(sink_.size(), 2u);
  EXPECT_EQ(metrics_.breaches.size(), 1u);
}

TEST_F(OverdueModelTest, RedWhenMissedByMoreThanRedAfterDays) {
  feed(EventBuilder::registered("C-1", t0_));
  feed(EventBuilder::of(EventType::kAccepted, "C-1", t0_ + kMsPerHour));  // routing done
  advance(proc_due_);
  ASSERT_EQ(sink_.last().tier, Tier::kOrange);
  const size_t n = sink_.size();
  advance(proc_due_ + 7 * kDay);  // missed by exactly 7 days: not more
  EXPECT_EQ(sink_.size(), n);
  advance(proc_due_ + 7 * kDay + 1);
  ASSERT_EQ(sink_.size(), n + 1);
  const Signal& s = sink_.last();
  EXPECT_EQ(s.tier, Tier::kRed);
  EXPECT_DOUBLE_EQ(s.score, 1.0);
  EXPECT_THAT(s.actions, Contains(Action::kNotifyLeadership));
  ASSERT_NE(reasonOf(s, "procedural_reply_days_overdue"), nullptr);
  EXPECT_EQ(reasonOf(s, "procedural_reply_days_overdue")->number, 8);  // a started day counts
}

TEST_F(OverdueModelTest, AJumpPastEveryThresholdGoesStraightToRed) {
  feed(EventBuilder::registered("C-1", t0_));
  advance(routing_due_ + 30 * kDay);
  ASSERT_EQ(sink_.size(), 1u);
  const Signal& s = sink_.last();
  EXPECT_EQ(s.tier, Tier::kRed);
  // One alert per case listing every late step.
  EXPECT_NE(reasonOf(s, "procedural_reply_days_overdue"), nullptr);
  EXPECT_NE(reasonOf(s, "routing_days_overdue"), nullptr);
  EXPECT_THAT(s.actions, Contains(Action::kSendProceduralReply));
  EXPECT_THAT(s.actions, Contains(Action::kReviewCase));
  EXPECT_EQ(metrics_.breachesOf(Step::kProceduralReply), 1u);
  EXPECT_EQ(metrics_.breachesOf(Step::kRouting), 1u);
  EXPECT_EQ(model_->queuedThresholds(), 0u);  // nothing left to wait for
}

TEST_F(OverdueModelTest, ResolvesWhenTheLateStepHappens) {
  feed(EventBuilder::registered("C-1", t0_));
  advance(proc_due_ + kDay);
  ASSERT_EQ(sink_.last().tier, Tier::kOrange);
  feed(EventBuilder::of(EventType::kProceduralReply, "C-1", proc_due_ + kDay + kMsPerHour));
  const Signal& s = sink_.last();
  EXPECT_EQ(s.tier, Tier::kNone);
  EXPECT_EQ(s.subject_id, "C-1");
  ASSERT_NE(reasonOf(s, "steps_done"), nullptr);
  EXPECT_EQ(worded(*reasonOf(s, "steps_done")).string_value, "procedural reply");  // in words
  EXPECT_EQ(model_->activeAlerts(), 0u);
  const auto done = metrics_.completionsOf(Step::kProceduralReply);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].on_time);
  EXPECT_EQ(done[0].agency, agencyId("agency-a"));
}

TEST_F(OverdueModelTest, ALateArrivingReplyStampedBeforeTheDeadlineResolvesAndCountsOnTime) {
  feed(EventBuilder::registered("C-1", t0_));
  advance(proc_due_ + 2 * kDay);
  ASSERT_EQ(sink_.last().tier, Tier::kOrange);
  // The reply happened an hour before the deadline but reaches the daemon two days later.
  feed(EventBuilder::of(EventType::kProceduralReply, "C-1", proc_due_ - kMsPerHour));
  EXPECT_EQ(sink_.last().tier, Tier::kNone);
  EXPECT_EQ(model_->activeAlerts(), 0u);
  const auto done = metrics_.completionsOf(Step::kProceduralReply);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_TRUE(done[0].on_time);
}

TEST_F(OverdueModelTest, AYellowAlertResolvesWhenTheStepHappensInTime) {
  feed(EventBuilder::registered("C-1", t0_));
  feed(EventBuilder::of(EventType::kAccepted, "C-1", t0_ + kMsPerHour));  // routing done
  advance(proc_due_ - kDay);
  ASSERT_EQ(sink_.last().tier, Tier::kYellow);
  feed(EventBuilder::of(EventType::kProceduralReply, "C-1", proc_due_ - kMsPerHour));
  EXPECT_EQ(sink_.last().tier, Tier::kNone);
  ASSERT_EQ(metrics_.completionsOf(Step::kProceduralReply).size(), 1u);
  EXPECT_TRUE(metrics_.completionsOf(Step::kProceduralReply)[0].on_time);
  advance(proc_due_ + 30 * kDay);  // its stale thresholds fire nothing
  EXPECT_EQ(sink_.last().tier, Tier::kNone);
  EXPECT_TRUE(metrics_.breaches.empty());
}

TEST_F(OverdueModelTest, ClosingTheCaseResolvesItsAlert) {
  feed(EventBuilder::registered("C-1", t0_));
  advance(proc_due_ + kDay);
  ASSERT_EQ(sink_.last().tier, Tier::kOrange);
  feed(EventBuilder::of(EventType::kClosed, "C-1", proc_due_ + 2 * kDay).resolved(true));
  EXPECT_EQ(sink_.last().tier, Tier::kNone);
  const size_t n = sink_.size();
  advance(routing_due_ + 30 * kDay);
  EXPECT_EQ(sink_.size(), n);
}

TEST_F(OverdueModelTest, LateAcceptanceIsCountedLateAndTimelyOneOnTime) {
  feed(EventBuilder::registered("C-1", t0_));
  feed(EventBuilder::registered("C-2", t0_));
  feed(EventBuilder::of(EventType::kAccepted, "C-1", routing_due_ - kMsPerHour));
  feed(EventBuilder::of(EventType::kAccepted, "C-2", routing_due_ + kMsPerHour));
  const auto done = metrics_.completionsOf(Step::kRouting);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_TRUE(done[0].on_time);
  EXPECT_FALSE(done[1].on_time);
}

TEST_F(OverdueModelTest, TransferRestartsRoutingForTheReceivingAgency) {
  ClocksConfig config;
  ClockOverride b;
  b.agency = "agency-b";
  b.routing_days = 5;
  config.overrides = {b};
  makeModel(config);

  feed(EventBuilder::registered("C-1", t0_));
  feed(EventBuilder::of(EventType::kProceduralReply, "C-1", t0_ + kMsPerHour));
  advance(routing_due_ + kDay);
  ASSERT_EQ(sink_.last().tier, Tier::kOrange);
  ASSERT_NE(reasonOf(sink_.last(), "routing_days_overdue"), nullptr);
  ASSERT_EQ(metrics_.breachesOf(Step::kRouting), 1u);
  EXPECT_EQ(metrics_.breaches.back().agency, agencyId("agency-a"));

  // Transferred on Mar 21: agency-b's 5-day routing clock runs to the end of Mar 26.
  const TimeMs transferred_at = routing_due_ + kDay;
  feed(EventBuilder::of(EventType::kTransferred, "C-1", transferred_at).toAgency("agency-b"));
  const Signal& resolved = sink_.last();
  EXPECT_EQ(resolved.tier, Tier::kNone);
  EXPECT_EQ(resolved.agency, "agency-b");

  const TimeMs new_due = timeOf("2026-03-27T00:00:00+08:00");
  const size_t n = sink_.size();
  advance(new_due - 2 * kDay - 1);
  EXPECT_EQ(sink_.size(), n);
  advance(new_due - 2 * kDay);
  ASSERT_EQ(sink_.size(), n + 1);
  EXPECT_EQ(sink_.last().tier, Tier::kYellow);
  EXPECT_EQ(sink_.last().agency, "agency-b");
  ASSERT_NE(reasonOf(sink_.last(), "routing_days_left"), nullptr);
  advance(new_due);
  EXPECT_EQ(sink_.last().tier, Tier::kOrange);
  // The receiving agency's breach is its own.
  ASSERT_EQ(metrics_.breachesOf(Step::kRouting), 2u);
  EXPECT_EQ(metrics_.breaches.back().agency, agencyId("agency-b"));
}

TEST_F(OverdueModelTest, ALateTransferCountsTheSendingAgencysRoutingStepLate) {
  feed(EventBuilder::registered("C-1", t0_));
  // 16 days after registration: a day past the 15-day routing deadline.
  feed(EventBuilder::of(EventType::kTransferred, "C-1", routing_due_ + kDay).toAgency("agency-b"));
  const auto done = metrics_.completionsOf(Step::kRouting);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].on_time);
  EXPECT_EQ(done[0].agency, agencyId("agency-a"));
}

TEST_F(OverdueModelTest, ReopenRestoresTheClocksPendingAtClose) {
  feed(EventBuilder::registered("C-1", t0_));
  feed(EventBuilder::of(EventType::kProceduralReply, "C-1", t0_ + kMsPerHour));
  feed(EventBuilder::of(EventType::kAccepted, "C-1", t0_ + 2 * kMsPerHour));
  feed(EventBuilder::of(EventType::kClosed, "C-1", t0_ + 10 * kDay).resolved(false));
  // Closed: the handling deadline passes in silence.
  advance(handling_due_ + kDay);
  EXPECT_TRUE(sink_.empty());
  // Reopened: the handling clock comes back with its original start, so it is overdue at once.
  feed(EventBuilder::of(EventType::kReopened, "C-1", handling_due_ + kDay));
  ASSERT_EQ(sink_.size(), 1u);
  EXPECT_EQ(sink_.last().tier, Tier::kOrange);
  ASSERT_NE(reasonOf(sink_.last(), "handling_days_overdue"), nullptr);
  EXPECT_EQ(reasonOf(sink_.last(), "handling_days_overdue")->number, 1);
  EXPECT_THAT(sink_.last().actions, Contains(Action::kReplyNow));
  advance(handling_due_ + 7 * kDay + 1);
  EXPECT_EQ(sink_.last().tier, Tier::kRed);
}

TEST_F(OverdueModelTest, ReopenWithNoSavedClocksStartsHandlingAnew) {
  feed(EventBuilder::registered("C-1", t0_));
  feed(EventBuilder::of(EventType::kProceduralReply, "C-1", t0_ + kMsPerHour));
  feed(EventBuilder::of(EventType::kAccepted, "C-1", t0_ + 2 * kMsPerHour));
  feed(EventBuilder::of(EventType::kReplied, "C-1", t0_ + 20 * kDay));
  feed(EventBuilder::of(EventType::kClosed, "C-1", t0_ + 21 * kDay).resolved(true));
  feed(EventBuilder::of(EventType::kReopened, "C-1", "2026-04-01T10:00:00+08:00"));
  EXPECT_TRUE(sink_.empty());
  // 60 days from Apr 1: the last day is May 31.
  const TimeMs due = timeOf("2026-06-01T00:00:00+08:00");
  advance(due - 2 * kDay - 1);
  EXPECT_TRUE(sink_.empty());
  advance(due - 2 * kDay);
  ASSERT_EQ(sink_.size(), 1u);
  EXPECT_EQ(sink_.last().tier, Tier::kYellow);
  EXPECT_NE(reasonOf(sink_.last(), "handling_days_left"), nullptr);
}

TEST_F(OverdueModelTest, ExtensionAddsDaysToHandling) {
  feed(EventBuilder::registered("C-1", t0_));
  feed(EventBuilder::of(EventType::kProceduralReply, "C-1", t0_ + kMsPerHour));
  feed(EventBuilder::of(EventType::kAccepted, "C-1", t0_ + 2 * kMsPerHour));
  advance(handling_due_ - 2 * kDay);
  ASSERT_EQ(sink_.size(), 1u);
  EXPECT_EQ(sink_.last().tier, Tier::kYellow);
  // Extended by 30 days: due at the end of Jun 2; the risk is gone for now.
  feed(EventBuilder::of(EventType::kExtended, "C-1", handling_due_ - 2 * kDay + kMsPerHour)
           .days(30));
  ASSERT_EQ(sink_.size(), 2u);
  EXPECT_EQ(sink_.last().tier, Tier::kNone);
  ASSERT_NE(reasonOf(sink_.last(), "steps_done"), nullptr);
  const TimeMs new_due = timeOf("2026-06-03T00:00:00+08:00");
  advance(handling_due_ + kDay);  // the old deadline passes quietly
  EXPECT_EQ(sink_.size(), 2u);
  EXPECT_TRUE(metrics_.breaches.empty());
  advance(new_due - 2 * kDay);
  ASSERT_EQ(sink_.size(), 3u);
  EXPECT_EQ(sink_.last().tier, Tier::kYellow);
  advance(new_due - 1);
  EXPECT_EQ(sink_.size(), 3u);
  advance(new_due);
  EXPECT_EQ(sink_.last().tier, Tier::kOrange);
  const auto* r = reasonOf(sink_.last(), "handling_days_overdue");
  ASSERT_NE(r, nullptr);
  EXPECT_THAT(worded(*r).text.get("en"), HasSubstr("2026-06-02"));
}

TEST_F(OverdueModelTest, NoSignalForCasesOnTimeAndFarFromDeadlines) {
  for (int i = 0; i < 100; ++i) {
    const std::string id = "C-" + std::to_string(i);
    feed(EventBuilder::registered(id, t0_ + i * kMsPerMinute));
  }
  for (int i = 0; i < 100; ++i) {
    const std::string id = "C-" + std::to_string(i);
    feed(EventBuilder::of(EventType::kProceduralReply, id, t0_ + kDay + i * kMsPerMinute));
    feed(EventBuilder::of(EventType::kAccepted, id, t0_ + 2 * kDay + i * kMsPerMinute));
  }
  advance(t0_ + 30 * kDay);
  EXPECT_TRUE(sink_.empty());
  EXPECT_EQ(model_->activeAlerts(), 0u);
  EXPECT_TRUE(metrics_.breaches.empty());
  EXPECT_EQ(metrics_.completions.size(), 200u);
  for (const auto& c : metrics_.completions) EXPECT_TRUE(c.on_time);
}

TEST_F(OverdueModelTest, ConflictingReRegistrationIsIgnored) {
  feed(EventBuilder::registered("C-1", t0_));
  const size_t queued = model_->queuedThresholds();
  feed(EventBuilder::registered("C-1", t0_ + kDay));
  EXPECT_EQ(model_->queuedThresholds(), queued);
  EXPECT_TRUE(sink_.empty());
}

TEST_F(OverdueModelTest, AdvanceCostIsProportionalToTheThresholdsThatBecameDue) {
  // 50 agencies whose procedural replies are due 11, 12, ... 60 days after registration, so every
  // case has its own thresholds; routing is far away.
  ClocksConfig config;
  config.routing_days = 100;
  constexpr int kCases = 50;
  for (int i = 1; i <= kCases; ++i) {
    ClockOverride o;
    o.agency = "ag-" + std::to_string(i);
    o.procedural_reply_days = 10 + i;
    config.overrides.push_back(o);
  }
  makeModel(config);
  for (int i = 1; i <= kCases; ++i) {
    feed(EventBuilder::registered("C-" + std::to_string(i), t0_).agency("ag-" + std::to_string(i)));
  }
  const TimeMs mar5 = timeOf("2026-03-05T00:00:00+08:00");
  auto warnOf = [&](int i) { return mar5 + (10 + i) * kDay - 2 * kDay; };
  // One queued threshold per running clock: two per case, not three per clock.
  EXPECT_EQ(model_->queuedThresholds(), 2u * kCases);
  EXPECT_EQ(model_->nextThresholdAt(), warnOf(1));

  advance(warnOf(1) - 1);  // nothing due: nothing popped, nothing emitted
  EXPECT_TRUE(sink_.empty());
  EXPECT_EQ(model_->queuedThresholds(), 2u * kCases);

  advance(warnOf(1));  // exactly one threshold due
  ASSERT_EQ(sink_.size(), 1u);
  EXPECT_EQ(sink_.last().subject_id, "C-1");
  EXPECT_EQ(model_->queuedThresholds(), 2u * kCases);  // popped one, queued its next
  EXPECT_EQ(model_->nextThresholdAt(), warnOf(2));

  advance(warnOf(2));
  ASSERT_EQ(sink_.size(), 2u);
  EXPECT_EQ(sink_.last().subject_id, "C-2");

  // The other 48 reply in time: their queued thresholds go stale but stay (lazy deletion) ...
  for (int i = 3; i <= kCases; ++i) {
    feed(EventBuilder::of(EventType::kProceduralReply, "C-" + std::to_string(i), warnOf(2)));
  }
  EXPECT_EQ(sink_.size(), 2u);
  EXPECT_EQ(model_->queuedThresholds(), 2u * kCases);
  // ... and are dropped as they come due, without queueing anything new.
  // (C-50, the last, is due at the end of May 3; its stale entries are gone by May 20.)
  const TimeMs may20 = timeOf("2026-05-20T00:00:00+08:00");
  advance(may20);
  EXPECT_EQ(sink_.size(), 4u);  // C-1 and C-2 went red; nobody else changed
  EXPECT_EQ(sink_.signals()[2].tier, Tier::kRed);
  EXPECT_EQ(sink_.signals()[3].tier, Tier::kRed);
  EXPECT_EQ(model_->queuedThresholds(), static_cast<size_t>(kCases));  // the routing clocks
  // Routing: 100 days from Mar 4, due at the end of Jun 12, yellow two days before.
  EXPECT_EQ(model_->nextThresholdAt(), timeOf("2026-06-11T00:00:00+08:00"));
}

TEST_F(OverdueModelTest, QueueKeepsOneEntryPerRunningClockAfterTheClockRestarts) {
  feed(EventBuilder::registered("C-1", t0_));
  feed(EventBuilder::of(EventType::kProceduralReply, "C-1", t0_ + kMsPerHour));
  feed(EventBuilder::of(EventType::kTransferred, "C-1", t0_ + kDay).toAgency("agency-b"));
  // Past the stale thresholds (old procedural reply and old routing warning): one clock runs.
  advance(routing_due_ - 2 * kDay + kMsPerHour);
  EXPECT_EQ(model_->queuedThresholds(), 1u);
  advance(routing_due_ + kDay - 2 * kDay);  // the new routing warning
  EXPECT_EQ(model_->queuedThresholds(), 1u);
  EXPECT_EQ(sink_.last().tier, Tier::kYellow);
}

// The restarts below leave an old queue entry whose time is also a threshold of the clock's new
// deadline, so checking an entry's time against the current deadline cannot tell it apart. (A
// stale entry may wait in the queue until it comes due: lazy deletion. After that, one entry.)

TEST_F(OverdueModelTest, QueueKeepsOneEntryPerRunningClockAfterAReopenRestoresIt) {
  feed(EventBuilder::registered("C-1", t0_));
  feed(EventBuilder::of(EventType::kProceduralReply, "C-1", t0_ + kMsPerHour));
  feed(EventBuilder::of(EventType::kAccepted, "C-1", t0_ + 2 * kMsPerHour));
  feed(EventBuilder::of(EventType::kClosed, "C-1", t0_ + 10 * kDay).resolved(false));
  feed(EventBuilder::of(EventType::kReopened, "C-1", t0_ + 11 * kDay));
  // Once the entry queued before the close has come due, the running clock has one entry.
  advance(handling_due_ - 2 * kDay);
  EXPECT_EQ(model_->queuedThresholds(), 1u);
  EXPECT_EQ(sink_.last().tier, Tier::kYellow);
}

TEST_F(OverdueModelTest, QueueKeepsOneEntryPerRunningClockAfterASameDayTransfer) {
  feed(EventBuilder::registered("C-1", t0_));
  feed(EventBuilder::of(EventType::kProceduralReply, "C-1", t0_ + kMsPerHour));
  feed(EventBuilder::of(EventType::kTransferred, "C-1", t0_ + 2 * kMsPerHour).toAgency("b"));
  // Once the old routing entry has come due, the running clock has one entry.
  advance(routing_due_ - 2 * kDay);
  EXPECT_EQ(model_->queuedThresholds(), 1u);
  EXPECT_EQ(sink_.last().tier, Tier::kYellow);
}

TEST_F(OverdueModelTest, QueueKeepsOneEntryPerRunningClockAfterAnExtensionOfWarningDays) {
  feed(EventBuilder::registered("C-1", t0_));
  feed(EventBuilder::of(EventType::kProceduralReply, "C-1", t0_ + kMsPerHour));
  feed(EventBuilder::of(EventType::kAccepted, "C-1", t0_ + 2 * kMsPerHour));
  advance(handling_due_ - 2 * kDay);
  ASSERT_EQ(sink_.last().tier, Tier::kYellow);
  feed(EventBuilder::of(EventType::kExtended, "C-1", handling_due_ - 2 * kDay + kMsPerHour)
           .days(config_.warning_days));
  EXPECT_EQ(sink_.last().tier, Tier::kNone);
  advance(handling_due_);  // the new warning threshold (= the old deadline)
  EXPECT_EQ(model_->queuedThresholds(), 1u);
  EXPECT_EQ(sink_.last().tier, Tier::kYellow);
}

TEST_F(OverdueModelTest, RebuildAfterAShorterHandlingPeriodFiresAtOnce) {
  feed(EventBuilder::registered("C-1", t0_));
  feed(EventBuilder::of(EventType::kProceduralReply, "C-1", t0_ + kMsPerHour));
  feed(EventBuilder::of(EventType::kAccepted, "C-1", t0_ + 2 * kMsPerHour));
  feed(EventBuilder::registered("C-2", t0_ + 3 * kMsPerHour));
  feed(EventBuilder::of(EventType::kProceduralReply, "C-2", t0_ + 4 * kMsPerHour));
  feed(EventBuilder::of(EventType::kRejected, "C-2", t0_ + 5 * kMsPerHour));
  const TimeMs now = t0_ + 20 * kDay;
  advance(now);
  EXPECT_TRUE(sink_.empty());

  // Reload: handling shortened to 15 days (due at the end of Mar 19), which has passed.
  ClocksConfig shorter;
  shorter.handling_days = 15;
  OverdueModel reloaded(shorter, std::nullopt);
  reloaded.rebuild(now, ctx_);
  ASSERT_EQ(sink_.size(), 1u);
  const Signal& s = sink_.last();
  EXPECT_EQ(s.subject_id, "C-1");
  EXPECT_EQ(s.tier, Tier::kOrange);
  EXPECT_EQ(s.at, now);
  ASSERT_NE(reasonOf(s, "handling_days_overdue"), nullptr);
  EXPECT_EQ(reasonOf(s, "handling_days_overdue")->number, 5);  // Mar 20 00:00 -> Mar 24 09:15
  EXPECT_EQ(reloaded.queuedThresholds(), 1u);                  // only C-1's handling clock runs
  EXPECT_EQ(reloaded.activeAlerts(), 1u);
  reloaded.advanceTo(timeOf("2026-03-27T00:00:00+08:00") + 1, ctx_);
  EXPECT_EQ(sink_.last().tier, Tier::kRed);
}

TEST_F(OverdueModelTest, APeriodShorterThanTheWarningIsYellowAtOnce) {
  ClocksConfig config;
  config.procedural_reply_days = 1;
  makeModel(config);
  feed(EventBuilder::registered("C-1", t0_));
  ASSERT_EQ(sink_.size(), 1u);
  EXPECT_EQ(sink_.last().tier, Tier::kYellow);
  const Reason* r = reasonOf(sink_.last(), "procedural_reply_days_left");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->number, 2);  // 1 day 14 h 45 min left
  advance(timeOf("2026-03-06T00:00:00+08:00"));
  EXPECT_EQ(sink_.last().tier, Tier::kOrange);
}

TEST_F(OverdueModelTest, CalendarRollForwardMovesTheDeadline) {
  auto cal = WorkCalendar::parse("2026-03-12 off\n2026-03-13 off\n", "test");
  ASSERT_TRUE(cal.ok());
  model_ = std::make_unique<OverdueModel>(ClocksConfig{}, *cal);
  feed(EventBuilder::registered("C-1", t0_));
  // Mar 4 + 7 = Mar 11, a working day: no roll (the calendar lists Mar 12-13 only).
  advance(proc_due_);
  EXPECT_EQ(sink_.last().tier, Tier::kOrange);

  // A case registered on Mar 6: + 7 = Fri Mar 13 (off) -> Sat, Sun off -> Mon Mar 16.
  feed(EventBuilder::registered("C-2", "2026-03-06T10:00:00+08:00"));
  const TimeMs due = timeOf("2026-03-17T00:00:00+08:00");
  advance(due - 1);
  ASSERT_EQ(sink_.forSubject("C-2").size(), 1u);
  EXPECT_EQ(sink_.forSubject("C-2").back().tier, Tier::kYellow);
  advance(due);
  ASSERT_EQ(sink_.forSubject("C-2").size(), 2u);
  EXPECT_EQ(sink_.forSubject("C-2").back().tier, Tier::kOrange);
  const Reason* r = reasonOf(sink_.last(), "procedural_reply_days_overdue");
  ASSERT_NE(r, nullptr);
  EXPECT_THAT(worded(*r).text.get("en"), HasSubstr("2026-03-16"));
}

TEST(DeadlineQueueTest, PopsInTimeOrderAndOnlyWhatIsDue) {
  DeadlineQueue q;
  EXPECT_EQ(q.nextFireAt(), INT64_MAX);
  EXPECT_FALSE(q.hasDue(INT64_MAX - 1));
  q.push(300, 1, Step::kHandling, 0);
  q.push(100, 2, Step::kRouting, 0);
  q.push(200, 3, Step::kReview, 0);
  q.push(100, 4, Step::kRecheck, 0);
  EXPECT_EQ(q.size(), 4u);
  EXPECT_EQ(q.nextFireAt(), 100);
  EXPECT_FALSE(q.hasDue(99));
  ASSERT_TRUE(q.hasDue(100));
  const DeadlineEntry a = q.pop();
  const DeadlineEntry b = q.pop();
  EXPECT_EQ(a.fire_at, 100);
  EXPECT_EQ(b.fire_at, 100);
  EXPECT_EQ(a.case_index + b.case_index, 6u);  // cases 2 and 4, in either order
  EXPECT_FALSE(q.hasDue(199));
  const DeadlineEntry c = q.pop();
  EXPECT_EQ(c.fire_at, 200);
  EXPECT_EQ(c.case_index, 3u);
  EXPECT_EQ(c.step, Step::kReview);
  EXPECT_EQ(q.size(), 1u);
  q.clear();
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.nextFireAt(), INT64_MAX);
}

}  // namespace
}  // namespace casewatch
