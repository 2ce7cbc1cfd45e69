#include "daemon/pipeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "daemon/components.h"
#include "daemon/telemetry/metrics.h"
#include "tests/fakes/event_builder.h"
#include "tests/fakes/manual_clock.h"
#include "tests/fakes/metric_values.h"
#include "tests/fakes/recording_output.h"
#include "tests/fakes/temp_file.h"

namespace casewatch {
namespace {

using testing::counterValue;
using testing::EventBuilder;
using testing::gaugeValue;
using ::testing::HasSubstr;
using testing::ManualClock;
using ::testing::Not;
using testing::RecordingOutput;
using testing::TempFile;
using testing::timeOf;

constexpr TimeMs kDay = kMsPerDay;
constexpr TimeMs kHour = kMsPerHour;

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() { config_.clock = ClockSource::kEvent; }

  // Builds the pipeline with the models the configuration enables (as the daemon does).
  void start(const Clock* wall = nullptr, Metrics* metrics = nullptr) {
    pipeline_ = std::make_unique<Pipeline>(config_, wall, metrics, out_);
    auto models = buildModels(config_.models, config_.clocks);
    ASSERT_TRUE(models.ok()) << models.status();
    pipeline_->setModels(std::move(*models));
  }
  void ingest(std::vector<CaseEvent> events, std::vector<Rejection> rejections = {}) {
    DecodedBatch batch;
    batch.feed = "test-feed";
    batch.events = std::move(events);
    batch.rejections = std::move(rejections);
    pipeline_->ingest(batch);
  }
  void ingest(const CaseEvent& ev) { ingest(std::vector<CaseEvent>{ev}); }
  const Case& caseOf(const std::string& id) {
    const CaseIndex i = pipeline_->cases().find(id);
    EXPECT_NE(i, kNoCase) << id;
    return pipeline_->cases().at(i);
  }
  std::vector<AlertChange> overdueChanges(std::string_view case_id) const {
    return out_.changesFor(case_id, "overdue");
  }
  size_t activeOverdueAlerts() const {
    size_t n = 0;
    pipeline_->alerts().forEachActive([&](const Alert& a) { n += a.model == "overdue"; });
    return n;
  }
  std::string_view agencyOf(const std::string& id) {
    return pipeline_->cases().strings().name(caseOf(id).agency);
  }

