#include "daemon/retention/case_purge.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "daemon/components.h"
#include "daemon/pipeline.h"
#include "models/key_case/key_case_model.h"
#include "tests/fakes/event_builder.h"
#include "tests/fakes/recording_output.h"

namespace casewatch {
namespace {

using testing::EventBuilder;
using testing::RecordingOutput;
using testing::timeOf;

constexpr TimeMs kDay = kMsPerDay;
constexpr TimeMs kHour = kMsPerHour;
constexpr int kDays = 30;  // retention.closed_case_days in these tests

// The purge on event time, through the pipeline as the daemon and replay drive it.
class CasePurgeTest : public ::testing::Test {
 protected:
  CasePurgeTest() {
    config_.clock = ClockSource::kEvent;
    config_.retention.closed_case_days = kDays;
  }
  void start() {
    pipeline_ = std::make_unique<Pipeline>(config_, nullptr, nullptr, out_);
    auto models = buildModels(config_.models, config_.clocks);
    ASSERT_TRUE(models.ok()) << models.status();
    pipeline_->setModels(std::move(*models));
  }
  void ingest(const CaseEvent& ev) {
    DecodedBatch batch;
    batch.feed = "test-feed";
    batch.events = {ev};
    pipeline_->ingest(batch);
  }
  CaseEvent closed(const std::string& id, TimeMs t) {
    return EventBuilder::of(EventType::kClosed, id, t).resolved(true);
  }
  bool known(const std::string& id) const { return pipeline_->cases().find(id) != kNoCase; }
  // The purges that forgot something.
  std::vector<const CasePurge*> purgesWithCases() const {
    std::vector<const CasePurge*> out;
    for (const CasePurge& p : out_.purges()) {
      if (p.cases > 0) out.push_back(&p);
    }
    return out;
  }

  // Midnight UTC, so that day boundaries are easy to count.
  const TimeMs t0_ = timeOf("2026-01-01T00:00:00Z");
  Config config_;
  RecordingOutput out_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(CasePurgeTest, PurgesClosedCasesPastRetentionKeepsTheRestAndCountsRight) {
  start();
  const PersonId shared = 4242;
  // N+1 days closed at the purge below: gone. N-1 days: kept. Open since day 0: kept.
  ingest(EventBuilder::registered("OLD", t0_ + kHour));
  ingest(EventBuilder::registered("RECENT", t0_ + 2 * kHour));
  ingest(EventBuilder::registered("OPEN", t0_ + 3 * kHour));
  // A person with one purged case and one open case keeps their id in the state.
  ingest(EventBuilder::registered("OLD-SHARED", t0_ + 4 * kHour).persons({shared}));
  ingest(EventBuilder::registered("OPEN-SHARED", t0_ + 5 * kHour).persons({shared}));
  ingest(closed("OLD", t0_ + 1 * kDay + kHour));
  ingest(closed("OLD-SHARED", t0_ + 1 * kDay + 2 * kHour));
  // A visit naming the old case (its person's), and one of the open case's person.
  ingest(EventBuilder::of(EventType::kVisit, "OLD", t0_ + 2 * kDay));
  ingest(EventBuilder::of(EventType::kVisit, "OPEN", t0_ + 2 * kDay + kHour));
  ingest(closed("RECENT", t0_ + 3 * kDay + kHour));
  ASSERT_EQ(pipeline_->cases().known(), 5u);
  ASSERT_EQ(pipeline_->visits().size(), 2u);

  // Day 32 + 1 h: OLD closed 31 days ago (N+1 at day granularity), RECENT 29 days ago (N-1).
  const TimeMs purge_at = t0_ + 32 * kDay + 2 * kHour;
  ingest(EventBuilder::registered("LATER", purge_at));

  EXPECT_FALSE(known("OLD"));
  EXPECT_FALSE(known("OLD-SHARED"));
  EXPECT_TRUE(known("RECENT"));
  EXPECT_TRUE(known("OPEN"));
  EXPECT_TRUE(known("OPEN-SHARED"));
  EXPECT_TRUE(known("LATER"));
  EXPECT_EQ(pipeline_->cases().known(), 4u);
  EXPECT_EQ(pipeline_->cases().size(), 6u);  // the slots stay as tombstones
  EXPECT_EQ(pipeline_->cases().openCases(), 3u);

  const auto purges = purgesWithCases();
  ASSERT_EQ(purges.size(), 1u);
  const CasePurge& p = *purges[0];
  EXPECT_EQ(p.cases, 2u);
  EXPECT_EQ(p.persons, 1u);  // OLD's person; the shared one still has OPEN-SHARED
  EXPECT_EQ(p.visits, 1u);   // the visit naming OLD
  EXPECT_EQ(p.at, purge_at);
  EXPECT_EQ(p.case_cutoff, purge_at - kDays * kDay);
  std::vector<std::string> ids = p.case_ids;
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"OLD", "OLD-SHARED"}));

  // No trace of the purged case or its person in the state.
  const PersonId old_person = EventBuilder::personOf("OLD");
  for (CaseIndex i = 0; i < pipeline_->cases().size(); ++i) {
    PersonId first = 0;
    for (PersonId q : pipeline_->cases().persons(i, first)) EXPECT_NE(q, old_person);
  }
  std::vector<PersonId> scratch;
  ASSERT_EQ(pipeline_->visits().size(), 1u);
  for (const VisitRecord& v : pipeline_->visits().visits()) {
    for (PersonId q : pipeline_->visits().persons(v, scratch)) EXPECT_NE(q, old_person);
  }

