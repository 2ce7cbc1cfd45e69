// Per-event cost of the statistical models (repeat_visit, group_incident) and of all models
// together with the case state, with one million open cases already in the state and in the
// models (their tables warm and large, as in production).
//
//   - RepeatVisit/Contact, GroupIncident/Contact: one model's onEvent (+ advanceTo) per contact
//     (70% first registrations of new persons on new matters, 20% returns of a known person on
//     its matter, 10% visits of new persons, 2% of them groups of 8), nothing else timed.
//   - AllModels/Event: the pipeline's per-event work after decoding: the case state's apply, then
//     overdue + repeat_visit + group_incident, on a mix of new registrations (30%), visits (10%) and
//     lifecycle events on open cases (60%). StateOnly/Event is the same mix through the case state
//     alone, so the models' share is the difference.
// Counters: bytes of model state per (person, matter) pair and per open case.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/state/case_store.h"
#include "models/group_incident/group_incident_model.h"
#include "models/overdue/overdue_model.h"
#include "models/repeat_visit/repeat_visit_model.h"

namespace casewatch {
namespace {

constexpr size_t kOpenCases = 1'000'000;
constexpr TimeMs kStart = 1'772'323'200'000;  // 2026-03-01T00:00:00Z
constexpr TimeMs kStep = 2'600;               // ~1M events a month

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

const char* const kCategories[] = {"wage_arrears", "demolition",      "land",
                                   "judicial",     "social_security", "other"};

class NullSink final : public SignalSink {
 public:
  void emit(Signal&&) override { ++signals; }
  uint64_t signals = 0;
};

// One million registered, open cases, and the three models warmed up on them.
struct World {
  CaseStore store;
  NullSink sink;
  ModelContext ctx{store, sink, nullptr};
  Config config;
  std::unique_ptr<OverdueModel> overdue;
  std::unique_ptr<RepeatVisitModel> repeat;
  std::unique_ptr<GroupIncidentModel> group;
  std::vector<std::string> regions;
  TimeMs now = kStart;
  uint64_t counter = 0;
  uint64_t next_case = 0;