  const TimeMs t0_ = timeOf("2026-03-04T09:15:00+08:00");
  const TimeMs proc_due_ = timeOf("2026-03-12T00:00:00+08:00");
  Config config_;
  RecordingOutput out_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(PipelineTest, BuildModelsGivesTheModelsOfTheComponentTable) {
  start();
  // Every model in the component table, in table order; the overdue model first.
  ASSERT_EQ(pipeline_->models().size(), modelComponents().size());
  for (size_t i = 0; i < modelComponents().size(); ++i) {
    EXPECT_EQ(pipeline_->models()[i]->name(), modelComponents()[i].name);
  }
  ASSERT_FALSE(modelComponents().empty());
  EXPECT_EQ(modelComponents()[0].name, "overdue");
}

TEST_F(PipelineTest, BuildModelsNamesTheKeyOfAnUnreadableCalendar) {
  config_.clocks.holiday_calendar = "/nonexistent/casewatch/holidays.txt";
  auto models = buildModels(config_.models, config_.clocks);
  ASSERT_FALSE(models.ok());
  EXPECT_EQ(models.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(models.status().message()), HasSubstr("clocks.holiday_calendar"));
}

TEST_F(PipelineTest, AcceptedEventsAreHandedOnAndApplied) {
  start();
  ingest({EventBuilder::registered("C-1", t0_),
          EventBuilder::of(EventType::kAccepted, "C-1", t0_ + kHour)});
  EXPECT_EQ(pipeline_->counters().accepted, 2u);
  ASSERT_EQ(out_.acceptedEvents().size(), 2u);
  EXPECT_EQ(out_.acceptedEvents()[1].type, EventType::kAccepted);
  EXPECT_EQ(caseOf("C-1").stage, Stage::kAccepted);
  EXPECT_EQ(pipeline_->now(), t0_ + kHour);
}

TEST_F(PipelineTest, ADuplicateEventIdIsIgnoredAndCounted) {
  start();
  const CaseEvent reg = EventBuilder::registered("C-1", t0_).id("zy-000123");
  ingest(reg);
  ingest(EventBuilder::of(EventType::kAccepted, "C-1", t0_ + kHour).id("zy-000124"));
  // The same id again, even with different content, is the same event.
  ingest({reg, EventBuilder::of(EventType::kRejected, "C-1", t0_ + 2 * kHour).id("zy-000124")});
  EXPECT_EQ(pipeline_->counters().accepted, 2u);
  EXPECT_EQ(pipeline_->counters().duplicates, 2u);
  EXPECT_EQ(pipeline_->counters().conflicts, 0u);  // the re-registration never reached the state
  EXPECT_EQ(out_.acceptedEvents().size(), 2u);
  EXPECT_EQ(pipeline_->dedupEntries(), 2u);
  EXPECT_EQ(caseOf("C-1").stage, Stage::kAccepted);
  EXPECT_EQ(pipeline_->now(), t0_ + kHour);  // a duplicate does not move the clock either
}

TEST_F(PipelineTest, ARedeliveryAfterTheDedupWindowIsNewAndTheJournalsRepeatIsKeptAtRecovery) {
  config_.ingest.dedup_window_days = 2;
  start();
  const CaseEvent first = EventBuilder::registered("A", t0_).id("ev-A");
  ingest(first);
  // A day at a time (the window's clock moves a day per event at most), four days on.
  for (int d = 1; d <= 4; ++d)
    ingest(EventBuilder::registered("F" + std::to_string(d), t0_ + d * kDay));
  CaseEvent again = EventBuilder::of(EventType::kVisit, "A", t0_ + 4 * kDay).id("ev-A");
  ingest(again);
  EXPECT_EQ(pipeline_->counters().duplicates, 0u);  // forgotten after two windows: new
  ingest(again);
  EXPECT_EQ(pipeline_->counters().duplicates, 1u);

  // Replaying the journal (both deliveries were accepted), nothing is refused.
  RecordingOutput recovered;
  Pipeline replay(config_, nullptr, nullptr, recovered);
  replay.setRecoveringJournal(true);
  for (const CaseEvent& ev : out_.acceptedEvents()) replay.ingestEvent(ev, 0);
  replay.setRecoveringJournal(false);
  EXPECT_EQ(replay.counters().accepted, out_.acceptedEvents().size());
  EXPECT_EQ(replay.counters().duplicates, 0u);
  // After recovery the window works as live: a redelivery now is a duplicate.
  replay.ingestEvent(again, 0);
  EXPECT_EQ(replay.counters().duplicates, 1u);
}

TEST_F(PipelineTest, AReRegistrationWithANewIdIsAConflict) {
  start();
  ingest(EventBuilder::registered("C-1", t0_).id("a"));
  ingest(EventBuilder::registered("C-1", t0_ + kHour).id("b").agency("agency-b"));
  EXPECT_EQ(pipeline_->counters().conflicts, 1u);
  EXPECT_EQ(pipeline_->cases().size(), 1u);
  EXPECT_EQ(agencyOf("C-1"), "agency-a");
}

TEST_F(PipelineTest, OrphansAreHeldThenAppliedInTsOrderWhenTheirCaseRegisters) {
  start();
  // Arrival order: the transfer first, then the acceptance that happened before it.
  ingest(EventBuilder::of(EventType::kTransferred, "C-1", t0_ + 2 * kHour).toAgency("agency-b"));
  ingest(EventBuilder::of(EventType::kAccepted, "C-1", t0_ + kHour));
  EXPECT_EQ(pipeline_->cases().find("C-1"), kNoCase);
  EXPECT_EQ(pipeline_->orphansWaiting(), 2u);
  EXPECT_EQ(pipeline_->counters().orphans_held, 2u);
  EXPECT_EQ(out_.acceptedEvents().size(), 2u);  // journalled on arrival

  ingest(EventBuilder::registered("C-1", t0_));
  EXPECT_EQ(pipeline_->orphansWaiting(), 0u);
  // Applied as accepted-then-transferred (ts order), not in arrival order.
  EXPECT_EQ(caseOf("C-1").stage, Stage::kTransferred);
  EXPECT_EQ(agencyOf("C-1"), "agency-b");
  EXPECT_TRUE(caseOf("C-1").pending(Step::kRouting));
  EXPECT_EQ(caseOf("C-1").start(Step::kRouting), t0_ + 2 * kHour);
  EXPECT_FALSE(caseOf("C-1").pending(Step::kHandling));
  EXPECT_EQ(pipeline_->counters().orphans_expired, 0u);
  EXPECT_TRUE(out_.deadLetters().empty());
}

TEST_F(PipelineTest, AnOrphanWhoseCaseNeverComesBecomesADeadLetter) {
  start();
  const TimeMs held_at = t0_;
  ingest(EventBuilder::of(EventType::kAccepted, "C-9", held_at).id("zy-777"));
  ASSERT_EQ(pipeline_->orphansWaiting(), 1u);

  pipeline_->advanceTo(held_at + 72 * kHour - 1);
  pipeline_->tick();
  EXPECT_TRUE(out_.deadLetters().empty());
  EXPECT_EQ(pipeline_->orphansWaiting(), 1u);

  pipeline_->advanceTo(held_at + 72 * kHour);
  pipeline_->tick();
  ASSERT_EQ(out_.deadLetters().size(), 1u);
  const auto& dl = out_.deadLetters()[0];
  EXPECT_EQ(dl.feed, "orphans");
  EXPECT_EQ(dl.rejection.reason, RejectReason::kOrphanExpired);
  EXPECT_THAT(dl.rejection.detail, HasSubstr("orphan_expired"));
  EXPECT_THAT(dl.rejection.detail, HasSubstr("C-9"));
  EXPECT_THAT(dl.rejection.raw, HasSubstr("\"event_id\":\"zy-777\""));
  EXPECT_THAT(dl.rejection.raw, HasSubstr("\"type\":\"case.accepted\""));
  EXPECT_EQ(dl.rejection.raw_size, dl.rejection.raw.size());
  EXPECT_EQ(dl.rejection.received_at, held_at + 72 * kHour);
  EXPECT_EQ(pipeline_->counters().orphans_expired, 1u);
  EXPECT_EQ(pipeline_->orphansWaiting(), 0u);

  // The case registering later does not bring the expired orphan back.
  ingest(EventBuilder::registered("C-9", held_at + 80 * kHour));
  EXPECT_EQ(caseOf("C-9").stage, Stage::kRegistered);
  pipeline_->tick();
  EXPECT_EQ(out_.deadLetters().size(), 1u);
}

TEST_F(PipelineTest, TheOrphanHorizonCanBeChanged) {
  start();
  pipeline_->setOrphanHorizon(kHour);
  ingest(EventBuilder::of(EventType::kAccepted, "C-9", t0_));
  pipeline_->advanceTo(t0_ + kHour);
  pipeline_->tick();
  EXPECT_EQ(out_.deadLetters().size(), 1u);
}

TEST_F(PipelineTest, RejectionsAreForwardedAsDeadLetters) {
  start();
  Rejection bad_json;
  bad_json.reason = RejectReason::kInvalidJson;
  bad_json.detail = "invalid_json";
  bad_json.raw = "{\"v\":1,";
  bad_json.raw_size = 7;
  Rejection bad_ts;
  bad_ts.reason = RejectReason::kBadTimestamp;
  bad_ts.detail = "bad_timestamp: ts";
  bad_ts.raw = "{...}";
  bad_ts.raw_size = 4000;
  ingest({EventBuilder::registered("C-1", t0_)}, {bad_json, bad_ts});
  EXPECT_EQ(pipeline_->counters().rejected, 2u);
  EXPECT_EQ(pipeline_->counters().accepted, 1u);
  ASSERT_EQ(out_.deadLetters().size(), 2u);
  EXPECT_EQ(out_.deadLetters()[0].feed, "test-feed");
  EXPECT_EQ(out_.deadLetters()[0].rejection.reason, RejectReason::kInvalidJson);
  EXPECT_EQ(out_.deadLetters()[0].rejection.raw, "{\"v\":1,");
  EXPECT_EQ(out_.deadLetters()[1].rejection.reason, RejectReason::kBadTimestamp);
  EXPECT_EQ(out_.deadLetters()[1].rejection.raw_size, 4000u);
  EXPECT_EQ(pipeline_->cases().size(), 1u);
}

TEST_F(PipelineTest, TheEventClockNeverGoesBackwards) {
  start();
  ingest(EventBuilder::registered("C-1", "2026-03-04T10:00:00+08:00"));
  EXPECT_EQ(pipeline_->now(), timeOf("2026-03-04T10:00:00+08:00"));
  // A late event with an earlier ts is applied, but the clock stays.
  ingest(EventBuilder::of(EventType::kProceduralReply, "C-1", "2026-03-04T09:00:00+08:00"));
  EXPECT_EQ(pipeline_->now(), timeOf("2026-03-04T10:00:00+08:00"));
  EXPECT_FALSE(caseOf("C-1").pending(Step::kProceduralReply));
  pipeline_->advanceTo(timeOf("2026-03-01T00:00:00+08:00"));
  EXPECT_EQ(pipeline_->now(), timeOf("2026-03-04T10:00:00+08:00"));
  ingest(EventBuilder::registered("C-2", "2026-03-04T11:00:00+08:00"));
  EXPECT_EQ(pipeline_->now(), timeOf("2026-03-04T11:00:00+08:00"));
}

TEST_F(PipelineTest, AnOverdueCaseFiresOrangeWhenALaterEventMovesTheClockPastItsDeadline) {
  start();
  ingest(EventBuilder::registered("A", t0_));
  EXPECT_TRUE(out_.changesOf("overdue").empty());
  // Another case's event, stamped after A's procedural reply deadline, moves the clock.
  ingest(EventBuilder::registered("B", proc_due_ + kHour));
  const auto changes = overdueChanges("A");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kFired);
  EXPECT_EQ(changes[0].alert.tier, Tier::kOrange);
  EXPECT_EQ(changes[0].alert.model, "overdue");
  EXPECT_EQ(changes[0].alert.starts_at, proc_due_ + kHour);
  EXPECT_TRUE(overdueChanges("B").empty());
  EXPECT_EQ(pipeline_->counters().alert_changes, out_.changes().size());
  const Alert* a = pipeline_->alerts().find(alertFingerprint("overdue", SubjectKind::kCase, "A"));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->tier, Tier::kOrange);

