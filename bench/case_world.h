// The stream of case events the model benchmarks feed (models_bench.cc, key_case_bench.cc,
// model_allocations_bench.cc): one million (or `open_cases`) registered, open cases preloaded into
// the case state, then new registrations, visits and next steps drawn from a fixed hash sequence,
// so that every run times the same events.
//
// Header-only (bench/CMakeLists.txt builds *_bench.cc files only). Not thread-safe: a benchmark's
// world is built once and used from the benchmark thread.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

#include "models/model.h"
#include "state/case_store.h"

namespace casewatch::bench {

constexpr size_t kOpenCases = 1'000'000;
constexpr TimeMs kStart = 1'772'323'200'000;  // 2026-03-01T00:00:00Z
constexpr TimeMs kStep = 260;                 // ~10M events a month: a national system

inline uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Counts the signals the models emit, and drops them.
class CountingSink final : public SignalSink {
 public:
  void emit(Signal&&) override { ++signals; }
  uint64_t signals = 0;
};

// How the registrations of one benchmark look. `varied`: a tenth of cases have a second person,
// and category and channel are drawn; otherwise one person, category "other", by letter.
struct RegistrationShape {
  const char* id_prefix;  // case ids are <prefix><9 digits>
  bool varied;
};

struct CaseWorld {
  // `open_cases`: how many preloaded cases randomCase() draws from (the world's constructor
  // registers them).
  explicit CaseWorld(RegistrationShape shape, size_t open_cases = kOpenCases)
      : open_cases_(open_cases), shape_(shape) {
    for (int r = 0; r < 40; ++r) regions.push_back(fmt::format("5203{:02d}", r));
  }

  CaseStore store;
  CountingSink sink;
  std::vector<std::string> regions;
  TimeMs now = kStart;
  uint64_t counter = 0;
  uint64_t next_case = 0;

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
    static const char* const kCategories[] = {"wage_arrears", "demolition",      "land",
                                              "judicial",     "social_security", "other"};
    const uint64_t n = next_case++;
    const uint64_t h = mix(n);
    ev.type = EventType::kRegistered;
    now += kStep;
    ev.ts = now;
    ev.case_id = fmt::format("{}{:09d}", shape_.id_prefix, n);
    ev.persons.assign(1, mix(n ^ 0x5555));
    if (shape_.varied && h % 10 == 0) ev.persons.push_back(mix(n ^ 0xaaaa));
    ev.matter = fmt::format("m:{}-{}", h % 40, n);
    ev.region = regions[h % 40];
    ev.agency = fmt::format("agency-{}", h % 200);
    ev.category = shape_.varied ? kCategories[(h >> 8) % 6] : "other";
    ev.channel = shape_.varied ? static_cast<Channel>(1 + (h >> 12) % 4) : Channel::kLetter;
    ev.level = (h >> 16) % 10 == 0 ? Level::kCity : Level::kCounty;
    ev.competent_level = Level::kCounty;
    ev.group_size = (h >> 20) % 50 == 0 ? 8 : 0;
  }
  // A visit by the first person of an existing case, on its matter; `cite_case` names the case.
  void visit(CaseEvent& ev, CaseIndex i, bool cite_case) {
    const Case& c = store.at(i);
    ev.type = EventType::kVisit;
    now += kStep;
    ev.ts = now;
    if (cite_case) {
      ev.case_id.assign(store.caseId(i));
    } else {
      ev.case_id.clear();
    }
    ev.persons.assign(1, c.first_person);
    ev.matter.assign(store.strings().name(c.matter));
    ev.region.assign(store.strings().name(c.region));
    ev.level = Level::kCounty;
    ev.group_size = 0;
  }
  CaseIndex randomCase() { return static_cast<CaseIndex>(mix(++counter) % open_cases_); }
  size_t openCasesAtStart() const { return open_cases_; }

 private:
  size_t open_cases_;
  RegistrationShape shape_;
};

}  // namespace casewatch::bench
