#include "daemon/replay.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>

#include "alerts/sinks/console/console_config.h"
#include "alerts/workflow/alert_dispatcher.h"
#include "alerts/workflow/alert_workflow.h"
#include "base/progress_line.h"
#include "base/str_cat.h"
#include "connectors/decoded_batch_ring.h"
#include "connectors/jsonl_feed/jsonl_feed.h"
#include "connectors/pseudonym/pseudonym_key.h"
#include "daemon/components.h"
#include "daemon/pipeline.h"

namespace casewatch {
namespace {

class ReplayOutput final : public PipelineOutput {
 public:
  // The book's changes go through the duty officers' workflow (escalations on event time, holds,
  // grouping), whose changes go to the sinks.
  AlertWorkflow* workflow = nullptr;
  AlertDispatcher* dispatcher = nullptr;
  const Pipeline* pipeline = nullptr;
  std::array<uint64_t, kRejectReasonCount> rejected{};
  std::array<uint64_t, 9> changes{};
  std::vector<AlertChange> batch;

  // Escalations due by an event's time come before its changes, as in the live daemon.
  void accepted(const CaseEvent&) override {}
  void clockMoved(TimeMs now) override { workflow->advanceTo(now); }
  void alertChanged(AlertChange&& c) override { workflow->onBookChange(std::move(c)); }
  void published(AlertChange&& c) {
    ++changes[static_cast<size_t>(c.kind)];
    batch.clear();
    batch.push_back(std::move(c));  // moved, not copied as a braced list would be
    dispatcher->deliver(batch, 0);
  }
  void deadLetter(std::string_view, const Rejection& r) override {
    ++rejected[static_cast<size_t>(r.reason)];
  }
};

}  // namespace

int runReplay(const Config& config, const ReplayOptions& options) {
  auto key = loadPseudonymKey(config.pseudonym, config.demo);
  if (!key.ok()) {
    std::fprintf(stderr, "casewatchd replay: %s\n", std::string(key.status().message()).c_str());
    return 2;
  }
  if (key->demo) {
    spdlog::warn("DEMO MODE: person ids are pseudonymised with the built-in, public demo key.");
  }
  TimeMs until = 0;
  if (!options.until.empty()) {
    auto t = parseRfc3339(options.until);
    if (!t) {
      std::fprintf(stderr, "casewatchd replay: --until %s is not an RFC 3339 time with an offset\n",
                   options.until.c_str());
      return 2;
    }
    until = *t;
  }
  const Pseudonymizer pseudonymizer(key->key);
  ReplayOutput out;
  const AlertJsonOptions jo{std::string(localeName(config.locale)),
                            config.clocks.utc_offset_minutes};
  AlertDispatcher dispatcher(RetryPolicy{}, jo);
  out.dispatcher = &dispatcher;
  // Replay writes nothing outside: the sinks that publish stay off; the console prints on
  // stderr when asked (--print-alerts), and --alerts-out turns on the JSON Lines file.
  SinkContext sink_context{dispatcher, jo};
  sink_context.live = false;
  sink_context.console = stderr;
  sink_context.alerts_out = options.alerts_out;
  ComponentConfigs sinks = config.sinks;
  sinks.set(ConsoleConfig{options.print_alerts});
  if (auto s = attachSinks(sinks, sink_context); !s.ok()) {
    std::fprintf(stderr, "casewatchd replay: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  Pipeline pipeline(config, nullptr, nullptr, out);
  AlertWorkflow workflow(
      workflowOptions(config), &pipeline.alerts(), [&pipeline] { return pipeline.now(); },
      [&out](AlertChange&& c) { out.published(std::move(c)); });
  out.workflow = &workflow;
  out.pipeline = &pipeline;
  auto models = buildModels(config.models, config.clocks);
  if (!models.ok()) {
    std::fprintf(stderr, "casewatchd replay: %s\n", std::string(models.status().message()).c_str());
    return 2;
  }
  pipeline.setModels(std::move(*models));

  FeedConfig feed;
  feed.name = "replay";
  feed.kind = "jsonl";
  feed.endpoint = options.input;
  // Both cores: the feed's thread reads and decodes (and pseudonymises) while this one applies,
  // through a ring of batch slots that come back to be refilled (no allocation per event); three
  // slots keep both threads busy (one being filled, one being applied, one waiting).
  IngestConfig ingest = config.ingest;
  ingest.max_future_skew_minutes = 0;  // history is taken as it is, whatever the wall clock says
  DecodedBatchRing ring(3);
  JsonlFeed reader(feed, ingest, pseudonymizer, JsonlFeedOptions{.ring = &ring});
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t lines = 0, skipped_after_until = 0;
  if (auto s = reader.start([](DecodedBatchPtr) {}); !s.ok()) {
    std::fprintf(stderr, "casewatchd replay: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  // Progress on a terminal (how far through the file: the bytes the reader has read), then a
  // summary line; none with --quiet.
  const SteadyClock steady;
  ProgressLine::Options progress_options;
  progress_options.label = "replay";
  progress_options.count_unit = "lines";
  progress_options.terminal = ProgressLine::stderrIsTerminal();
  if (struct stat st{};
      options.input != "-" && ::stat(options.input.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    progress_options.position.total = static_cast<uint64_t>(st.st_size);
  }
  ProgressLine progress(
      progress_options, steady,
      options.quiet ? ProgressLine::Write([](std::string_view) {}) : ProgressLine::toStderr());
  for (bool end = false; !end;) {
    DecodedBatch* b = ring.pop();
    if (b == nullptr) break;  // the ring closed (not before the end of input in replay)
    end = b->end_of_input;
    lines += b->events.size() + b->rejections.size();
    progress.update(lines, reader.stats().bytes.load(std::memory_order_relaxed));
    if (until != 0) {
      // History up to --until only: later events are left out (counted).
      auto keep = std::remove_if(b->events.begin(), b->events.end(),
                                 [&](const CaseEvent& e) { return e.ts > until; });
      skipped_after_until += static_cast<uint64_t>(b->events.end() - keep);
      b->events.erase(keep, b->events.end());
    }
    pipeline.ingest(*b);
    ring.release(b);
    pipeline.tick();
    workflow.advanceTo(pipeline.now());
  }
  reader.stop();
  progress.update(lines, reader.stats().bytes.load(std::memory_order_relaxed));
  progress.finish();
  // A read error ends the input early: what came before it was applied, but history is missing.
  const auto status = reader.stats().transport_errors.load() == 0
                          ? absl::OkStatus()
                          : absl::DataLossError("reading " + options.input +
                                                " failed (see the log); the replay is incomplete");
  if (until != 0) pipeline.advanceTo(until);
  pipeline.tick();
  workflow.advanceTo(pipeline.now());
  dispatcher.flush(0);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!status.ok()) {
    std::fprintf(stderr, "casewatchd replay: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  if (!options.quiet) {
    const auto& c = pipeline.counters();
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    std::string rej;
    for (size_t i = 1; i < kRejectReasonCount; ++i) {
      if (out.rejected[i])
        strAppend(rej, " ", rejectReasonName(static_cast<RejectReason>(i)), "=", out.rejected[i]);
    }
    const size_t open = pipeline.cases().openCases();
    std::string notes;
    if (skipped_after_until)
      strAppend(notes, "; ", skipped_after_until, " events after --until left out");
    if (c.skipped) strAppend(notes, "; ", c.skipped, " events of other shards' regions skipped");
    std::fprintf(
        stderr,
        "replay: %llu lines in %.3f s (%.0f events/s); accepted %llu, rejected %llu%s%s, "
        "duplicates %llu, orphans held %llu (expired %llu, waiting %zu)%s\n"
        "replay: clock ends at %s; cases %zu (open %zu; state %.0f bytes per open case; "
        "max RSS %ld MiB)\n"
        "replay: alert changes %llu (fired %llu, tier changes %llu, resolved %llu, "
        "escalated %llu), active at the end %zu\n",
        static_cast<unsigned long long>(lines), secs, secs > 0 ? lines / secs : 0.0,
        static_cast<unsigned long long>(c.accepted), static_cast<unsigned long long>(c.rejected),
        rej.empty() ? "" : ":", rej.c_str(), static_cast<unsigned long long>(c.duplicates),
        static_cast<unsigned long long>(c.orphans_held),
        static_cast<unsigned long long>(c.orphans_expired), pipeline.orphansWaiting(),
        notes.c_str(), formatRfc3339(pipeline.now(), config.clocks.utc_offset_minutes).c_str(),
        pipeline.cases().size(), open,
        open ? static_cast<double>(pipeline.cases().approximateBytes()) / open : 0.0,
        ru.ru_maxrss / 1024, static_cast<unsigned long long>(c.alert_changes),
        static_cast<unsigned long long>(out.changes[static_cast<size_t>(ChangeKind::kFired)]),
        static_cast<unsigned long long>(out.changes[static_cast<size_t>(ChangeKind::kTierChanged)]),
        static_cast<unsigned long long>(out.changes[static_cast<size_t>(ChangeKind::kResolved)]),
        static_cast<unsigned long long>(out.changes[static_cast<size_t>(ChangeKind::kEscalated)]),
        pipeline.alerts().activeCount());
  }
  return 0;
}

}  // namespace casewatch
