// Per-event cost of the statistical models (repeat_visit, group_incident) and of all models
// together with the case state, with one million open cases already in the state and in the
// models (their tables warm and large, as in production).
//
//   - RepeatVisit/Contact, GroupIncident/Contact, RecurringMatter/Contact,
//   EscalationRisk/Contact: one model's onEvent (+
//   advanceTo) per contact
//     (70% first registrations of new persons on new matters, 20% returns of a known person on
//     its matter, 10% visits of new persons, 2% of them groups of 8), nothing else timed.
//   - Baseline/MakeContact: building those contact events without any model: the difference to
//     the two above is the models' own cost.
//   - AllModels/Event: the pipeline's per-event work after decoding: the case state's apply, then
//     overdue + repeat_visit + group_incident + recurring_matter + escalation_risk, on a mix of new
//     registrations (20%), returns (10%) and the next step of new cases (70%). StateOnly/Event is
//     the same mix through the case state alone, so the models' share is the difference.
//     DefaultModels/Event leaves escalation_risk out (it is off unless a model file is configured).
// Counters: bytes of repeat_visit state per (person, matter) pair (table capacity included), bytes
// of group_incident state, open cases.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "bench/allocation_count.h"
#include "bench/case_world.h"
#include "daemon/daemon_config.h"
#include "models/escalation_risk/escalation_risk_model.h"
#include "models/group_incident/group_incident_model.h"
#include "models/overdue/overdue_model.h"
#include "models/recurring_matter/recurring_matter_model.h"
#include "models/repeat_visit/repeat_visit_model.h"
#include "state/case_store.h"

namespace casewatch {
namespace {

using bench::kOpenCases;
using bench::kStep;
using bench::mix;

// One million registered, open cases, and the three models warmed up on them.
struct World : bench::CaseWorld {
  ModelContext ctx{store, sink, nullptr};
  Config config;
  std::unique_ptr<OverdueModel> overdue;
  std::unique_ptr<RepeatVisitModel> repeat;
  std::unique_ptr<GroupIncidentModel> group;
  std::unique_ptr<RecurringMatterModel> recurring;
  std::unique_ptr<EscalationRiskModel> escalation;