  // The reply arrives: the alert resolves and leaves the book.
  ingest(EventBuilder::of(EventType::kProceduralReply, "A", proc_due_ + 2 * kHour));
  ASSERT_EQ(overdueChanges("A").size(), 2u);
  EXPECT_EQ(overdueChanges("A")[1].kind, ChangeKind::kResolved);
  EXPECT_EQ(overdueChanges("A")[1].alert.status, AlertStatus::kResolved);
  EXPECT_EQ(activeOverdueAlerts(), 0u);
}

TEST_F(PipelineTest, AdvanceToAloneMovesTheModelsThroughYellowOrangeAndRed) {
  start();
  ingest(EventBuilder::registered("A", t0_));
  ingest(EventBuilder::of(EventType::kAccepted, "A", t0_ + kHour));
  pipeline_->advanceTo(proc_due_ - 2 * kDay);
  pipeline_->advanceTo(proc_due_);
  pipeline_->advanceTo(proc_due_ + 7 * kDay + 1);
  const auto changes = overdueChanges("A");
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kFired);
  EXPECT_EQ(changes[0].alert.tier, Tier::kYellow);
  EXPECT_EQ(changes[1].kind, ChangeKind::kTierChanged);
  EXPECT_EQ(changes[1].alert.tier, Tier::kOrange);
  EXPECT_EQ(changes[2].kind, ChangeKind::kTierChanged);
  EXPECT_EQ(changes[2].alert.tier, Tier::kRed);
  EXPECT_EQ(changes[2].alert.starts_at, proc_due_ - 2 * kDay);
}