  World() {
    overdue = std::make_unique<OverdueModel>(config.clocks, std::nullopt);
    repeat = std::make_unique<RepeatVisitModel>(config.models.repeat_visit,
                                                config.clocks.utc_offset_minutes);
    group = std::make_unique<GroupIncidentModel>(config.models.group_incident,
                                                 config.clocks.utc_offset_minutes);
    for (int r = 0; r < 40; ++r) regions.push_back(fmt::format("5203{:02d}", r));
    CaseEvent ev;
    for (size_t i = 0; i < kOpenCases; ++i) {
      newRegistration(ev);
      apply(ev, true);
    }
  }
  void newRegistration(CaseEvent& ev) {
    const uint64_t n = next_case++;
    const uint64_t h = mix(n);
    ev.type = EventType::kRegistered;
    now += kStep;
    ev.ts = now;
    ev.case_id = fmt::format("B-{:09d}", n);
    ev.persons.assign(1, mix(n ^ 0x5555));
    if (h % 10 == 0) ev.persons.push_back(mix(n ^ 0xaaaa));
    ev.matter = fmt::format("m:{}-{}", h % 40, n);
    ev.region = regions[h % 40];
    ev.agency = fmt::format("agency-{}", h % 200);
    ev.category = kCategories[(h >> 8) % 6];
    ev.channel = static_cast<Channel>(1 + (h >> 12) % 4);
    ev.level = (h >> 16) % 10 == 0 ? Level::kCity : Level::kCounty;
    ev.competent_level = Level::kCounty;
    ev.group_size = (h >> 20) % 50 == 0 ? 8 : 0;
  }
  // A visit by the first person of an existing case, on its matter (a return).
  void returnVisit(CaseEvent& ev, CaseIndex i) {
    const Case& c = store.at(i);
    ev.type = EventType::kVisit;
    now += kStep;
    ev.ts = now;
    ev.case_id.clear();
    ev.persons.assign(1, c.first_person);
    ev.matter.assign(store.strings().name(c.matter));
    ev.region.assign(store.strings().name(c.region));
    ev.level = Level::kCounty;
    ev.group_size = 0;
  }
  CaseUpdate apply(const CaseEvent& ev, bool models) {
    const CaseUpdate u = store.apply(ev);
    if (models) {
      overdue->advanceTo(ev.ts, ctx);
      repeat->advanceTo(ev.ts, ctx);
      group->advanceTo(ev.ts, ctx);
      overdue->onEvent(ev, u, ctx);
      repeat->onEvent(ev, u, ctx);
      group->onEvent(ev, u, ctx);
    }
    return u;
  }
  CaseIndex randomCase() { return static_cast<CaseIndex>(mix(++counter) % kOpenCases); }
};

World& world() {
  static World* w = new World();  // built once for every benchmark (a few seconds)
  return *w;
}

// The contact stream of the single-model benchmarks: the event and the CaseUpdate a
// registration of an existing case would give (no case-state work is timed).
template <typename ModelT>
void contactLoop(benchmark::State& state, ModelT& model) {
  World& w = world();
  CaseEvent ev;
  for (auto _ : state) {
    const uint64_t r = mix(++w.counter) % 100;
    CaseUpdate u;
    if (r < 70) {
      w.newRegistration(ev);
      u.index = w.randomCase();  // any case: the models read its agency, category and levels
      u.created = true;
    } else if (r < 90) {
      w.returnVisit(ev, w.randomCase());
    } else {
      w.newRegistration(ev);
      ev.type = EventType::kVisit;
      ev.case_id.clear();
    }
    model.advanceTo(ev.ts, w.ctx);
    model.onEvent(ev, u, w.ctx);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RepeatVisitContact(benchmark::State& state) {
  World& w = world();
  contactLoop(state, *w.repeat);
  state.counters["model_bytes_per_open_case"] =
      static_cast<double>(w.repeat->approximateBytes()) / kOpenCases;
  state.counters["open_alerts"] = static_cast<double>(w.repeat->openAlerts());
}
BENCHMARK(BM_RepeatVisitContact)->Name("RepeatVisit/Contact");

void BM_GroupIncidentContact(benchmark::State& state) {
  World& w = world();
  contactLoop(state, *w.group);
  state.counters["model_bytes_per_open_case"] =
      static_cast<double>(w.group->approximateBytes()) / kOpenCases;
  state.counters["tracked_matters"] = static_cast<double>(w.group->trackedMatters());
}
BENCHMARK(BM_GroupIncidentContact)->Name("GroupIncident/Contact");

// The mixed event stream of the pipeline benchmarks.
void mixedLoop(benchmark::State& state, bool models) {
  World& w = world();
  CaseEvent ev;
  static constexpr EventType kLifecycle[] = {EventType::kAccepted, EventType::kProceduralReply,
                                             EventType::kReplied, EventType::kClosed};
  for (auto _ : state) {
    const uint64_t r = mix(++w.counter) % 100;
    if (r < 30) {
      w.newRegistration(ev);
    } else if (r < 40) {
      w.returnVisit(ev, w.randomCase());
    } else {
      const CaseIndex i = w.randomCase();
      ev.type = kLifecycle[r % 4];
      w.now += kStep;
      ev.ts = w.now;
      ev.case_id.assign(w.store.caseId(i));
      ev.persons.clear();
      ev.outcome = Outcome::kUpheld;
      ev.resolved = true;
    }
    w.apply(ev, models);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["open_cases"] = static_cast<double>(w.store.openCases());
}

void BM_AllModelsEvent(benchmark::State& state) { mixedLoop(state, true); }
BENCHMARK(BM_AllModelsEvent)->Name("AllModels/Event");

void BM_StateOnlyEvent(benchmark::State& state) { mixedLoop(state, false); }
BENCHMARK(BM_StateOnlyEvent)->Name("StateOnly/Event");

}  // namespace
}  // namespace casewatch