  World() : CaseWorld({"B-", /*varied=*/true}) {
    overdue = std::make_unique<OverdueModel>(config.clocks, std::nullopt);
    repeat = std::make_unique<RepeatVisitModel>(config.models.get<RepeatVisitConfig>(),
                                                config.clocks.utc_offset_minutes);
    group = std::make_unique<GroupIncidentModel>(config.models.get<GroupIncidentConfig>(),
                                                 config.clocks.utc_offset_minutes);
    recurring = std::make_unique<RecurringMatterModel>(config.models.get<RecurringMatterConfig>(),
                                                       config.clocks.utc_offset_minutes);
    // escalation_risk with a model file's worth of coefficients (every feature non-zero, so no
    // term is skipped): the cost does not depend on their values.
    EscalationModelFile file;
    file.intercept = -3;
    file.horizon_days = 30;
    for (size_t k = 0; k < file.coefficients.size(); ++k)
      file.coefficients[k] = 0.1 * (k % 3) + 0.05;
    escalation = std::make_unique<EscalationRiskModel>(config.models.get<EscalationRiskConfig>(),
                                                       config.clocks, file);
    // Each preloaded case is registered, told it is in hand and accepted: open, with a handling
    // deadline 60 days on, as most of a live system's open cases are.
    CaseEvent ev;
    for (size_t i = 0; i < kOpenCases; ++i) {
      newRegistration(ev);
      apply(ev, true);
      const CaseIndex c = static_cast<CaseIndex>(store.size() - 1);
      step(ev, c, EventType::kProceduralReply);
      apply(ev, true);
      step(ev, c, EventType::kAccepted);
      apply(ev, true);
    }
  }
  // A visit by the first person of an existing case, on its matter (a return).
  void returnVisit(CaseEvent& ev, CaseIndex i) { visit(ev, i, /*cite_case=*/false); }
  // models: 0 = the case state alone, 1 = + overdue, repeat_visit, group_incident, recurring_matter
  // (the default configuration's per-case models), 2 = + escalation_risk (on only with a model
  // file).
  CaseUpdate apply(const CaseEvent& ev, int models) {
    const CaseUpdate u = store.apply(ev);
    if (models >= 1) {
      overdue->advanceTo(ev.ts, ctx);
      repeat->advanceTo(ev.ts, ctx);
      group->advanceTo(ev.ts, ctx);
      recurring->advanceTo(ev.ts, ctx);
      if (models >= 2) escalation->advanceTo(ev.ts, ctx);
      overdue->onEvent(ev, u, ctx);
      repeat->onEvent(ev, u, ctx);
      group->onEvent(ev, u, ctx);
      recurring->onEvent(ev, u, ctx);
      if (models >= 2) escalation->onEvent(ev, u, ctx);
    }
    return u;
  }
};

World& world() {
  static World* w = new World();  // built once for every benchmark (a few seconds)
  return *w;
}

// Heap allocations per event over the timed loop (making the events included: see
// Baseline/MakeContact for what that alone costs).
void reportAllocations(benchmark::State& state, uint64_t before) {
  state.counters["allocs_per_event"] =
      static_cast<double>(bench::allocationsSoFar() - before) /
      static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
}

// The contact stream of the single-model benchmarks: the event and the CaseUpdate a
// registration of an existing case would give (no case-state work is timed).
template <typename ModelT>
void contactLoop(benchmark::State& state, ModelT* model) {
  World& w = world();
  CaseEvent ev;
  const uint64_t allocations_before = bench::allocationsSoFar();
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
    if (model != nullptr) {
      model->advanceTo(ev.ts, w.ctx);
      model->onEvent(ev, u, w.ctx);
    } else {
      benchmark::DoNotOptimize(ev);
      benchmark::DoNotOptimize(u);
    }
  }
  state.SetItemsProcessed(state.iterations());
  reportAllocations(state, allocations_before);
}

// Making the contact events alone (strings formatted, hashes drawn): subtract from the two below.
void BM_MakeContact(benchmark::State& state) {
  contactLoop<Model>(state, nullptr);
}
BENCHMARK(BM_MakeContact)->Name("Baseline/MakeContact");

void BM_RepeatVisitContact(benchmark::State& state) {
  World& w = world();
  contactLoop(state, w.repeat.get());
  state.counters["bytes_per_pair"] =
      static_cast<double>(w.repeat->approximateBytes()) / static_cast<double>(w.repeat->pairs());
  state.counters["pairs"] = static_cast<double>(w.repeat->pairs());
  state.counters["open_alerts"] = static_cast<double>(w.repeat->openAlerts());
}
BENCHMARK(BM_RepeatVisitContact)->Name("RepeatVisit/Contact");

void BM_GroupIncidentContact(benchmark::State& state) {
  World& w = world();
  contactLoop(state, w.group.get());
  state.counters["bytes"] = static_cast<double>(w.group->approximateBytes());
  state.counters["tracked_matters"] = static_cast<double>(w.group->trackedMatters());
}
BENCHMARK(BM_GroupIncidentContact)->Name("GroupIncident/Contact");

void BM_RecurringMatterContact(benchmark::State& state) {
  World& w = world();
  contactLoop(state, w.recurring.get());
  state.counters["bytes_per_matter"] = static_cast<double>(w.recurring->approximateBytes()) /
                                       static_cast<double>(w.recurring->matters());
  state.counters["matters"] = static_cast<double>(w.recurring->matters());
  state.counters["open_alerts"] = static_cast<double>(w.recurring->openAlerts());
}
BENCHMARK(BM_RecurringMatterContact)->Name("RecurringMatter/Contact");

void BM_EscalationRiskContact(benchmark::State& state) {
  World& w = world();
  const uint64_t before = w.sink.signals;
  contactLoop(state, w.escalation.get());
  state.counters["open_alerts"] = static_cast<double>(w.escalation->openAlerts());
  state.counters["signals_per_event"] =
      static_cast<double>(w.sink.signals - before) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_EscalationRiskContact)->Name("EscalationRisk/Contact");

// The mixed event stream of the pipeline benchmarks: new registrations (20%), returns (10%), and
// the next step of the oldest new case still waiting for it (70%: procedural reply, acceptance,
// reply, closing), so that new cases are handled about as fast as they come in.
void mixedLoop(benchmark::State& state, int models) {
  World& w = world();
  CaseEvent ev;
  // The single-model benchmarks moved the clock on without the other models: let every model
  // catch up first, untimed.
  if (models) {
    w.overdue->advanceTo(w.now, w.ctx);
    w.repeat->advanceTo(w.now, w.ctx);
    w.group->advanceTo(w.now, w.ctx);
    w.escalation->advanceTo(w.now, w.ctx);
  }
  static constexpr EventType kSteps[] = {EventType::kProceduralReply, EventType::kAccepted,
                                         EventType::kReplied, EventType::kClosed};
  std::array<CaseIndex, 4> cursor;
  cursor.fill(static_cast<CaseIndex>(w.store.size()));
  const uint64_t allocations_before = bench::allocationsSoFar();
  for (auto _ : state) {
    const uint64_t r = mix(++w.counter) % 100;
    const size_t k = r % 4;
    if (r < 20 || (r >= 30 && cursor[k] >= w.store.size())) {
      w.newRegistration(ev);
    } else if (r < 30) {
      w.returnVisit(ev, w.randomCase());
    } else {
      w.now += kStep;
      w.step(ev, cursor[k]++, kSteps[k]);
    }
    w.apply(ev, models);
  }
  state.SetItemsProcessed(state.iterations());
  reportAllocations(state, allocations_before);
  state.counters["open_cases"] = static_cast<double>(w.store.openCases());
  state.counters["signals"] = static_cast<double>(w.sink.signals);
}

void BM_AllModelsEvent(benchmark::State& state) {
  mixedLoop(state, 2);
}

void BM_DefaultModelsEvent(benchmark::State& state) {
  mixedLoop(state, 1);
}
BENCHMARK(BM_DefaultModelsEvent)->Name("DefaultModels/Event");
BENCHMARK(BM_AllModelsEvent)->Name("AllModels/Event");

void BM_StateOnlyEvent(benchmark::State& state) {
  mixedLoop(state, 0);
}
BENCHMARK(BM_StateOnlyEvent)->Name("StateOnly/Event");

}  // namespace
}  // namespace casewatch
