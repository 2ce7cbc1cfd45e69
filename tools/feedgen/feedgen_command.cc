#include "tools/feedgen/feedgen_command.h"

#include <chrono>
#include <cstdio>
#include <memory>

#include "base/progress_line.h"
#include "tools/feedgen/feed_generator.h"
#include "tools/feedgen/zmq_publisher.h"

namespace casewatch::feedgen {
namespace {

constexpr size_t kOutputBuffer = 1 << 20;

void fail(const std::string& message) {
  std::fprintf(stderr, "feedgen: %s\n", message.c_str());
}

}  // namespace

int runFeedgen(FeedgenRun run) {
  const std::optional<CivilDate> start = parseCivilDate(run.start);
  if (!start) {
    fail("--start must be a date YYYY-MM-DD, got \"" + run.start + "\"");
    return 2;
  }
  run.generator.start = *start;
  if (absl::Status s = run.generator.validate(); !s.ok()) {
    fail(std::string(s.message()));
    return 2;
  }
  if (run.rate < 0) {
    fail("--rate must be >= 0");
    return 2;
  }
  if (run.out.empty() && run.publish.empty()) run.out = "-";

  std::FILE* out = nullptr;
  if (!run.out.empty()) {
    out = run.out == "-" ? stdout : std::fopen(run.out.c_str(), "w");
    if (out == nullptr) {
      fail("cannot open " + run.out + " for writing");
      return 1;
    }
  }
  std::unique_ptr<ZmqPublisher> publisher;
  if (!run.publish.empty()) {
    PublisherOptions options;
    options.endpoint = run.publish;
    options.bind = run.bind;
    options.rate = run.rate;
    options.linger_ms = run.linger_ms;
    options.curve_secret_key_file = run.curve_key;
    options.curve_server_key_file = run.curve_server_key;
    options.curve_clients_file = run.curve_clients;
    if (!run.curve_key.empty() && (run.bind ? run.curve_clients : run.curve_server_key).empty()) {
      fail(run.bind ? "--curve-key with --bind needs --curve-clients"
                    : "--curve-key needs --curve-server-key (the daemon feed's public key)");
      return 2;
    }
    auto p = ZmqPublisher::create(options);
    if (!p.ok()) {
      fail(std::string(p.status().message()));
      return 1;
    }
    publisher = std::move(*p);
  }

  FeedGenerator generator(run.generator, !run.truth.empty());
  // Progress through the window's days on a terminal; the summary line at the end either way.
  const SteadyClock steady;
  ProgressLine::Options progress_options;
  progress_options.label = "feedgen";
  progress_options.position = {"days", static_cast<uint64_t>(run.generator.days)};
  progress_options.terminal = ProgressLine::stderrIsTerminal();
  ProgressLine progress(progress_options, steady, ProgressLine::toStderr());
  const TimeMs window_start = generator.windowStart();
  uint64_t lines = 0;
  FeedLine line;
  int rc = 0;
  std::string batch;  // lines are written in large chunks: one stdio call per ~1 MiB
  batch.reserve(kOutputBuffer + 4096);
  while (generator.next(line)) {
    if (++lines % 1024 == 0) {
      const TimeMs into = line.ts > window_start ? line.ts - window_start : 0;
      progress.update(lines, static_cast<uint64_t>(into / kMsPerDay));
    }
    if (out != nullptr) {
      batch.append(line.json).push_back('\n');
      if (batch.size() >= kOutputBuffer) {
        std::fwrite(batch.data(), 1, batch.size(), out);
        batch.clear();
      }
    }
    if (publisher) {
      if (absl::Status s = publisher->publish(line.type, line.json); !s.ok()) {
        fail(std::string(s.message()));
        rc = 1;
        break;
      }
    }
  }
  if (out != nullptr) {
    std::fwrite(batch.data(), 1, batch.size(), out);
    bool failed = std::fflush(out) != 0 || std::ferror(out) != 0;
    if (out != stdout && std::fclose(out) != 0) failed = true;
    if (failed) {
      fail("writing " + run.out + " failed");
      rc = 1;
    }
  }
  if (publisher) publisher->close();

  std::string truth_note;
  if (!run.truth.empty()) {
    TruthSummary t;
    if (absl::Status s = generator.writeTruth(run.truth, &t); !s.ok()) {
      fail(std::string(s.message()));
      rc = 1;
    }
    char buf[128];
    std::snprintf(buf, sizeof buf, ", %llu cases overdue (%.1f%%)",
                  static_cast<unsigned long long>(t.overdue_cases),
                  t.cases
                      ? 100.0 * static_cast<double>(t.overdue_cases) / static_cast<double>(t.cases)
                      : 0.0);
    truth_note = buf;
  }
  progress.update(generator.eventsWritten(), static_cast<uint64_t>(run.generator.days));
  char note[160];
  std::snprintf(note, sizeof note, "; %llu cases (seed %llu, %s..%s)",
                static_cast<unsigned long long>(generator.casesRegistered()),
                static_cast<unsigned long long>(run.generator.seed),
                EventWriter::formatTs(generator.windowStart()).substr(0, 10).c_str(),
                EventWriter::formatTs(generator.windowEnd() - 1).substr(0, 10).c_str());
  progress.finish(note + truth_note);
  return rc;
}

}  // namespace casewatch::feedgen

