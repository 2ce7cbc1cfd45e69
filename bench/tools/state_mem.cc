// state_mem: resident memory per open case, for bench/run. Builds a Pipeline (daemon/pipeline.h)
// on the embedded default configuration with the models it enables (the overdue model), feeds it
// CASES case.registered events (and a case.accepted for a share of them, so the handling clock runs
// too), none of which closes, and prints
//   {"open_cases":N,"rss_before":B,"rss_after":A,"bytes_per_open_case":(A-B)/N,...}
// RSS is read from /proc/self/statm. It counts everything the pipeline holds for those cases: the
// case store, the interned strings, the models' queues and the dedup set of event ids.
//
//   state_mem [--models LIST|none] [--breakdown] [CASES] [ACCEPTED_PERCENT]
//                                            defaults: every default model, 1000000 and 50
//
// --models keeps only the named models (comma-separated; "none" for the pipeline alone).
// --breakdown prints the bytes per open case by component, one JSON object: each model's share is
// measured as the RSS of a run with every model less the RSS of a run without that model (this
// program run again with --models), so it is what the model really costs resident, allocator
// overhead included; the pipeline's own parts (case records, case ids, interned strings, person
// lists, dedup window, visit log) are the estimates of their containers in the run without models,
// and "pipeline_other" is that run's RSS less those estimates (the alert book, allocator slack).
//
// Registrations are spread over one day of event time, so no clock comes near its deadline and no
// alert is raised: the figure is the state of quiet open cases.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "base/large_blocks.h"
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

bool wanted(const std::string& list, std::string_view name) {
  if (list.empty()) return true;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t end = std::min(list.find(',', start), list.size());
    if (std::string_view(list).substr(start, end - start) == name) return true;
    start = end + 1;
  }
  return false;
}

double perCase(size_t bytes, size_t open) {
  return open ? static_cast<double>(bytes) / static_cast<double>(open) : 0.0;
}

int run(uint64_t cases, unsigned accepted_percent, const std::string& only) {
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
  std::vector<std::unique_ptr<Model>> kept;
  for (auto& m : *models) {
    if (!wanted(only, m->name())) continue;
    if (!model_names.empty()) model_names += ",";
    model_names += m->name();
    kept.push_back(std::move(m));
  }
  pipeline.setModels(std::move(kept));

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
      "\"dedup_entries\":%zu,",
      open, static_cast<unsigned long long>(cases + accepted),
      static_cast<unsigned long long>(accepted), model_names.c_str(),
      static_cast<unsigned long long>(out.alert_changes), rss_before, rss_after, per_case,
      approx_per_case, pipeline.dedupEntries());
  const CaseStore::Bytes parts = pipeline.cases().approximateBytesByPart();
  std::printf(
      "\"estimates_per_open_case\":{\"case_records\":%.1f,\"case_ids\":%.1f,"
      "\"strings\":%.1f,\"person_lists\":%.1f,\"dedup_window\":%.1f,\"visit_log\":%.1f}}\n",
      perCase(parts.records, open), perCase(parts.ids, open), perCase(parts.strings, open),
      perCase(parts.persons, open), perCase(pipeline.dedup().approximateBytes(), open),
      perCase(pipeline.visits().approximateBytes(), open));
  return 0;
}

// One run of this program (again) with --models; its JSON line's figures by key.
std::map<std::string, double> runChild(const std::string& models, uint64_t cases,
                                       unsigned accepted_percent) {
  // popen's shell would be /proc/self/exe: name this program by its real path.
  char self[4096];
  const ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  if (len <= 0) return {};
  self[len] = '\0';
  const std::string cmd = std::string("'") + self + "' --models '" + models + "' " +
                          std::to_string(cases) + " " + std::to_string(accepted_percent);
  std::map<std::string, double> figures;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return figures;
  std::string line;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) line += buf;
  pclose(p);
  // Flat scan for "key":number pairs (the child's output is this program's own JSON).
  size_t pos = 0;
  while ((pos = line.find('"', pos)) != std::string::npos) {
    const size_t end = line.find('"', pos + 1);
    if (end == std::string::npos) break;
    const std::string key = line.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    if (pos < line.size() && line[pos] == ':' && pos + 1 < line.size() &&
        (std::isdigit(static_cast<unsigned char>(line[pos + 1])) || line[pos + 1] == '-')) {
      figures[key] = std::strtod(line.c_str() + pos + 1, nullptr);
    }
  }
  return figures;
}

