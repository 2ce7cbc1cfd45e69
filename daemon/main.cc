// casewatchd: flags and signals, then hands over to App (live), runReplay or check-config.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "base/large_blocks.h"
#include "daemon/app.h"
#include "daemon/component_keys.h"
#include "daemon/components.h"
#include "daemon/config_loader.h"
#include "daemon/logging/log_setup.h"
#include "daemon/replay.h"
#include "daemon/service/kill_point.h"

namespace {

casewatch::ConfigResult load(const std::string& path, std::vector<std::string> sets, bool demo) {
  if (demo) {
    // Demo mode: the built-in key is allowed and the clock follows the feed's event time, so a
    // months-long demo feed plays out in a minute.
    sets.insert(sets.begin(), {"demo=true", "clock=event", "data_dir=./var/demo"});
  }
  return path.empty() ? casewatch::loadDefaultConfig(sets) : casewatch::loadConfigFile(path, sets);
}

}  // namespace

int main(int argc, char** argv) {
  casewatch::returnLargeFreedBlocksToTheSystem();
  CLI::App app{
      "casewatchd: watches petition case handling and warns duty officers before cases miss\n"
      "their statutory deadlines. Runs as a service by default; see the subcommands below."};
  app.set_version_flag("--version", std::string("casewatchd ") + CASEWATCH_VERSION);
  std::string config_path;
  std::vector<std::string> sets;
  bool demo = false;
  bool list_components = false;
  app.add_option("--config", config_path, "YAML configuration file (default: embedded defaults)")
      ->check(CLI::ExistingFile);
  app.add_option("--set", sets, "Override one key, e.g. --set clocks.handling_days=45 (repeatable)")
      ->take_all();
  app.add_flag("--demo", demo,
               "Demo mode: built-in pseudonym key, event-time clock, data under ./var/demo");
  bool truncate_corrupt_journal = false;
  app.add_flag("--truncate-corrupt-journal", truncate_corrupt_journal,
               "At start-up, cut the event journal at a corrupt record that has valid records "
               "after it (data loss: those events are dropped; the bytes are kept beside the "
               "segment), instead of refusing to start. Logged and counted.");
  app.add_flag("--list-components", list_components,
               "List the registered models, feed kinds and sinks and exit");

  auto* replay = app.add_subcommand(
      "replay", "Run the whole pipeline on event time over a JSON Lines file, as fast as it can");
  casewatch::ReplayOptions ropts;
  replay->add_option("input", ropts.input, "JSON Lines file, or - for standard input")->required();
  replay->add_option("--alerts-out", ropts.alerts_out,
                     "Write every alert change as a JSON line to FILE (- = standard output)");
  replay->add_option("--until", ropts.until,
                     "End the clock at this RFC 3339 time (later events are left out)");
  replay->add_flag("--print-alerts", ropts.print_alerts, "Also print alerts readably on stderr");
  replay->add_flag("--quiet", ropts.quiet, "No summary on stderr");
  replay->add_option("--config", config_path, "YAML configuration file")->check(CLI::ExistingFile);
  replay->add_option("--set", sets, "Override one key (repeatable)")->take_all();

  auto* check = app.add_subcommand(
      "check-config", "Validate the configuration, print every error with its key path, and exit");
  bool print_config = false;
  check->add_option("--config", config_path, "YAML configuration file")->check(CLI::ExistingFile);
  check->add_option("--set", sets, "Override one key (repeatable)")->take_all();
  check->add_flag("--print", print_config,
                  "Print the effective configuration as YAML (inline tokens as <redacted>)");

  CLI11_PARSE(app, argc, argv);

  if (list_components) {
    // Every kind's table, with where each component's keys are in the configuration and which
    // they are (from the component's own writer).
    const auto keys = [](const std::vector<std::string>& k) {
      std::string line;
      for (const std::string& key : k) line += (line.empty() ? "" : ", ") + key;
      std::printf("       keys: %s\n", line.empty() ? "(none of its own)" : line.c_str());
    };
    for (const auto& m : casewatch::modelComponents()) {
      std::printf("model  %-16s %-24s %s\n", std::string(m.name).c_str(),
                  std::string(m.section).c_str(), std::string(m.description).c_str());
      keys(casewatch::modelKeys(m));
    }
    for (const auto& f : casewatch::feedComponents()) {
      std::printf("feed   %-16s %-24s %s\n", std::string(f.name).c_str(), "feeds[].kind",
                  std::string(f.description).c_str());
      keys(casewatch::feedKindKeys(f));
    }
    for (const auto& s : casewatch::sinkComponents()) {
      std::printf("sink   %-16s %-24s %s\n", std::string(s.name).c_str(),
                  s.section.empty() ? "-" : std::string(s.section).c_str(),
                  std::string(s.description).c_str());
      keys(casewatch::sinkKeys(s));
    }
    return 0;
  }

  casewatch::ConfigResult cfg = load(config_path, sets, demo);
  if (*check) {
    if (!cfg.ok()) {
      std::fprintf(stderr, "%s: %zu error(s):\n%s\n",
                   config_path.empty() ? "embedded defaults" : config_path.c_str(),
                   cfg.errors.size(), cfg.describe().c_str());
      return 1;
    }
    std::printf("%s: OK\n", config_path.empty() ? "embedded defaults" : config_path.c_str());
    // A language a messages_files file added: the entries it leaves to English.
    const casewatch::MessageCatalog& messages = cfg.config.messages.get();
    for (const std::string& locale : messages.locales()) {
      const std::vector<std::string> english = messages.fallbacks(locale);
      if (english.empty()) continue;
      std::printf("messages: %s: %zu of %zu entries fall back to en:", locale.c_str(),
                  english.size(), messages.size());
      for (const std::string& key : english) std::printf(" %s", key.c_str());
      std::printf("\n");
    }
    if (print_config)
      std::printf("%s", casewatch::formatConfigYaml(cfg.config, /*redact_secrets=*/true).c_str());
    return 0;
  }
  if (!cfg.ok()) {
    std::fprintf(stderr, "casewatchd: invalid configuration:\n%s\n", cfg.describe().c_str());
    return 2;
  }
  casewatch::setUpLogging(cfg.config.log_format, cfg.config.log_level);

  if (*replay) return casewatch::runReplay(cfg.config, ropts);

  // Test-only (daemon/service/kill_point.h): crash at a named point, for the kill tests.
  if (const char* kill_at = std::getenv("CASEWATCH_TEST_KILL_AT"); kill_at && *kill_at) {
    if (!casewatch::armKillPointForTest(kill_at)) {
      std::fprintf(stderr, "casewatchd: CASEWATCH_TEST_KILL_AT=%s is not <point>:<n>\n", kill_at);
      return 2;
    }
    spdlog::warn("Test kill point armed: {} (CASEWATCH_TEST_KILL_AT).", kill_at);
  }
  casewatch::AppOptions options;
  options.config = cfg.config;
  options.config_path = config_path;
  options.sets = sets;
  options.truncate_corrupt_journal = truncate_corrupt_journal;
  if (demo)
    options.sets.insert(options.sets.begin(), {"demo=true", "clock=event", "data_dir=./var/demo"});
  casewatch::App daemon(std::move(options));
  if (auto s = daemon.start(); !s.ok()) {
    spdlog::critical("Cannot start: {}", std::string(s.message()));
    return 2;
  }
  spdlog::info("casewatchd {} running.", CASEWATCH_VERSION);
  return daemon.run();
}
