// Per-event cost of the key_case and stability models, with one million open cases already in the
// state and in the models (about 12% of them ledgered: 10% lodged above the competent level, 2%
// collective), as models_bench.cc does for the other models.
//
//   - KeyCaseStability/Event: the case state's apply, then key_case + stability (advanceTo and
//     onEvent, with the RegionBoard between them), on a mix of new registrations (20%), visits
//     naming an existing case (10%: activity on ledgered cases raises key_case alerts) and the next
//     step of new cases (70%). StateOnlyLedger/Event is the same mix through the case state alone.
//   - Stability/Signal: stability's onSignal for another model's alert changing tier (the cost
//     every signal of every model pays).
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "bench/case_world.h"
#include "daemon/daemon_config.h"
#include "models/key_case/key_case_model.h"
#include "models/stability/stability_model.h"
#include "state/case_store.h"

namespace casewatch {
namespace {

using bench::kOpenCases;
using bench::kStep;
using bench::mix;

struct LedgerWorld : bench::CaseWorld {
  RegionBoard board;
  ModelContext ctx{store, sink, nullptr, &board};
  Config config;
  std::unique_ptr<KeyCaseModel> key_case;
  std::unique_ptr<StabilityModel> stability;

  LedgerWorld() : CaseWorld({"K-", /*varied=*/false}) {
    key_case = std::make_unique<KeyCaseModel>(config.models.get<KeyCaseConfig>());
    stability = std::make_unique<StabilityModel>(config.models.get<StabilityConfig>());
    CaseEvent ev;
    for (size_t i = 0; i < kOpenCases; ++i) {
      newRegistration(ev);
      apply(ev, true);
      const CaseIndex c = static_cast<CaseIndex>(store.size() - 1);
      step(ev, c, EventType::kAccepted);
      apply(ev, true);
    }
  }
  void visitOf(CaseEvent& ev, CaseIndex i) { visit(ev, i, /*cite_case=*/true); }
  void apply(const CaseEvent& ev, bool models) {
    const CaseUpdate u = store.apply(ev);
    if (models) {
      key_case->advanceTo(ev.ts, ctx);
      stability->advanceTo(ev.ts, ctx);
      key_case->onEvent(ev, u, ctx);
      stability->onEvent(ev, u, ctx);
    }
  }
};

LedgerWorld& world() {
  static LedgerWorld* w = new LedgerWorld();  // built once (a few seconds)
  return *w;
}

void mixedLoop(benchmark::State& state, bool models) {
  LedgerWorld& w = world();
  CaseEvent ev;
  static constexpr EventType kSteps[] = {EventType::kProceduralReply, EventType::kAccepted,
                                         EventType::kReplied, EventType::kClosed};
  std::array<CaseIndex, 4> cursor;
  cursor.fill(static_cast<CaseIndex>(w.store.size()));
  for (auto _ : state) {
    const uint64_t r = mix(++w.counter) % 100;
    const size_t k = r % 4;
    if (r < 20 || (r >= 30 && cursor[k] >= w.store.size())) {
      w.newRegistration(ev);
    } else if (r < 30) {
      w.visitOf(ev, w.randomCase());
    } else {
      w.now += kStep;
      w.step(ev, cursor[k]++, kSteps[k]);
    }
    w.apply(ev, models);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["open_cases"] = static_cast<double>(w.store.openCases());
  state.counters["ledgered"] = static_cast<double>(w.key_case->size());
  state.counters["signals"] = static_cast<double>(w.sink.signals);
}

void BM_KeyCaseStabilityEvent(benchmark::State& state) {
  mixedLoop(state, true);
}
BENCHMARK(BM_KeyCaseStabilityEvent)->Name("KeyCaseStability/Event");

void BM_StateOnlyLedgerEvent(benchmark::State& state) {
  mixedLoop(state, false);
}
BENCHMARK(BM_StateOnlyLedgerEvent)->Name("StateOnlyLedger/Event");

void BM_StabilitySignal(benchmark::State& state) {
  LedgerWorld& w = world();
  Signal s;
  s.model = "overdue";
  s.subject_kind = SubjectKind::kCase;
  for (auto _ : state) {
    const uint64_t n = mix(++w.counter);
    s.subject_id = fmt::format("K-{:09d}", n % 20000);  // 20,000 distinct open alerts
    s.region = w.regions[n % 40];
    s.tier = static_cast<Tier>(1 + (n >> 8) % 4);
    w.stability->onSignal(s, w.ctx);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["held_alerts"] = static_cast<double>(w.stability->heldAlerts());
}
BENCHMARK(BM_StabilitySignal)->Name("Stability/Signal");

}  // namespace
}  // namespace casewatch
