// Each default model's own cost per event, in time and in heap allocations (issue 10: a model's
// onEvent should allocate nothing in the steady state), on a warmed-up world of 100,000 open cases.
//
// Every model of the default configuration (daemon/components.h buildModels: overdue, repeat_visit,
// group_incident, recurring_matter, escalation_risk — pinned to a model file here, see below —,
// key_case, stability) sees every event, as in the pipeline: the case state's apply, then each
// model's advanceTo and onEvent, and the signals one model emits go to the others' onSignal
// (Pipeline::emit). One benchmark per model, named
// ModelAllocations/<model>, reports that model's share only:
//   - time: its advanceTo + onEvent + onSignal, exclusive of what it calls in the other models
//     (a signal it emits runs their onSignal: that is theirs), measured with steady_clock around
//     each call (manual time; two clock reads per call, ~20–40 ns per event, are included);
//   - allocs_per_event: operator new calls inside those calls (bench/allocation_count.h), the
//     signals it builds included;
//   - signals_per_event: how many signals it emitted (a signal carries strings: an alert change
//     allocates by nature);
//   - quiet_allocs_per_event: the allocations of its calls that emitted no signal, per event: the
//     steady state's, which should be 0.
// The event stream is models_bench.cc's mix: new registrations (20%), visits by a case's person
// (10%, half of them naming the case), and the next step of new cases (70%: procedural reply,
// acceptance, reply, closing). Before the first benchmark, 300,000 such events run untimed so that
// every model's buffers and tables have reached their steady size.
#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bench/allocation_count.h"
#include "bench/case_world.h"
#include "daemon/components.h"
#include "daemon/daemon_config.h"
#include "models/escalation_risk/escalation_risk_model.h"
#include "models/region_board.h"
#include "state/case_store.h"

namespace casewatch {
namespace {

using bench::kStep;
using bench::mix;

constexpr size_t kWorldCases = 100'000;
constexpr size_t kWarmUpEvents = 300'000;
// Events per run (fixed: with manual time, Google Benchmark would otherwise run each model until
// its own share alone added up to the minimum time, many times longer for the cheap models).
constexpr benchmark::IterationCount kEventsPerRun = 200'000;

using SteadyClock = std::chrono::steady_clock;

// Exclusive time and allocations per model: a call into model B made while model A is being
// measured (A emitted a signal, B's onSignal runs) is charged to B and taken off A.
struct ModelMeter {
  struct Totals {
    double seconds = 0;
    uint64_t allocations = 0;
    uint64_t signals = 0;
    uint64_t quiet_allocations = 0;  // in calls that emitted no signal
  };
  std::vector<Totals> totals;
  struct Frame {
    size_t model;
    SteadyClock::time_point start;
    uint64_t allocations_at_start;
    uint64_t signals_at_start;
    double nested_seconds = 0;
    uint64_t nested_allocations = 0;
  };
  std::vector<Frame> stack;

  void enter(size_t model) {
    stack.push_back({model, SteadyClock::now(), bench::allocationsSoFar(), totals[model].signals});
  }
  void leave() {
    const uint64_t allocations = bench::allocationsSoFar();
    const SteadyClock::time_point end = SteadyClock::now();
    const Frame f = stack.back();
    stack.pop_back();
    const double seconds = std::chrono::duration<double>(end - f.start).count();
    const uint64_t made = allocations - f.allocations_at_start;
    totals[f.model].seconds += seconds - f.nested_seconds;
    totals[f.model].allocations += made - f.nested_allocations;
    if (totals[f.model].signals == f.signals_at_start) {
      totals[f.model].quiet_allocations += made - f.nested_allocations;
    }
    if (!stack.empty()) {
      stack.back().nested_seconds += seconds;
      stack.back().nested_allocations += made;
    }
  }
};

// The default models over a 100,000-case world, with the pipeline's signal routing.
struct ModelWorld : bench::CaseWorld, SignalSink {
  RegionBoard board;
  ModelContext ctx{store, *this, nullptr, &board};
  Config config;
  std::vector<std::unique_ptr<Model>> models;
  ModelMeter meter;

