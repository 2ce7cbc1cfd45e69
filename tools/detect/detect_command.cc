#include "tools/detect/detect_command.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "base/time.h"
#include "models/stats/ears.h"
#include "models/stats/poisson_cusum.h"
#include "tools/detect/count_csv.h"

namespace casewatch::detect {
namespace {

bool isInteger(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  if (s.empty() || s.size() > 15) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string number(double v) {
  return fmt::format("{}", v);
}

// The weekday (0 = Monday) of `t` if it is a date or an RFC 3339 time.
std::optional<int> weekdayOf(const std::string& t) {
  if (auto d = parseCivilDate(t)) return weekdayFromDays(daysFromCivil(*d));
  if (t.size() > 10) {
    // The local date as written (the offset is the writer's zone).
    if (parseRfc3339(t)) {
      if (auto d = parseCivilDate(std::string_view(t).substr(0, 10))) {
        return weekdayFromDays(daysFromCivil(*d));
      }
    }
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<std::string> detectJsonLines(const DetectRun& run, std::string_view csv) {
  const bool cusum = run.method == "cusum";
  EarsMethod ears_method = EarsMethod::kC1;
  if (!cusum &&
      (run.method.rfind("ears-", 0) != 0 || !earsMethodFromName(run.method, ears_method))) {
    return absl::InvalidArgumentError(
        "--method must be ears-c1, ears-c2, ears-c3 or cusum, got \"" + run.method + "\"");
  }
  if (run.alpha && cusum) {
    return absl::InvalidArgumentError(
        "--alpha applies to the EARS methods; cusum takes --k and --h");
  }
  if (run.alpha && !(*run.alpha > 0 && *run.alpha < 1)) {
    return absl::InvalidArgumentError("--alpha must be between 0 and 1 (exclusive), got " +
                                      number(*run.alpha));
  }
  if (!cusum && run.baseline && *run.baseline < 3) {
    return absl::InvalidArgumentError("--baseline must be at least 3 for EARS (as in R), got " +
                                      std::to_string(*run.baseline));
  }
  if (cusum && run.baseline && *run.baseline < 0) {
    return absl::InvalidArgumentError("--baseline (warm-up days) must be >= 0, got " +
                                      std::to_string(*run.baseline));
  }
  if (run.min_sigma < 0) return absl::InvalidArgumentError("--min-sigma must be >= 0");
  if (!(run.k > 1)) return absl::InvalidArgumentError("--k must be above 1, got " + number(run.k));
  if (!(run.h > 0)) return absl::InvalidArgumentError("--h must be above 0, got " + number(run.h));
  if (!(run.half_life_weeks > 0))
    return absl::InvalidArgumentError("--half-life-weeks must be above 0");
  if (!(run.min_baseline > 0)) return absl::InvalidArgumentError("--min-baseline must be above 0");

  auto rows = parseCountsCsv(csv);
  if (!rows.ok()) return rows.status();
  std::vector<double> counts;
  counts.reserve(rows->size());
  for (const CountRow& r : *rows) counts.push_back(r.count);

  std::vector<std::optional<double>> upper(counts.size());
  std::vector<bool> alarm(counts.size(), false);
  if (cusum) {
    std::vector<int> weekdays(counts.size());
    bool dates = !rows->empty();
    for (size_t i = 0; i < rows->size() && dates; ++i) {
      const std::optional<int> wd = weekdayOf((*rows)[i].t);
      if (wd) {
        weekdays[i] = *wd;
      } else {
        dates = false;
      }
    }
    if (!dates) {
      for (size_t i = 0; i < weekdays.size(); ++i) weekdays[i] = static_cast<int>(i % 7);
    }
    const auto points =
        poissonCusumSeries(counts, weekdays, PoissonCusumOptions{run.k, run.h, run.min_baseline},
                           run.baseline.value_or(28), run.half_life_weeks);
    for (size_t i = 0; i < points.size(); ++i) {
      upper[i] = points[i].upperbound;
      alarm[i] = points[i].alarm;
    }
  } else {
    EarsOptions o;
    o.method = ears_method;
    o.baseline = run.baseline.value_or(7);
    o.alpha = run.alpha.value_or(earsDefaultAlpha(ears_method));
    o.min_sigma = run.min_sigma;
    const auto points = earsC(counts, o);
    for (size_t i = 0; i < points.size(); ++i) {
      upper[i] = points[i].upperbound;
      alarm[i] = points[i].alarm;
    }
  }

  std::string out;
  for (size_t i = 0; i < rows->size(); ++i) {
    const CountRow& r = (*rows)[i];
    out += "{\"t\": ";
    out += isInteger(r.t) ? r.t : nlohmann::json(r.t).dump();
    out += ", \"observed\": ";
    out += number(r.count);
    out += ", \"upperbound\": ";
    out += upper[i] ? number(*upper[i]) : "null";
    out += alarm[i] ? ", \"alarm\": true}\n" : ", \"alarm\": false}\n";
  }
  return out;
}

int runDetect(const DetectRun& run) {
  std::string text;
  if (run.counts == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(run.counts, std::ios::binary);
    if (!in.is_open()) {
      std::fprintf(stderr, "detect: cannot read %s\n", run.counts.c_str());
      return 1;
    }
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
  }
  auto out = detectJsonLines(run, text);
  if (!out.ok()) {
    const std::string where = run.counts == "-" ? "<stdin>" : run.counts;
    std::fprintf(stderr, "detect: %s: %s\n", where.c_str(),
                 std::string(out.status().message()).c_str());
    return 2;
  }
  if (std::fwrite(out->data(), 1, out->size(), stdout) != out->size() || std::fflush(stdout) != 0) {
    std::fprintf(stderr, "detect: writing the output failed\n");
    return 1;
  }
  return 0;
}

}  // namespace casewatch::detect

namespace casewatch {

void addDetectCommand(CLI::App& app) {
  auto run = std::make_shared<detect::DetectRun>();
  CLI::App* cmd = app.add_subcommand(
      "detect", "Run EARS C1/C2/C3 or a Poisson CUSUM over a daily count series (t,count CSV)");
  cmd->add_option("--method", run->method, "ears-c1, ears-c2, ears-c3 or cusum")->required();
  cmd->add_option("--counts", run->counts, "CSV file with the header t,count ('-' = stdin)")
      ->required();
  cmd->add_option("--alpha", run->alpha,
                  "EARS significance level (default 0.001; 0.025 for ears-c3, as R)");
  cmd->add_option("--baseline", run->baseline,
                  "EARS: baseline days (default 7); cusum: warm-up days (default 28)");
  cmd->add_option("--min-sigma", run->min_sigma, "EARS: floor of the standard deviation")
      ->capture_default_str();
  cmd->add_option("--k", run->k, "cusum: shift to detect, lambda1 = k * lambda0")
      ->capture_default_str();
  cmd->add_option("--h", run->h, "cusum: decision interval; alarm when S > h")
      ->capture_default_str();
  cmd->add_option("--half-life-weeks", run->half_life_weeks,
                  "cusum: half-life of the per-weekday baseline")
      ->capture_default_str();
  cmd->add_option("--min-baseline", run->min_baseline, "cusum: floor of lambda0 per day")
      ->capture_default_str();
  cmd->callback([run] {
    const int rc = detect::runDetect(*run);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace casewatch
