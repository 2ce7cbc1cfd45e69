// A snapshot of the whole pipeline (every default model included) taken mid-feed and loaded into a
// fresh pipeline continues exactly as the pipeline that never stopped: the same alert changes,
// byte for byte, and the same state afterwards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "alerts/alert_json.h"
#include "daemon/components.h"
#include "daemon/pipeline.h"
#include "tests/fakes/event_builder.h"
#include "tests/fakes/recording_output.h"

namespace casewatch {
namespace {

using testing::EventBuilder;
using testing::RecordingOutput;
using testing::timeOf;

// A seeded feed of 150 days: persons who keep coming back on their matters, crowds on one matter
// in one place, and cases that are registered, accepted, replied to and closed (or left to go
// overdue), so that every default model has state and alerts on both sides of the snapshot.
std::vector<CaseEvent> seededFeed(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const TimeMs t0 = timeOf("2026-01-05T09:00:00+08:00");
  const std::vector<std::string> regions = {"520302", "520303", "520304"};
  const std::vector<std::string> categories = {"wage_arrears", "land", "housing"};
  std::vector<CaseEvent> out;
  int next_case = 0, next_id = 0;
  auto add = [&](EventBuilder b) {
    CaseEvent ev = b.id("e-" + std::to_string(next_id++));
    out.push_back(std::move(ev));
  };
  struct OpenCase {
    std::string id;
    int stage = 0;
  };
  std::vector<OpenCase> open;
  for (int day = 0; day < 150; ++day) {
    const TimeMs base = t0 + TimeMs{day} * kMsPerDay;
    const int events = 6 + pick(8);
    for (int k = 0; k < events; ++k) {
      const TimeMs ts = base + TimeMs{k} * 37 * kMsPerMinute;
      const int person = pick(30);
      const int matter = person % 12;
      const std::string matter_key = "m:" + std::to_string(matter);
      const std::string& region = regions[static_cast<size_t>(matter % 3)];
      const std::string& category = categories[static_cast<size_t>(matter % 3)];
      const PersonId pid = 0x5eed000000000000ULL + static_cast<PersonId>(person);
      const int what = pick(10);
      if (what < 4) {
        add(EventBuilder::of(EventType::kVisit, "", ts)
                .persons({pid})
                .matter(matter_key)
                .region(region)
                .level(pick(4) == 0 ? Level::kCity : Level::kCounty));
      } else if (what < 6) {
        const std::string id = "C-" + std::to_string(next_case++);
        add(EventBuilder::registered(id, ts)
                .persons({pid})
                .matter(matter_key)
                .region(region)
                .category(category)
                .agency("agency-" + std::to_string(matter % 4))
                .groupSize(pick(20) == 0 ? 8 : 1));
        open.push_back({id});
      } else if (!open.empty()) {
        OpenCase& c = open[static_cast<size_t>(pick(static_cast<int>(open.size())))];
        static const EventType kSteps[] = {EventType::kAccepted, EventType::kReplied,
                                           EventType::kClosed};
        if (pick(3) == 0) continue;  // some cases are left to go overdue
        add(EventBuilder::of(kSteps[c.stage], c.id, ts));
        if (++c.stage == 3) {
          c = open.back();
          open.pop_back();
        }
      }
    }
    if (day % 17 == 5) {
      // A crowd on one matter in one place.
      std::vector<PersonId> crowd;
      for (int p = 0; p < 12; ++p) crowd.push_back(0x7000000000000000ULL + day * 100 + p);
      add(EventBuilder::of(EventType::kVisit, "", base + 5 * kMsPerHour)
              .persons(crowd)
              .matter("m:crowd-" + std::to_string(day % 2))
              .region(regions[0])
              .groupSize(40));
    }
  }
  return out;
}

std::string changeText(const AlertChange& c) {
  return std::to_string(c.at) + " " + std::string(changeKindName(c.kind)) + " " +
         alertToJson(c.alert, AlertJsonOptions{});
}

class PipelineSnapshotTest : public ::testing::Test {
 protected:
  PipelineSnapshotTest() { config_.clock = ClockSource::kEvent; }

