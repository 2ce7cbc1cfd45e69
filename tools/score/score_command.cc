#include "tools/score/score_command.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "tools/score/truth_score.h"

namespace casewatch {
namespace {

struct ScoreRun {
  score::ScoreOptions options;
  std::string truth, alerts, feed;
  bool json = false;
};

bool readFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

int runScore(const ScoreRun& run) {
  std::string truth, alerts, feed;
  for (const auto& [path, text] : {std::pair{&run.truth, &truth}, std::pair{&run.alerts, &alerts},
                                   std::pair{&run.feed, &feed}}) {
    if (path->empty()) continue;
    if (!readFile(*path, *text)) {
      std::fprintf(stderr, "score: cannot read %s\n", path->c_str());
      return 1;
    }
  }
  auto s = score::scoreMatters(run.options, truth, alerts, feed);
  if (!s.ok()) {
    std::fprintf(stderr, "score: %s\n", std::string(s.status().message()).c_str());
    return 2;
  }
  const std::string out = run.json ? score::scoreJson(*s) : score::scoreText(run.options, *s);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

void addScoreCommand(CLI::App& app) {
  auto run = std::make_shared<ScoreRun>();
  CLI::App* cmd = app.add_subcommand(
      "score",
      "Compare a replay's alerts with feedgen's truth: recurring_matter recall and false "
      "alarms");
  cmd->add_option("--truth", run->truth, "feedgen's truth (JSON Lines)")->required();
  cmd->add_option("--alerts", run->alerts, "the replay's --alerts-out (JSON Lines)")->required();
  cmd->add_option("--feed", run->feed, "the feed, to count its ordinary matters too");
  cmd->add_option("--min-returns-30d", run->options.min_returns_30d,
                  "the model's models.recurring_matter.min_returns_30d")
      ->capture_default_str();
  cmd->add_option("--min-returns-90d", run->options.min_returns_90d,
                  "the model's models.recurring_matter.min_returns_90d")
      ->capture_default_str();
  cmd->add_flag("--json", run->json, "one JSON object instead of text");
  cmd->callback([run] {
    const int rc = runScore(*run);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace casewatch
