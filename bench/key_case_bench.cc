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

#include "config/config.h"
#include "models/key_case/key_case_model.h"
#include "models/stability/stability_model.h"
#include "state/case_store.h"

namespace casewatch {
namespace {

constexpr size_t kOpenCases = 1'000'000;
constexpr TimeMs kStart = 1'772'323'200'000;  // 2026-03-01T00:00:00Z
constexpr TimeMs kStep = 260;                 // ~10M events a month

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class CountingSink final : public SignalSink {
 public:
  void emit(Signal&&) override { ++signals; }
  uint64_t signals = 0;
};

struct LedgerWorld {
  CaseStore store;
  CountingSink sink;
  RegionBoard board;
  ModelContext ctx{store, sink, nullptr, &board};
  Config config;
  std::unique_ptr<KeyCaseModel> key_case;
  std::unique_ptr<StabilityModel> stability;
  std::vector<std::string> regions;
  TimeMs now = kStart;
  uint64_t counter = 0;
  uint64_t next_case = 0;

  LedgerWorld() {
    key_case = std::make_unique<KeyCaseModel>(config.models.key_case);
    stability = std::make_unique<StabilityModel>(config.models.stability);
    for (int r = 0; r < 40; ++r) regions.push_back(fmt::format("5203{:02d}", r));
    CaseEvent ev;
    for (size_t i = 0; i < kOpenCases; ++i) {
      newRegistration(ev);
      apply(ev, true);
      const CaseIndex c = static_cast<CaseIndex>(store.size() - 1);
      step(ev, c, EventType::kAccepted);
      apply(ev, true);
    }
  }
  void step(CaseEvent& ev, CaseIndex c, EventType type) {
    ev.type = type;
    ev.ts = now;
    ev.case_id.assign(store.caseId(c));
    ev.persons.clear();
    ev.agency.clear();
    ev.outcome = Outcome::kUpheld;
    ev.resolved = true;
  }
  void newRegistration(CaseEvent& ev) {
    const uint64_t n = next_case++;
    const uint64_t h = mix(n);
    ev.type = EventType::kRegistered;
    now += kStep;
    ev.ts = now;
    ev.case_id = fmt::format("K-{:09d}", n);
    ev.persons.assign(1, mix(n ^ 0x5555));
    ev.matter = fmt::format("m:{}-{}", h % 40, n);
    ev.region = regions[h % 40];
    ev.agency = fmt::format("agency-{}", h % 200);
    ev.category = "other";
    ev.channel = Channel::kLetter;
    ev.level = (h >> 16) % 10 == 0 ? Level::kCity : Level::kCounty;
    ev.competent_level = Level::kCounty;
    ev.group_size = (h >> 20) % 50 == 0 ? 8 : 0;
  }
  void visitOf(CaseEvent& ev, CaseIndex i) {
    const Case& c = store.at(i);
    ev.type = EventType::kVisit;
    now += kStep;
    ev.ts = now;
    ev.case_id.assign(store.caseId(i));
    ev.persons.assign(1, c.first_person);
    ev.matter.assign(store.strings().name(c.matter));
    ev.region.assign(store.strings().name(c.region));
    ev.level = Level::kCounty;
    ev.group_size = 0;
  }
  void apply(const CaseEvent& ev, bool models) {
    const CaseUpdate u = store.apply(ev);
    if (models) {
      key_case->advanceTo(ev.ts, ctx);
      stability->advanceTo(ev.ts, ctx);
      key_case->onEvent(ev, u, ctx);
      stability->onEvent(ev, u, ctx);
    }
  }
  CaseIndex randomCase() { return static_cast<CaseIndex>(mix(++counter) % kOpenCases); }
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