  std::unique_ptr<Pipeline> make(RecordingOutput& out) {
    auto p = std::make_unique<Pipeline>(config_, nullptr, nullptr, out);
    auto models = buildModels(config_.models, config_.clocks);
    EXPECT_TRUE(models.ok()) << models.status();
    p->setModels(std::move(*models));
    return p;
  }
  // A pipeline fed the first half of seededFeed(7) (into `out`), and its saved state.
  std::pair<std::unique_ptr<Pipeline>, std::string> savedHalfway(RecordingOutput& out) {
    const std::vector<CaseEvent> events = seededFeed(7);
    auto p = make(out);
    feed(*p, events, 0, events.size() / 2);
    std::string body;
    ArchiveOut archive(body);
    EXPECT_TRUE(p->saveState(archive));
    return {std::move(p), std::move(body)};
  }
  static void feed(Pipeline& p, const std::vector<CaseEvent>& events, size_t from, size_t to) {
    for (size_t i = from; i < to; i += 7) {
      DecodedBatch batch;
      batch.feed = "test-feed";
      for (size_t k = i; k < std::min(to, i + 7); ++k) batch.events.push_back(events[k]);
      p.ingest(batch);
    }
  }
  static std::vector<std::string> texts(const RecordingOutput& out, size_t from = 0) {
    std::vector<std::string> v;
    for (size_t i = from; i < out.changes().size(); ++i) v.push_back(changeText(out.changes()[i]));
    return v;
  }

  Config config_;
};

TEST_F(PipelineSnapshotTest, ARestartFromASnapshotRaisesTheSameAlertsAsARunThatNeverStopped) {
  const std::vector<CaseEvent> events = seededFeed(20261205);
  for (const size_t split : {events.size() / 3, events.size() * 2 / 3}) {
    SCOPED_TRACE(split);
    RecordingOutput whole_out;
    auto whole = make(whole_out);
    feed(*whole, events, 0, split);
    const size_t changes_at_split = whole_out.changes().size();

    std::string body;
    ArchiveOut out(body);
    ASSERT_TRUE(whole->saveState(out));
    feed(*whole, events, split, events.size());

    RecordingOutput restarted_out;
    auto restarted = make(restarted_out);
    ArchiveIn in(body);
    ASSERT_TRUE(restarted->loadState(in, true).ok());
    EXPECT_TRUE(in.atEnd());
    feed(*restarted, events, split, events.size());

    const auto after = texts(whole_out, changes_at_split);
    EXPECT_EQ(texts(restarted_out), after);
    // The feed proves something: the models with the most state raise alerts after the split.
    std::set<std::string> models;
    for (size_t i = changes_at_split; i < whole_out.changes().size(); ++i) {
      models.insert(whole_out.changes()[i].alert.model);
    }
    EXPECT_THAT(models, ::testing::IsSupersetOf({"repeat_visit", "group_incident", "overdue"}));

    // And the state after the rest of the feed is the same: saved again, it loads and both
    // continue alike over the clock (resolutions due later).
    const TimeMs later = events.back().ts + 200 * kMsPerDay;
    const size_t w0 = whole_out.changes().size(), r0 = restarted_out.changes().size();
    whole->advanceTo(later);
    restarted->advanceTo(later);
    EXPECT_EQ(texts(restarted_out, r0), texts(whole_out, w0));
    EXPECT_GT(whole_out.changes().size(), w0);
  }
}

TEST_F(PipelineSnapshotTest, ATruncatedOrDamagedBodyIsRefusedNeverHalfLoaded) {
  RecordingOutput o;
  const auto [p, body] = savedHalfway(o);
  for (const size_t cut :
       {size_t{0}, size_t{5}, body.size() / 3, body.size() / 2, body.size() - 1}) {
    RecordingOutput o2;
    auto q = make(o2);
    ArchiveIn in(std::string_view(body).substr(0, cut));
    const absl::Status s = q->loadState(in, true);
    EXPECT_FALSE(s.ok() && in.atEnd()) << "cut at " << cut;
  }
}

TEST_F(PipelineSnapshotTest, SaysWhenTheBookIsLoadedOnceAndNeverForABodyCutBeforeIt) {
  // Start-up links the workflow's alerts to the book's texts on another thread from that moment.
  RecordingOutput o;
  auto saved = savedHalfway(o);  // not a structured binding: the lambda below uses it
  Pipeline& p = *saved.first;
  const std::string& body = saved.second;
  RecordingOutput o2;
  auto whole = make(o2);
  int told = 0;
  ArchiveIn in(body);
  ASSERT_TRUE(whole
                  ->loadState(in, true,
                              [&] {
                                ++told;
                                EXPECT_EQ(whole->alerts().activeCount(), p.alerts().activeCount());
                              })
                  .ok());
  EXPECT_EQ(told, 1);
  RecordingOutput o3;
  auto cut = make(o3);
  ArchiveIn head(std::string_view(body).substr(0, 5));
  EXPECT_FALSE(cut->loadState(head, true, [&] { ++told; }).ok());
  EXPECT_EQ(told, 1);
}

}  // namespace
}  // namespace casewatch
