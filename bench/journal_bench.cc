// Event journal throughput: encode/decode, append+commit until durable (fsync on and off), and
// replay. Journals are written under /tmp (mkdtemp) and removed afterwards.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "daemon/journal/event_codec.h"
#include "daemon/journal/event_journal.h"

namespace casewatch {
namespace {

// A typical case.registered: two persons, contract-sized ids and the usual routing fields.
CaseEvent typicalEvent(uint64_t i) {
  CaseEvent e;
  e.type = EventType::kRegistered;
  e.ts = 1772586900000 + static_cast<TimeMs>(i) * 250;
  e.seq = i;
  e.has_seq = true;
  e.event_id = "8f14e45f-ceea-467f-a0e6-" + std::to_string(100000000000 + i);
  e.source = "petition-system-a";
  e.case_id = "XF-2026-330102-" + std::to_string(1000000 + i);
  e.persons = {0x9E3779B97F4A7C15ull * (i + 1), 0xC2B2AE3D27D4EB4Full * (i + 7)};
  e.matter = "land-requisition";
  e.region = "330102";
  e.agency = "hz-shangcheng-housing";
  e.category = "compensation";
  e.channel = Channel::kOnline;
  e.level = Level::kCounty;
  return e;
}

class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/casewatch-bench-XXXXXX";
    path_ = ::mkdtemp(tmpl) ? tmpl : "";
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void quietLogs() {
  spdlog::set_level(spdlog::level::warn);
}

void BM_EncodeEvent(benchmark::State& state) {
  const CaseEvent ev = typicalEvent(1);
  std::string buf;
  for (auto _ : state) {
    buf.clear();
    encodeEvent(ev, buf);
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes_per_event"] = static_cast<double>(buf.size());
}
BENCHMARK(BM_EncodeEvent);

void BM_DecodeEvent(benchmark::State& state) {
  std::string buf;
  encodeEvent(typicalEvent(1), buf);
  CaseEvent out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(decodeEvent(buf, out));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeEvent);

// One iteration appends `events` events, committing every `batch`, and closes the journal: the
// time runs until the last batch is written (and fdatasync'ed when fsync is on).
void BM_JournalAppendCommit(benchmark::State& state) {
  quietLogs();
  const bool fsync = state.range(0) != 0;
  const uint64_t batch = static_cast<uint64_t>(state.range(1));
  constexpr uint64_t kEvents = 200000;
  std::vector<CaseEvent> events;
  for (uint64_t i = 0; i < 1000; ++i) events.push_back(typicalEvent(i));
  uint64_t bytes = 0;
  for (auto _ : state) {
    ScratchDir dir;
    JournalOptions o;
    o.dir = dir.path();
    o.fsync = fsync;
    auto j = EventJournal::open(o);
    if (!j.ok()) {
      state.SkipWithError(std::string(j.status().message()).c_str());
      return;
    }
    const auto t0 = std::chrono::steady_clock::now();
    for (uint64_t i = 0; i < kEvents; ++i) {
      (*j)->append(events[i % events.size()]);
      if ((i + 1) % batch == 0) (*j)->commit();
    }
    (*j)->close();
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    bytes += (*j)->stats().bytes_written.load();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kEvents));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_JournalAppendCommit)
    ->ArgNames({"fsync", "batch"})
    ->Args({1, 1000})
    ->Args({0, 1000})
    ->Args({1, 100})
    ->Args({1, 4096})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// open() (which checks every record) plus replay() (which decodes every record).
void BM_JournalOpenReplay(benchmark::State& state) {
  quietLogs();
  constexpr uint64_t kEvents = 500000;
  ScratchDir dir;
  JournalOptions o;
  o.dir = dir.path();
  o.fsync = false;
  o.segment_bytes = 16 << 20;  // several segments
  {
    auto j = EventJournal::open(o);
    if (!j.ok()) {
      state.SkipWithError(std::string(j.status().message()).c_str());
      return;
    }
    for (uint64_t i = 0; i < kEvents; ++i) {
      (*j)->append(typicalEvent(i));
      if ((i + 1) % 4096 == 0) (*j)->commit();
    }
    (*j)->close();
  }
  for (auto _ : state) {
    auto j = EventJournal::open(o);
    uint64_t n = 0;
    auto s = (*j)->replay([&](const CaseEvent& ev) { n += ev.persons.size(); });
    if (!s.ok() || n != 2 * kEvents) state.SkipWithError("replay mismatch");
    (*j)->close();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kEvents));
}
BENCHMARK(BM_JournalOpenReplay)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace casewatch