TEST_F(PipelineTest, SetModelsAfterAConfigChangeRebuildsFromTheCaseState) {
  start();
  ingest(EventBuilder::registered("A", t0_));
  ingest(EventBuilder::of(EventType::kProceduralReply, "A", t0_ + kHour));
  ingest(EventBuilder::of(EventType::kAccepted, "A", t0_ + 2 * kHour));
  pipeline_->advanceTo(t0_ + 20 * kDay);
  EXPECT_TRUE(out_.changesOf("overdue").empty());

  Config reloaded = config_;
  reloaded.clocks.handling_days = 15;
  auto models = buildModels(reloaded.models, reloaded.clocks);
  ASSERT_TRUE(models.ok());
  pipeline_->setModels(std::move(*models));
  ASSERT_EQ(overdueChanges("A").size(), 1u);
  EXPECT_EQ(overdueChanges("A")[0].alert.tier, Tier::kOrange);
  EXPECT_EQ(overdueChanges("A")[0].at, t0_ + 20 * kDay);
}

TEST_F(PipelineTest, SetModelsWithALongerPeriodResolvesAlertsNoLongerAtRisk) {
  start();
  ingest(EventBuilder::registered("A", t0_));
  ingest(EventBuilder::of(EventType::kProceduralReply, "A", t0_ + kHour));
  ingest(EventBuilder::of(EventType::kAccepted, "A", t0_ + 2 * kHour));
  // Handling (60 days) is due at the end of May 3; a day later the alert is orange.
  pipeline_->advanceTo(timeOf("2026-05-05T00:00:00+08:00"));
  ASSERT_FALSE(overdueChanges("A").empty());
  ASSERT_EQ(overdueChanges("A").back().alert.tier, Tier::kOrange);

  // Reload with 90 days: the case is no longer at risk, so its alert must resolve.
  Config reloaded = config_;
  reloaded.clocks.handling_days = 90;
  auto models = buildModels(reloaded.models, reloaded.clocks);
  ASSERT_TRUE(models.ok());
  pipeline_->setModels(std::move(*models));
  EXPECT_EQ(overdueChanges("A").back().kind, ChangeKind::kResolved);
  EXPECT_EQ(activeOverdueAlerts(), 0u);

  // At the latest, the reply must clear it.
  ingest(EventBuilder::of(EventType::kReplied, "A", timeOf("2026-05-06T00:00:00+08:00")));
  EXPECT_EQ(activeOverdueAlerts(), 0u);
}

