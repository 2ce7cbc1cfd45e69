// state_mem: resident memory per open case, for bench/run. Builds a Pipeline (daemon/pipeline.h)
// on the embedded default configuration with the models it enables (the overdue model), feeds it
// CASES case.registered events (and a case.accepted for a share of them, so the handling clock runs
// too), none of which closes, and prints
//   {"open_cases":N,"rss_before":B,"rss_after":A,"bytes_per_open_case":(A-B)/N,...}
// RSS is read from /proc/self/statm. It counts everything the pipeline holds for those cases: the
// case store, the interned strings, the models' queues and the dedup set of event ids.
//
//   state_mem [CASES] [ACCEPTED_PERCENT]    defaults 1000000 and 50
//
// Registrations are spread over one day of event time, so no clock comes near its deadline and no
// alert is raised: the figure is the state of quiet open cases.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "daemon/components.h"
#include "daemon/config_loader.h"
#include "daemon/pipeline.h"

namespace casewatch {
namespace {

size_t residentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t size_pages = 0, resident_pages = 0;
  statm >> size_pages >> resident_pages;
  return resident_pages * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

class NullOutput final : public PipelineOutput {
 public:
  uint64_t alert_changes = 0;
  void accepted(const CaseEvent&) override {}
  void alertChanged(AlertChange&&) override { ++alert_changes; }
  void deadLetter(std::string_view, const Rejection&) override {}
};

// Small deterministic generator (SplitMix64) for the field mix.
struct Mix {
  uint64_t state = 1;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

int run(uint64_t cases, unsigned accepted_percent) {
  ConfigResult cfg = loadDefaultConfig({"clock=event"});
  if (!cfg.ok()) {
    std::fprintf(stderr, "state_mem: default config: %s\n", cfg.describe().c_str());
    return 1;
  }
  NullOutput out;
  Pipeline pipeline(cfg.config, nullptr, nullptr, out);
  auto models = buildModels(cfg.config.models, cfg.config.clocks);
  if (!models.ok()) {
    std::fprintf(stderr, "state_mem: %s\n", std::string(models.status().message()).c_str());
    return 1;
  }
  std::string model_names;
  for (const auto& m : *models) {
    if (!model_names.empty()) model_names += ",";
    model_names += m->name();
  }
  pipeline.setModels(std::move(*models));

  static const char* kCategories[] = {"wage_arrears", "demolition",      "land",
                                      "judicial",     "social_security", "other"};
  static const Channel kChannels[] = {Channel::kVisit, Channel::kLetter, Channel::kOnline,
                                      Channel::kPhone};
  static const Level kLevels[] = {Level::kCounty, Level::kCity, Level::kProvince};
  const TimeMs t0 = 1772586900000;  // 2026-03-04T09:15:00+08:00
  const TimeMs step_ms = 86'400'000 / static_cast<TimeMs>(cases ? cases : 1);
  Mix mix;
  CaseEvent ev;
  char buf[64];

  const size_t rss_before = residentBytes();
  for (uint64_t i = 0; i < cases; ++i) {
    ev.clear();
    ev.type = EventType::kRegistered;
    ev.ts = t0 + static_cast<TimeMs>(i) * step_ms;
    ev.seq = i + 1;
    ev.has_seq = true;
    std::snprintf(buf, sizeof buf, "bench-%010llu", static_cast<unsigned long long>(i));
    ev.event_id = buf;
    ev.source = "bench-12309";
    std::snprintf(buf, sizeof buf, "ZY-2026-%07llu", static_cast<unsigned long long>(i));
    ev.case_id = buf;
    const uint64_t r = mix.next();
    // The mix of `casewatch feedgen`: 89% of cases have one petitioner, 10% two or three, 1% four
    // or five (the overflow person list); person ids are distinct; matters are drawn from 5x as
    // many as there are cases, which leaves about 91% of cases with a matter of their own.
    const auto pct = static_cast<unsigned>(r % 100);
    const unsigned persons = pct < 89 ? 1 : pct < 94 ? 2 : pct < 99 ? 3 : 4 + (r >> 8) % 2;
    for (unsigned p = 0; p < persons; ++p) ev.persons.push_back(mix.next());
    const uint64_t matter = (r >> 12) % (5 * cases);
    const unsigned region = static_cast<unsigned>(matter % 20);  // a matter keeps its region
    const char* category = kCategories[(matter / 20) % 6];
    std::snprintf(buf, sizeof buf, "m:5203%02u-%s-%07llu", region, category,
                  static_cast<unsigned long long>(matter));
    ev.matter = buf;
    std::snprintf(buf, sizeof buf, "5203%02u", region);
    ev.region = buf;
    std::snprintf(buf, sizeof buf, "agency-%llu", static_cast<unsigned long long>((r >> 28) % 120));
    ev.agency = buf;
    ev.category = category;
    ev.channel = kChannels[(r >> 40) % 4];
    ev.level = kLevels[(r >> 44) % 3];
    pipeline.ingestEvent(ev, 0);
    if ((i & 1023) == 0) pipeline.tick();
  }
  uint64_t accepted = 0;
  const TimeMs t1 = t0 + static_cast<TimeMs>(cases) * step_ms;
  for (uint64_t i = 0; i < cases; ++i) {
    if (i % 100 >= accepted_percent) continue;
    ev.clear();
    ev.type = EventType::kAccepted;
    ev.ts = t1 + static_cast<TimeMs>(i) * step_ms / 4;
    ev.seq = cases + ++accepted;
    ev.has_seq = true;
    std::snprintf(buf, sizeof buf, "bench-acc-%010llu", static_cast<unsigned long long>(i));
    ev.event_id = buf;
    ev.source = "bench-12309";
    std::snprintf(buf, sizeof buf, "ZY-2026-%07llu", static_cast<unsigned long long>(i));
    ev.case_id = buf;
    pipeline.ingestEvent(ev, 0);
    if ((i & 1023) == 0) pipeline.tick();
  }
  pipeline.tick();
  const size_t rss_after = residentBytes();
  const size_t open = pipeline.cases().openCases();
  const double per_case =
      open ? static_cast<double>(rss_after - rss_before) / static_cast<double>(open) : 0.0;
  const double approx_per_case =
      open ? static_cast<double>(pipeline.cases().approximateBytes()) / static_cast<double>(open)
           : 0.0;
  std::printf(
      "{\"open_cases\":%zu,\"events\":%llu,\"accepted_events\":%llu,\"models\":\"%s\","
      "\"alert_changes\":%llu,\"rss_before\":%zu,\"rss_after\":%zu,"
      "\"bytes_per_open_case\":%.1f,\"case_store_approx_bytes_per_open_case\":%.1f,"
      "\"dedup_entries\":%zu}\n",
      open, static_cast<unsigned long long>(cases + accepted),
      static_cast<unsigned long long>(accepted), model_names.c_str(),
      static_cast<unsigned long long>(out.alert_changes), rss_before, rss_after, per_case,
      approx_per_case, pipeline.dedupEntries());
  return 0;
}

}  // namespace
}  // namespace casewatch

int main(int argc, char** argv) {
  const long long cases = argc > 1 ? std::atoll(argv[1]) : 1000000;
  const long long accepted_percent = argc > 2 ? std::atoll(argv[2]) : 50;
  if (argc > 3 || cases < 1 || accepted_percent < 0 || accepted_percent > 100) {
    std::fprintf(stderr, "usage: state_mem [CASES] [ACCEPTED_PERCENT 0..100]\n");
    return 2;
  }
  return casewatch::run(static_cast<uint64_t>(cases), static_cast<unsigned>(accepted_percent));
}
