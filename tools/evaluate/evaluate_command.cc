#include "tools/evaluate/evaluate_command.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "base/str_cat.h"
#include "connectors/decoded_batch_ring.h"
#include "connectors/jsonl_feed/jsonl_feed.h"
#include "connectors/pseudonym/pseudonymizer.h"
#include "daemon/components.h"
#include "daemon/config_loader.h"
#include "daemon/pipeline.h"
#include "models/escalation_risk/escalation_self_fit.h"
#include "tools/evaluate/evaluation.h"

namespace casewatch::evaluate {
namespace {

class EvaluateOutput final : public PipelineOutput {
 public:
  Evaluation* evaluation = nullptr;
  const Pipeline* pipeline = nullptr;
  void accepted(const CaseEvent&) override {}
  void alertChanged(AlertChange&& c) override { evaluation->alertChanged(c, pipeline->cases()); }
  void deadLetter(std::string_view, const Rejection&) override {}
};

// The self-fit as the daemon runs it (daemon/app_learning.cc), in line: the rows are kept here
// (the daemon keeps them in its store), the most recent learn.max_rows of them are fitted.
class InlineLearning {
 public:
  explicit InlineLearning(EscalationRiskModel& m) : m_(m) {}
  void step(Pipeline& pipeline) {
    for (EscalationRow& r : m_.takeLabelledRows()) rows_.push_back(std::move(r));
    if (!m_.takeRefitDue()) return;
    const auto max_rows = static_cast<size_t>(m_.learnConfig().max_rows);
    const size_t from = rows_.size() > max_rows ? rows_.size() - max_rows : 0;
    std::vector<EscalationRow> rows(rows_.begin() + static_cast<std::ptrdiff_t>(from), rows_.end());
    const EscalationFitRecord fit =
        selfFitEscalation(std::move(rows), m_.learnConfig(), pipeline.now());
    ++fits_;
    accepted_ += fit.accepted ? 1 : 0;
    m_.useFit(fit);
    if (fit.accepted) m_.rescoreOpen(pipeline.now(), pipeline.modelContext());
  }
  size_t fits() const { return fits_; }
  size_t accepted() const { return accepted_; }

 private:
  EscalationRiskModel& m_;
  std::vector<EscalationRow> rows_;
  size_t fits_ = 0, accepted_ = 0;
};

}  // namespace

std::string evaluateHistory(const EvaluateRun& run, int& code) {
  code = 2;
  if (run.every_days < 1 || run.horizon_days < 1) {
    return "casewatch evaluate: --every-days and --horizon-days must be at least 1";
  }
  std::vector<std::string> sets = run.sets;
  if (!run.model_file.empty())
    sets.push_back("models.escalation_risk.model_file=" + run.model_file);
  ConfigResult loaded =
      run.config.empty() ? loadDefaultConfig(sets) : loadConfigFile(run.config, sets);
  if (!loaded.ok()) return "casewatch evaluate: " + loaded.describe();
  const Config& config = loaded.config;
  auto models = buildModels(config.models, config.clocks);
  if (!models.ok()) return strCat("casewatch evaluate: ", models.status().message());
  EscalationRiskModel* escalation = nullptr;
  for (auto& m : *models) {
    if (m->name() == EscalationRiskModel::kName)
      escalation = static_cast<EscalationRiskModel*>(m.get());
  }
  std::unique_ptr<InlineLearning> learning;
  if (escalation != nullptr) {
    escalation->keepScores();
    escalation->startLearning();  // only when no model file pins it
    if (escalation->learning()) learning = std::make_unique<InlineLearning>(*escalation);
  }
  Evaluation evaluation(EvaluationOptions{run.every_days, run.horizon_days}, escalation);
  models->push_back(evaluation.probe());

  EvaluateOutput out;
  Pipeline pipeline(config, nullptr, nullptr, out);
  out.evaluation = &evaluation;
  out.pipeline = &pipeline;
  pipeline.setModels(std::move(*models));

  // Person ids are pseudonymised with a key of this run only: nothing here prints them.
  Pseudonymizer::Key key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(0x5a ^ i);
  const Pseudonymizer pseudonymizer(key);
  FeedConfig feed;
  feed.name = "evaluate";
  feed.kind = "jsonl";
  feed.endpoint = run.history;
  IngestConfig ingest = config.ingest;
  ingest.max_future_skew_minutes = 0;
  // As `casewatchd replay`: the feed's thread decodes into recycled batch slots while this one
  // applies.
  DecodedBatchRing ring(3);
  JsonlFeed reader(feed, ingest, pseudonymizer, JsonlFeedOptions{.ring = &ring});
  if (auto s = reader.start([](DecodedBatchPtr) {}); !s.ok()) {
    code = 1;
    return strCat("casewatch evaluate: ", s.message());
  }
  for (bool end = false; !end;) {
    DecodedBatch* b = ring.pop();
    if (b == nullptr) break;
    end = b->end_of_input;
    pipeline.ingest(*b);
    ring.release(b);
    pipeline.tick();
    if (learning) learning->step(pipeline);
  }
  reader.stop();
  if (reader.stats().transport_errors.load() != 0) {
    code = 1;
    return strCat("casewatch evaluate: reading ", run.history, " failed");
  }
  pipeline.tick();
  evaluation.finish(pipeline.now());
  if (!run.rows_out.empty()) {
    std::ofstream f(run.rows_out, std::ios::binary);
    f << evaluation.rowsCsv();
    if (!f) {
      code = 1;
      return strCat("casewatch evaluate: cannot write ", run.rows_out);
    }
  }
  code = 0;
  if (run.json) return evaluation.json();
  std::string text = evaluation.text();
  if (learning) {
    strAppend(text, "escalation_risk self-fits during the replay: ", learning->fits(), " (",
              learning->accepted(), " accepted)\n");
  }
  return text;
}

int runEvaluate(const EvaluateRun& run) {
  spdlog::set_level(spdlog::level::warn);  // the report alone on stdout
  int code = 0;
  const std::string out = evaluateHistory(run, code);
  std::fputs(out.c_str(), code == 0 ? stdout : stderr);
  if (code == 0 && run.json) std::fputc('\n', stdout);
  if (code != 0) std::fputc('\n', stderr);
  return code;
}

}  // namespace casewatch::evaluate

namespace casewatch {

void addEvaluateCommand(CLI::App& app) {
  auto run = std::make_shared<evaluate::EvaluateRun>();
  CLI::App* e = app.add_subcommand(
      "evaluate", "Replay a history and show how far each model can be trusted on it");
  e->add_option("--history", run->history, "event history, JSON Lines (the feed contract)")
      ->required();
  e->add_option("--config", run->config, "YAML configuration (default: the built-in one)")
      ->check(CLI::ExistingFile);
  e->add_option("--set", run->sets, "Override one key (repeatable)")->take_all();
  e->add_option("--model-file", run->model_file,
                "MODEL.json pinning the escalation model (else it learns as the daemon does)");
  e->add_option("--every-days", run->every_days, "days between a case's escalation checkpoints")
      ->capture_default_str();
  e->add_option("--horizon-days", run->horizon_days, "escalation within this many days")
      ->capture_default_str();
  e->add_flag("--json", run->json, "print the figures as one JSON object");
  e->add_option("--rows-out", run->rows_out, "write the escalation checkpoints as CSV");
  e->callback([run] {
    const int rc = evaluate::runEvaluate(*run);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace casewatch