// A reload rebuilds the models that count contacts from the case registrations and the visit log:
// returns made in person before a SIGHUP still count after it.
TEST_F(PipelineTest, SetModelsKeepsTheReturnsAndCollectivesMadeByVisits) {
  start();
  constexpr PersonId kReturner = 4242;
  ingest(EventBuilder::registered("R", t0_).persons({kReturner}).matter("m:wages"));
  for (int d = 1; d <= 3; ++d) {
    ingest(EventBuilder::of(EventType::kVisit, "R", t0_ + d * 2 * kDay)
               .persons({kReturner})
               .matter("m:wages"));
  }
  // Six persons come on one matter within hours, by visits naming no case.
  for (PersonId p = 1; p <= 6; ++p) {
    ingest(EventBuilder::of(EventType::kVisit, "", t0_ + 7 * kDay + static_cast<TimeMs>(p) * kHour)
               .persons({1000 + p})
               .matter("m:land")
               .region("520303"));
  }
  auto active = [&](std::string_view model) {
    std::vector<Alert> out;
    pipeline_->alerts().forEachActive([&](const Alert& a) {
      if (a.model == model) out.push_back(a);
    });
    return out;
  };
  const auto repeat = active("repeat_visit");
  const auto collective = active("group_incident");
  ASSERT_EQ(repeat.size(), 1u);
  ASSERT_EQ(collective.size(), 1u);
  EXPECT_EQ(pipeline_->visits().size(), 9u);

  out_.clear();
  auto models = buildModels(config_.models, config_.clocks);
  ASSERT_TRUE(models.ok());
  pipeline_->setModels(std::move(*models));
  // Nothing resolved, nothing changed tier: the rebuilt models saw the visits.
  for (const AlertChange& c : out_.changes()) {
    EXPECT_NE(c.kind, ChangeKind::kResolved) << c.alert.model << " " << c.alert.subject_id;
  }
  ASSERT_EQ(active("repeat_visit").size(), 1u);
  EXPECT_EQ(active("repeat_visit")[0].tier, repeat[0].tier);
  ASSERT_EQ(active("group_incident").size(), 1u);
  EXPECT_EQ(active("group_incident")[0].tier, collective[0].tier);
  EXPECT_EQ(active("group_incident")[0].subject_id, collective[0].subject_id);
}