namespace casewatch {

void addFeedgenCommand(CLI::App& app) {
  auto run = std::make_shared<feedgen::FeedgenRun>();
  CLI::App* cmd = app.add_subcommand(
      "feedgen", "Generate a seeded, realistic petition feed (JSON Lines and/or ZeroMQ)");
  auto& g = run->generator;
  cmd->add_option("--cases", g.cases, "Number of cases (case.registered events)")
      ->capture_default_str();
  cmd->add_option("--seed", g.seed, "Random seed; the same seed gives the same bytes")
      ->capture_default_str();
  cmd->add_option("--start", run->start, "First local day of the feed (YYYY-MM-DD, UTC+08:00)")
      ->capture_default_str();
  cmd->add_option("--days", g.days, "Length of the feed window in days")->capture_default_str();
  cmd->add_option("--regions", g.regions, "Number of county-level regions (1..20)")
      ->capture_default_str();
  cmd->add_option("--out", run->out,
                  "Write JSON Lines here ('-' = stdout; default stdout unless "
                  "--publish is given)");
  cmd->add_option("--truth", run->truth, "Write the ground truth (JSON Lines) here");
  auto* publish = cmd->add_option("--publish", run->publish,
                                  "Publish on a ZeroMQ PUSH socket at this endpoint");
  cmd->add_option("--rate", run->rate, "Events per second when publishing (0 = unlimited)")
      ->capture_default_str()
      ->needs(publish);
  auto* connect =
      cmd->add_flag("--connect", run->connect, "Connect the PUSH socket (default)")->needs(publish);
  cmd->add_flag("--bind", run->bind, "Bind the PUSH socket instead of connecting")
      ->needs(publish)
      ->excludes(connect);
  auto* curve_key = cmd->add_option("--curve-key", run->curve_key,
                                    "CURVE: this publisher's secret key file (casewatch keygen)")
                        ->needs(publish);
  cmd->add_option("--curve-server-key", run->curve_server_key,
                  "CURVE, connecting: the public key file of the daemon's feed")
      ->needs(curve_key);
  cmd->add_option("--curve-clients", run->curve_clients,
                  "CURVE, with --bind: the file of client public keys admitted (the daemon's)")
      ->needs(curve_key);
  cmd->add_option("--linger-ms", run->linger_ms,
                  "At the end, wait this long for queued messages to be delivered")
      ->capture_default_str()
      ->needs(publish);
  cmd->add_flag_callback(
      "--no-burst", [run] { run->generator.burst = false; },
      "Leave out the collective petition burst");
  cmd->add_option("--follow-ups", run->generator.follow_ups,
                  "Share of regular cases whose person comes back once or twice (0..1)")
      ->capture_default_str();
  cmd->add_option("--recurring-matters", run->generator.recurring_matters,
                  "Plant this many recurring matters (contacts from a new person each time, over "
                  "weeks) and four times as many quiet ones, both in the truth (0..100000)")
      ->capture_default_str();
  cmd->add_option_function<double>(
      "--overdue-share", [run](double share) { run->generator.overdue_share = share; },
      "Share of cases that miss a statutory deadline (0..1): that share misses its procedural "
      "reply or routing deadline, the others meet every deadline. An alert-heavy feed: with 0.8 "
      "a replay makes about 0.75 alert changes per event, against 0.2 by default. Default: the "
      "generator's own mix, about 8% of cases overdue");
  cmd->add_flag("--escalation-model", run->generator.escalation_model,
                "Draw escalations from a known logistic model of the case at the self-fit's row "
                "moments (ground truth for `casewatch fit escalation`)");
  cmd->add_flag(
      "--escalation-thresholds", run->generator.escalation_thresholds,
      "Escalations follow thresholds and interactions of lateness, contacts and decisions "
      "(not a logistic in the model's features)");
  cmd->add_flag("--raw-persons", run->generator.raw_persons,
                "Write raw person ids (\"id:<number>\") for the daemon to pseudonymise, instead "
                "of already pseudonymous ones (\"p:<hex>\")");
  cmd->callback([run] {
    const int rc = feedgen::runFeedgen(*run);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace casewatch