  ModelWorld() : CaseWorld({"A-", /*varied=*/true}, kWorldCases) {
    auto built = buildModels(config.models, config.clocks);
    if (!built.ok()) std::abort();
    models = std::move(*built);
    // escalation_risk as configured by default learns, and does nothing until the daemon starts
    // its learning (a replay never does): here it runs pinned to a model file's worth of
    // coefficients (every feature non-zero, as in models_bench.cc, so no term is skipped), scoring
    // every case; the intercept is low enough that, as in a live system, few cases alert (with
    // models_bench.cc's -3 most do, and the signals' own allocations drown everything else).
    EscalationModelFile file;
    file.intercept = -6;
    file.horizon_days = 30;
    for (size_t k = 0; k < file.coefficients.size(); ++k)
      file.coefficients[k] = 0.1 * static_cast<double>(k % 3) + 0.05;
    for (auto& m : models) {
      if (m->name() == EscalationRiskModel::kName) {
        m = std::make_unique<EscalationRiskModel>(config.models.get<EscalationRiskConfig>(),
                                                  config.clocks, file);
      }
    }
    // The stack never gets deeper than a signal's emitter and the model seeing it (plus nested
    // emits): reserved so that the meter itself allocates nothing while measuring.
    meter.stack.reserve(16);
    meter.totals.resize(models.size());
    CaseEvent ev;
    for (size_t i = 0; i < kWorldCases; ++i) {
      newRegistration(ev);
      apply(ev);
      const CaseIndex c = static_cast<CaseIndex>(store.size() - 1);
      step(ev, c, EventType::kProceduralReply);
      apply(ev);
      step(ev, c, EventType::kAccepted);
      apply(ev);
    }
    cursor.fill(static_cast<CaseIndex>(store.size()));
    for (size_t i = 0; i < kWarmUpEvents; ++i) nextEvent();
  }

  void apply(const CaseEvent& ev) {
    const CaseUpdate u = store.apply(ev);
    for (size_t m = 0; m < models.size(); ++m) {
      meter.enter(m);
      models[m]->advanceTo(ev.ts, ctx);
      models[m]->onEvent(ev, u, ctx);
      meter.leave();
    }
  }

  // Pipeline::emit without the alert book: the other models see the signal.
  void emit(Signal&& s) override {
    for (size_t m = 0; m < models.size(); ++m) {
      if (models[m]->name() == s.model) {
        ++meter.totals[m].signals;
        continue;
      }
      meter.enter(m);
      models[m]->onSignal(s, ctx);
      meter.leave();
    }
  }

  // The mixed stream (see the file comment).
  void nextEvent() {
    static constexpr EventType kSteps[] = {EventType::kProceduralReply, EventType::kAccepted,
                                           EventType::kReplied, EventType::kClosed};
    const uint64_t r = mix(++counter) % 100;
    const size_t k = r % 4;
    if (r < 20 || (r >= 30 && cursor[k] >= store.size())) {
      newRegistration(ev_);
    } else if (r < 30) {
      visit(ev_, randomCase(), /*cite_case=*/r < 25);
    } else {
      now += kStep;
      step(ev_, cursor[k]++, kSteps[k]);
    }
    apply(ev_);
  }

  std::array<CaseIndex, 4> cursor;
  CaseEvent ev_;
};

ModelWorld& world() {
  static ModelWorld* w = new ModelWorld();  // built once for every benchmark (a few seconds)
  return *w;
}

void BM_ModelAllocations(benchmark::State& state, size_t model) {
  ModelWorld& w = world();
  uint64_t allocations = 0, signals = 0, quiet_allocations = 0;
  for (auto _ : state) {
    const ModelMeter::Totals before = w.meter.totals[model];
    w.nextEvent();
    const ModelMeter::Totals& after = w.meter.totals[model];
    state.SetIterationTime(after.seconds - before.seconds);
    allocations += after.allocations - before.allocations;
    signals += after.signals - before.signals;
    quiet_allocations += after.quiet_allocations - before.quiet_allocations;
  }
  const double n = static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
  state.SetItemsProcessed(state.iterations());
  state.counters["allocs_per_event"] = static_cast<double>(allocations) / n;
  state.counters["signals_per_event"] = static_cast<double>(signals) / n;
  state.counters["quiet_allocs_per_event"] = static_cast<double>(quiet_allocations) / n;
  state.counters["open_cases"] = static_cast<double>(w.store.openCases());
}

// One benchmark per model of the component table, registered before main() runs the benchmarks
// (the world itself is built lazily, by the first of them).
const bool kRegistered = [] {
  const std::vector<ModelComponent>& components = modelComponents();
  for (size_t m = 0; m < components.size(); ++m) {
    benchmark::RegisterBenchmark(("ModelAllocations/" + std::string(components[m].name)).c_str(),
                                 [m](benchmark::State& state) { BM_ModelAllocations(state, m); })
        ->UseManualTime()
        ->Iterations(kEventsPerRun);
  }
  return true;
}();

}  // namespace
}  // namespace casewatch