int breakdown(uint64_t cases, unsigned accepted_percent) {
  ConfigResult cfg = loadDefaultConfig({"clock=event"});
  auto models = cfg.ok() ? buildModels(cfg.config.models, cfg.config.clocks)
                         : absl::StatusOr<std::vector<std::unique_ptr<Model>>>();
  if (!cfg.ok() || !models.ok()) {
    std::fprintf(stderr, "state_mem: cannot build the default models\n");
    return 1;
  }
  std::vector<std::string> names;
  for (const auto& m : *models) names.emplace_back(m->name());
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ",") + n;
  auto whole = runChild(all, cases, accepted_percent);
  auto bare = runChild("none", cases, accepted_percent);
  const double open = whole["open_cases"];
  if (open <= 0 || bare["open_cases"] <= 0) {
    std::fprintf(stderr, "state_mem: a measuring run failed\n");
    return 1;
  }
  std::printf("{\"open_cases\":%.0f,\"total\":%.1f,\"pipeline_without_models\":%.1f", open,
              whole["bytes_per_open_case"], bare["bytes_per_open_case"]);
  double estimated = 0;
  for (const char* part :
       {"case_records", "case_ids", "strings", "person_lists", "dedup_window", "visit_log"}) {
    std::printf(",\"%s\":%.1f", part, bare[part]);
    estimated += bare[part];
  }
  std::printf(",\"pipeline_other\":%.1f", bare["bytes_per_open_case"] - estimated);
  double models_sum = 0;
  for (const auto& n : names) {
    std::string without;
    for (const auto& o : names) {
      if (o != n) without += (without.empty() ? "" : ",") + o;
    }
    auto less = runChild(without.empty() ? "none" : without, cases, accepted_percent);
    const double share = whole["bytes_per_open_case"] - less["bytes_per_open_case"];
    models_sum += share;
    std::printf(",\"model.%s\":%.1f", n.c_str(), share);
  }
  std::printf(",\"models_interaction\":%.1f}\n",
              whole["bytes_per_open_case"] - bare["bytes_per_open_case"] - models_sum);
  return 0;
}

}  // namespace
}  // namespace casewatch

int main(int argc, char** argv) {
  // As casewatchd does (daemon/main.cc), so that the figure is the daemon's.
  casewatch::returnLargeFreedBlocksToTheSystem();
  std::string models;
  bool by_component = false;
  std::vector<const char*> positional;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--models") == 0 && i + 1 < argc) {
      models = argv[++i];
    } else if (std::strcmp(argv[i], "--breakdown") == 0) {
      by_component = true;
    } else {
      positional.push_back(argv[i]);
    }
  }
  const long long cases = positional.size() > 0 ? std::atoll(positional[0]) : 1000000;
  const long long accepted_percent = positional.size() > 1 ? std::atoll(positional[1]) : 50;
  if (positional.size() > 2 || cases < 1 || accepted_percent < 0 || accepted_percent > 100) {
    std::fprintf(stderr,
                 "usage: state_mem [--models LIST|none] [--breakdown] [CASES] "
                 "[ACCEPTED_PERCENT 0..100]\n");
    return 2;
  }
  if (by_component) {
    return casewatch::breakdown(static_cast<uint64_t>(cases),
                                static_cast<unsigned>(accepted_percent));
  }
  // "none": a name no model has, so that none is kept.
  return casewatch::run(static_cast<uint64_t>(cases), static_cast<unsigned>(accepted_percent),
                        models == "none" ? std::string(",") : models);
}
