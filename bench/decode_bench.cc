// Decode throughput: one EventDecoder on one thread over a realistic mix of feed events (the
// contract's case.registered example is ~300 bytes; follow-up events are shorter), reported as
// items/s (events) and bytes/s.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "connectors/decode/event_decoder.h"
#include "connectors/pseudonym/pseudonymizer.h"

namespace casewatch {
namespace {

std::string commonFields(const char* type, int i) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                R"({"v":1,"event_id":"zy-%06d","source":"zunyi-12309","seq":%d,"type":"%s",)"
                R"("ts":"2026-03-%02dT%02d:%02d:00+08:00","case_id":"ZY-2026-%04d")",
                i, i, type, 1 + i % 28, i % 24, i % 60, i % 5000);
  return buf;
}

// One event of the mix; `i` varies ids, times and persons so no two messages are identical.
std::string makeEvent(int i, int kind) {
  static const char* kCategories[] = {"wage_arrears", "demolition",      "land",
                                      "judicial",     "social_security", "other"};
  static const char* kChannels[] = {"visit", "letter", "online", "phone"};
  static const char* kLevels[] = {"county", "city", "province", "national"};
  static const char* kOutcomes[] = {"upheld", "partly_upheld", "not_upheld"};
  char buf[512];
  switch (kind) {
    case 0:  // case.registered, as in the contract example (~300 bytes)
      std::snprintf(
          buf, sizeof buf,
          R"(,"persons":["p:%04x","p:%04x"],"matter":"m:wage-site-%d","region":"5203%02d",)"
          R"("agency":"huichuan-hrss","category":"%s","channel":"%s","level":"%s",)"
          R"("group_size":%d})",
          (i * 7919) & 0xffff, (i * 104729) & 0xffff, i % 300, i % 20, kCategories[i % 6],
          kChannels[i % 4], kLevels[i % 4], 1 + i % 40);
      return commonFields("case.registered", i) + buf;
    case 1:  // visit
      std::snprintf(buf, sizeof buf,
                    R"(,"persons":["p:%04x"],"matter":"m:wage-site-%d","region":"5203%02d",)"
                    R"("level":"%s"})",
                    (i * 7919) & 0xffff, i % 300, i % 20, kLevels[i % 4]);
      return commonFields("visit", i) + buf;
    case 2:
      return commonFields("case.accepted", i) + R"(,"agency":"huichuan-hrss"})";
    case 3:
      return commonFields("case.procedural_reply", i) + "}";
    case 4:
      return commonFields("case.replied", i) + R"(,"outcome":")" + kOutcomes[i % 3] + "\"}";
    case 5:
      return commonFields("case.extended", i) + R"(,"days":)" + std::to_string(1 + i % 30) + "}";
    case 6:
      return commonFields("case.transferred", i) +
             R"(,"to_agency":"zunyi-hrss","to_level":"city"})";
    case 7:
      return commonFields("case.closed", i) + R"(,"resolved":true,"satisfaction":"satisfied"})";
    default:
      return commonFields("case.leader_assigned", i) + R"(,"leader":"official-17"})";
  }
}

// Registered 20%, visit 10%, accepted 15%, procedural reply 15%, replied 15%, extended 5%,
// transferred 5%, closed 10%, leader assigned 5%.
std::vector<std::string> makeMix(size_t n) {
  static const int kWeights[] = {20, 10, 15, 15, 15, 5, 5, 10, 5};
  std::discrete_distribution<int> pick(std::begin(kWeights), std::end(kWeights));
  std::mt19937 rng(42);
  std::vector<std::string> events;
  for (size_t i = 0; i < n; ++i) events.push_back(makeEvent(static_cast<int>(i), pick(rng)));
  return events;
}

void runDecode(benchmark::State& state, const std::vector<std::string>& events) {
  const Pseudonymizer pseudonymizer(Pseudonymizer::demoKey());
  EventDecoder decoder(pseudonymizer);
  CaseEvent event;
  DecodeError error;
  size_t bytes = 0;
  for (const auto& e : events) bytes += e.size();
  for (const auto& e : events) {
    if (!decoder.decode(e, event, error)) {
      state.SkipWithError(("bench event rejected: " + error.message()).c_str());
      return;
    }
  }
  for (auto _ : state) {
    for (const auto& e : events) {
      benchmark::DoNotOptimize(decoder.decode(e, event, error));
      benchmark::ClobberMemory();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["avg_bytes"] = static_cast<double>(bytes) / static_cast<double>(events.size());
}

void BM_DecodeMix(benchmark::State& state) {
  static const std::vector<std::string> events = makeMix(4096);
  runDecode(state, events);
}
BENCHMARK(BM_DecodeMix);

void BM_DecodeRegistered(benchmark::State& state) {
  static const std::vector<std::string> events = [] {
    std::vector<std::string> v;
    for (int i = 0; i < 1024; ++i) v.push_back(makeEvent(i, 0));
    return v;
  }();
  runDecode(state, events);
}
BENCHMARK(BM_DecodeRegistered);

// The rejection path (a wrong type found after the pass), which floods can hit.
void BM_DecodeRejected(benchmark::State& state) {
  const Pseudonymizer pseudonymizer(Pseudonymizer::demoKey());
  EventDecoder decoder(pseudonymizer);
  CaseEvent event;
  DecodeError error;
  std::string bad = makeEvent(1, 5);
  bad.replace(bad.find(R"("v":1)"), 5, R"("v":"1")");  // wrong_type: v
  for (auto _ : state) benchmark::DoNotOptimize(decoder.decode(bad, event, error));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_DecodeRejected);

}  // namespace
}  // namespace casewatch