TEST_F(PipelineTest, SequenceGapsAreCountedPerFeed) {
  Metrics metrics({"test-feed", "journal"});
  start(nullptr, &metrics);
  auto ev = [&](const std::string& source, uint64_t seq, int i) {
    return EventBuilder::registered("C-" + source + std::to_string(i), t0_ + i * kMsPerMinute)
        .source(source)
        .seq(seq)
        .build();
  };
  ingest({ev("s1", 1, 1), ev("s1", 2, 2), ev("s1", 5, 3)});  // 3 and 4 missing
  ingest({ev("s2", 100, 4)});                                // a new source: no gap
  ingest({ev("s1", 3, 5), ev("s1", 6, 6)});                  // a late 3 is not a gap; 6 follows 5
  CaseEvent no_seq = EventBuilder::registered("C-x", t0_).source("s1");
  ingest(no_seq);
  EXPECT_EQ(counterValue(*metrics.registry(), "casewatch_ingest_sequence_gaps_total",
                         {{"feed", "test-feed"}}),
            1);
  EXPECT_EQ(counterValue(*metrics.registry(), "casewatch_ingest_sequence_missing_events_total",
                         {{"feed", "test-feed"}}),
            2);
  // A duplicate is counted per feed too, and so are events by type.
  ingest({ev("s1", 7, 1)});  // the same event id as the first event
  EXPECT_EQ(counterValue(*metrics.registry(), "casewatch_ingest_duplicates_total",
                         {{"feed", "test-feed"}}),
            1);
  EXPECT_EQ(counterValue(*metrics.registry(), "casewatch_ingest_events_total",
                         {{"feed", "test-feed"}, {"type", "case.registered"}}),
            7);
}

TEST_F(PipelineTest, TheGaugesCountTheDeadlineThresholdsTheModelsHold) {
  Metrics metrics({"test-feed", "journal"});
  start(nullptr, &metrics);
  pipeline_->publishGauges();
  EXPECT_EQ(gaugeValue(*metrics.registry(), "casewatch_deadline_thresholds_queued"), 0);
  ingest(EventBuilder::registered("A", t0_));
  ingest(EventBuilder::registered("B", t0_));
  pipeline_->publishGauges();
  // Each open case waits on its procedural deadline: the overdue model's queue is not empty.
  const double queued = gaugeValue(*metrics.registry(), "casewatch_deadline_thresholds_queued");
  EXPECT_GE(queued, 2);
  ingest(EventBuilder::of(EventType::kClosed, "A", t0_ + kHour));
  ingest(EventBuilder::of(EventType::kClosed, "B", t0_ + kHour));
  pipeline_->advanceTo(proc_due_ + 400 * kDay);
  pipeline_->publishGauges();
  EXPECT_LT(gaugeValue(*metrics.registry(), "casewatch_deadline_thresholds_queued"), queued);
}

TEST_F(PipelineTest, AHolidayCalendarFromTheConfigRollsDeadlinesForward) {
  // Mar 4 + 7 days = Wed Mar 11, made a day off here: the deadline rolls to the end of Mar 12.
  TempFile calendar("2026-03-11 off  # a test holiday\n");
  config_.clocks.holiday_calendar = calendar.path();
  start();
  ingest(EventBuilder::registered("A", t0_));
  ingest(EventBuilder::of(EventType::kAccepted, "A", t0_ + kHour));
  pipeline_->advanceTo(proc_due_);
  ASSERT_EQ(overdueChanges("A").size(), 1u);
  EXPECT_EQ(overdueChanges("A")[0].alert.tier, Tier::kYellow);  // not orange: one more day
  pipeline_->advanceTo(proc_due_ + kDay);
  ASSERT_EQ(overdueChanges("A").size(), 2u);
  EXPECT_EQ(overdueChanges("A")[1].alert.tier, Tier::kOrange);
}