  // A late event of a purged case finds no case: an orphan, as for an unknown id.
  ingest(EventBuilder::of(EventType::kReopened, "OLD", purge_at + kHour));
  EXPECT_FALSE(known("OLD"));
  EXPECT_EQ(pipeline_->orphansWaiting(), 1u);
}

TEST_F(CasePurgeTest, OpenCasesAreNeverPurgedHoweverOld) {
  start();
  ingest(EventBuilder::registered("ANCIENT", t0_));
  ingest(EventBuilder::of(EventType::kAccepted, "ANCIENT", t0_ + kDay));
  ingest(EventBuilder::registered("NOW", t0_ + 3 * 365 * kDay));
  EXPECT_TRUE(known("ANCIENT"));
  EXPECT_EQ(pipeline_->cases().known(), 2u);
  EXPECT_TRUE(purgesWithCases().empty());
}

TEST_F(CasePurgeTest, RunsOncePerDayOnEventTime) {
  start();
  ingest(EventBuilder::registered("A", t0_ + kHour));
  ingest(EventBuilder::registered("B", t0_ + 5 * kHour));  // same day: no second purge
  ingest(EventBuilder::registered("C", t0_ + kDay + kHour));
  ingest(EventBuilder::registered("D", t0_ + 3 * kDay + kHour));
  // The first move of the clock, then the first event past each midnight (day 2 had none).
  ASSERT_EQ(out_.purges().size(), 3u);
  EXPECT_EQ(out_.purges()[0].at, t0_ + kHour);
  EXPECT_EQ(out_.purges()[1].at, t0_ + kDay + kHour);
  EXPECT_EQ(out_.purges()[2].at, t0_ + 3 * kDay + kHour);
  EXPECT_EQ(pipeline_->nextPurgeAt(), t0_ + 4 * kDay);
}

TEST_F(CasePurgeTest, ZeroDaysKeepsClosedCasesForever) {
  config_.retention.closed_case_days = 0;
  start();
  ingest(EventBuilder::registered("A", t0_));
  ingest(closed("A", t0_ + kHour));
  ingest(EventBuilder::registered("B", t0_ + 4000 * kDay));
  EXPECT_TRUE(known("A"));
  ASSERT_FALSE(out_.purges().empty());  // the purge still runs (the store's part)
  EXPECT_EQ(out_.purges().back().cases, 0u);
  EXPECT_EQ(out_.purges().back().case_cutoff, 0);
}

TEST_F(CasePurgeTest, APurgedLedgerCaseLeavesTheKeyCaseLedger) {
  // A collective petition enters the ledger; it stays there (exit_quiet_days) past the close.
  config_.retention.closed_case_days = 1;
  start();
  const auto* ledger = pipeline_->model<KeyCaseModel>();
  ASSERT_NE(ledger, nullptr);
  ingest(EventBuilder::registered("GROUP", t0_ + kHour).groupSize(50));
  ASSERT_EQ(ledger->size(), 1u);
  ingest(closed("GROUP", t0_ + 2 * kHour));
  ASSERT_EQ(ledger->size(), 1u);
  ingest(EventBuilder::registered("LATER", t0_ + 2 * kDay + kHour));
  EXPECT_FALSE(known("GROUP"));
  EXPECT_EQ(ledger->size(), 0u);
}

TEST_F(CasePurgeTest, PurgedCasesStayPurgedThroughASnapshotAndReplayAgreesWithIt) {
  start();
  std::vector<CaseEvent> events = {
      EventBuilder::registered("OLD", t0_ + kHour),
      closed("OLD", t0_ + 2 * kHour),
      EventBuilder::registered("KEEP", t0_ + 3 * kHour),
      EventBuilder::registered("LATER", t0_ + 40 * kDay),
  };
  for (const CaseEvent& ev : events) ingest(ev);
  ASSERT_FALSE(known("OLD"));

  // Snapshot, load into a fresh pipeline: the tombstone comes back as a tombstone.
  std::string body;
  ArchiveOut w(body);
  ASSERT_TRUE(pipeline_->saveState(w));
  RecordingOutput out2;
  Pipeline loaded(config_, nullptr, nullptr, out2);
  auto models = buildModels(config_.models, config_.clocks);
  ASSERT_TRUE(models.ok());
  loaded.setModels(std::move(*models));
  ArchiveIn r(body);
  ASSERT_TRUE(loaded.loadState(r, true).ok());
  EXPECT_EQ(loaded.cases().find("OLD"), kNoCase);
  EXPECT_EQ(loaded.cases().known(), 2u);
  EXPECT_EQ(loaded.nextPurgeAt(), pipeline_->nextPurgeAt());

  // A replay of the same events from scratch purges at the same moments: the same state.
  RecordingOutput out3;
  Pipeline replayed(config_, nullptr, nullptr, out3);
  models = buildModels(config_.models, config_.clocks);
  ASSERT_TRUE(models.ok());
  replayed.setModels(std::move(*models));
  for (const CaseEvent& ev : events) {
    DecodedBatch batch;
    batch.events = {ev};
    replayed.ingest(batch);
  }
  EXPECT_EQ(replayed.cases().find("OLD"), kNoCase);
  EXPECT_EQ(replayed.cases().size(), pipeline_->cases().size());
  EXPECT_EQ(replayed.cases().known(), pipeline_->cases().known());
  EXPECT_EQ(replayed.nextPurgeAt(), pipeline_->nextPurgeAt());
}

}  // namespace
}  // namespace casewatch