TEST_F(PipelineTest, WithAWallClockTheModelsFollowTheWallNotTheEvents) {
  config_.clock = ClockSource::kWall;
  ManualClock wall;
  wall.set(t0_);
  start(&wall);
  ingest(EventBuilder::registered("A", t0_));
  // An event stamped far in the future does not move the clock.
  ingest(EventBuilder::registered("B", proc_due_ + 30 * kDay));
  EXPECT_EQ(pipeline_->now(), t0_);
  EXPECT_TRUE(out_.changesOf("overdue").empty());
  wall.set(proc_due_);
  pipeline_->tick();
  ASSERT_EQ(overdueChanges("A").size(), 1u);
  EXPECT_EQ(overdueChanges("A")[0].alert.tier, Tier::kOrange);
  // Orphans are held by wall time too.
  ingest(EventBuilder::of(EventType::kAccepted, "C-9", t0_));
  wall.set(proc_due_ + 72 * kHour);
  pipeline_->tick();
  ASSERT_EQ(out_.deadLetters().size(), 1u);
  EXPECT_EQ(out_.deadLetters()[0].rejection.received_at, proc_due_ + 72 * kHour);
}

TEST_F(PipelineTest, DeadLettersForOrphansCarryNoPersonIds) {
  start();
  CaseEvent ev = EventBuilder::of(EventType::kAccepted, "C-9", t0_).id("zy-1");
  ev.persons = {0xDEADBEEFCAFEF00Dull};  // never part of an accepted event, but make sure
  ingest(ev);
  pipeline_->advanceTo(t0_ + 72 * kHour);
  pipeline_->tick();
  ASSERT_EQ(out_.deadLetters().size(), 1u);
  EXPECT_THAT(out_.deadLetters()[0].rejection.raw, Not(HasSubstr("deadbeef")));
  EXPECT_THAT(out_.deadLetters()[0].rejection.raw, Not(HasSubstr("persons")));
}

}  // namespace
}  // namespace casewatch

namespace casewatch {
namespace {

// Regional shards (shard.regions): this daemon watches regions 3301* only.
class ShardedPipelineTest : public PipelineTest {
 protected:
  ShardedPipelineTest() : metrics_({"test-feed", "journal"}) {
    config_.shard.regions = {"3301", "520302"};
  }
  void start() { PipelineTest::start(nullptr, &metrics_); }
  double skippedMetric() {
    return counterValue(*metrics_.registry(), "casewatch_shard_events_skipped_total",
                        {{"feed", "test-feed"}});
  }
  static CaseEvent reg(const std::string& id, const std::string& region, TimeMs ts) {
    return EventBuilder::registered(id, ts).region(region);
  }
  Metrics metrics_;
};

TEST_F(ShardedPipelineTest, OtherRegionsCasesAndTheirLaterEventsAreSkippedAndCounted) {
  start();
  ingest({reg("C-in", "330102", t0_), reg("C-out", "330201", t0_),
          EventBuilder::of(EventType::kAccepted, "C-in", t0_ + kHour),
          EventBuilder::of(EventType::kAccepted, "C-out", t0_ + kHour),
          EventBuilder::of(EventType::kVisit, "C-out", t0_ + 2 * kHour).region("330201"),
          EventBuilder::of(EventType::kVisit, "C-in", t0_ + 2 * kHour).region("330105")});
  EXPECT_EQ(pipeline_->counters().skipped, 3u);
  EXPECT_EQ(skippedMetric(), 3);
  EXPECT_EQ(pipeline_->counters().accepted, 3u);
  // Skipped events are neither journalled nor kept: no case, no orphan, no dead letter.
  for (const CaseEvent& ev : out_.acceptedEvents()) EXPECT_EQ(ev.case_id, "C-in");
  EXPECT_EQ(out_.acceptedEvents().size(), 3u);
  EXPECT_EQ(pipeline_->cases().find("C-out"), kNoCase);
  EXPECT_EQ(caseOf("C-in").stage, Stage::kAccepted);
  EXPECT_EQ(pipeline_->orphansWaiting(), 0u);
  EXPECT_EQ(pipeline_->scope().foreignCases(), 1u);
  EXPECT_EQ(pipeline_->dedupEntries(), 3u);
  pipeline_->advanceTo(t0_ + 30 * kDay);
  pipeline_->tick();
  EXPECT_TRUE(out_.deadLetters().empty());
  EXPECT_TRUE(overdueChanges("C-out").empty());
}

TEST_F(ShardedPipelineTest, AnUnknownCasesEventWaitsAsAnOrphanAndIsSkippedWhenItsCaseIsForeign) {
  start();
  // Before their case.registered the events' region is unknown: held (and journalled) as on a
  // daemon without shards.
  ingest({EventBuilder::of(EventType::kAccepted, "C-out", t0_ + kHour),
          EventBuilder::of(EventType::kAccepted, "C-late", t0_ + kHour)});
  EXPECT_EQ(pipeline_->orphansWaiting(), 2u);
  EXPECT_EQ(pipeline_->counters().skipped, 0u);
  ingest(reg("C-out", "440301", t0_));
  EXPECT_EQ(pipeline_->orphansWaiting(), 1u);
  EXPECT_EQ(pipeline_->counters().skipped, 2u);  // the registration and its orphan
  EXPECT_EQ(skippedMetric(), 2);
  EXPECT_EQ(pipeline_->cases().find("C-out"), kNoCase);
  // The other never registers: it expires to the dead letters, as without shards.
  pipeline_->advanceTo(t0_ + 80 * kHour);
  pipeline_->tick();
  ASSERT_EQ(out_.deadLetters().size(), 1u);
  EXPECT_THAT(out_.deadLetters()[0].rejection.detail, HasSubstr("C-late"));
}

TEST_F(ShardedPipelineTest, SkippedEventsMoveNeitherTheClockNorTheirSourcesSequence) {
  start();
  auto seqd = [](CaseEvent ev, uint64_t seq) {
    ev.source = "s1";
    ev.seq = seq;
    ev.has_seq = true;
    return ev;
  };
  ingest({seqd(reg("C-1", "330102", t0_), 1), seqd(reg("C-2", "110101", t0_ + 5 * kDay), 2),
          seqd(reg("C-3", "330103", t0_ + kHour), 3)});
  EXPECT_EQ(pipeline_->now(), t0_ + kHour);
  EXPECT_EQ(counterValue(*metrics_.registry(), "casewatch_ingest_sequence_gaps_total",
                         {{"feed", "test-feed"}}),
            0);
  EXPECT_EQ(pipeline_->counters().skipped, 1u);
}

TEST_F(ShardedPipelineTest, AForeignCaseIsForgottenAfterItsIdleDays) {
  config_.shard.forget_foreign_after_days = 2;
  start();
  ingest(reg("C-out", "330201", t0_));
  ingest(EventBuilder::of(EventType::kAccepted, "C-out", t0_ + kDay));  // restarts its idle days
  ingest(reg("C-in", "330101", t0_ + 2 * kDay + kHour));  // the daily purge runs: still recent
  EXPECT_EQ(pipeline_->scope().foreignCases(), 1u);
  ingest(reg("C-in2", "330101", t0_ + 4 * kDay));
  EXPECT_EQ(pipeline_->scope().foreignCases(), 0u);
  // Forgotten: its next event is an unknown case's, held as an orphan.
  ingest(EventBuilder::of(EventType::kReplied, "C-out", t0_ + 4 * kDay + kHour));
  EXPECT_EQ(pipeline_->orphansWaiting(), 1u);
  EXPECT_EQ(pipeline_->counters().skipped, 2u);
}

TEST_F(ShardedPipelineTest, TheJournalIsReplayedUnfiltered) {
  start();
  // What the journal holds was accepted under the scope of its time (a restart may have
  // narrowed it since): the case stays watched until it closes.
  pipeline_->setRecoveringJournal(true);
  ingest(reg("C-old", "110101", t0_));
  pipeline_->setRecoveringJournal(false);
  ingest(EventBuilder::of(EventType::kAccepted, "C-old", t0_ + kHour));
  EXPECT_EQ(caseOf("C-old").stage, Stage::kAccepted);
  EXPECT_EQ(pipeline_->counters().skipped, 0u);
}

TEST_F(PipelineTest, WithoutShardsEveryRegionIsWatched) {
  start();
  ingest({EventBuilder::registered("C-1", t0_).region("110101"),
          EventBuilder::registered("C-2", t0_).region("650102")});
  EXPECT_EQ(pipeline_->counters().accepted, 2u);
  EXPECT_EQ(pipeline_->counters().skipped, 0u);
  EXPECT_TRUE(pipeline_->scope().watchesAll());
}

}  // namespace
}  // namespace casewatch
