// The models that learn from the daemon's own history (models.escalation_risk.learn,
// models.repeat_visit.learn): their labelled rows are handed to the store as they come (the
// store's writer thread writes them), refits fall due on the models' clock (event time in replay
// and tests), run one at a time on fit_pool_, reading the store (never the journal: old journal
// segments may be gone), and take at most a tenth of the wall time (kRefitShare); they are recorded
// in the store with a log line, and their outcome is posted back to the io_context, where the
// model takes it. At start-up the last accepted fit comes back.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/str_cat.h"
#include "base/thread_role.h"
#include "daemon/app.h"
#include "daemon/app_parts.h"
#include "models/escalation_risk/escalation_risk_model.h"
#include "models/escalation_risk/escalation_self_fit.h"
#include "models/repeat_visit/repeat_visit_model.h"

namespace casewatch {
namespace {

constexpr std::string_view kEscalation = EscalationRiskModel::kName;
constexpr std::string_view kRepeat = RepeatVisitModel::kName;
// Rows are handed to the store at least this often during the journal's replay (bounded memory).
constexpr uint64_t kDrainEvery = 4096;
// The refits' nice value. A fit may come late; the intake may not. A backfill (event time running
// days ahead per second) makes a refit fall due every day of event time, back to back, each longer
// than the last: at normal priority they took 37% of the daemon's CPU in bench/run's end to end
// (perf, 918,795 events), from the thread that applies events.
constexpr int kFitNice = 10;
// The share of wall time that refits of one kind may take. After a refit that took d (from its
// start on the io_context to its outcome applied there: the rows read, the fit, the open cases
// rescored), the next one of that kind waits d·(1 − share)/share; one falling due meanwhile keeps
// its flag and starts at the first batch or tick after that. Live, a daily refit of a second
// waits 9 s, so never in practice. In a backfill, where a refit fell due every few seconds of wall
// time, back to back and each longer than the last, they took as much CPU as the thread that
// applies events (cw-fit 45 s, main 45 s of an 81 s bench/run end to end, 918,795 events), and
// each accepted fit rescored every open case on the io_context.
constexpr double kRefitShare = 0.1;

int64_t refitPause(int64_t took_ms) {
  return static_cast<int64_t>(static_cast<double>(std::max<int64_t>(took_ms, 0)) *
                              (1.0 - kRefitShare) / kRefitShare);
}

void onFitThread() {
  static thread_local bool entered = false;
  if (entered) return;
  entered = true;
  nameThisThread("cw-fit");
  runThisThreadInBackground(kFitNice);
}

template <typename T>
T* findModel(Pipeline& p) {
  for (const auto& m : p.models()) {
    if (m->name() == T::kName) return static_cast<T*>(m.get());
  }
  return nullptr;
}

TrainingRow toStored(EscalationRow&& r) {
  TrainingRow t;
  t.model = std::string(kEscalation);
  t.row_id = std::move(r.row_id);
  t.case_id = std::move(r.case_id);
  t.registered_at = r.registered_at;
  t.at = r.at;
  t.label = r.label;
  t.features.assign(r.features.begin(), r.features.end());
  return t;
}

EscalationRow fromStored(TrainingRow&& t) {
  EscalationRow r;
  r.row_id = std::move(t.row_id);
  r.case_id = std::move(t.case_id);
  r.registered_at = t.registered_at;
  r.at = t.at;
  r.label = t.label;
  for (size_t k = 0; k < r.features.size() && k < t.features.size(); ++k) {
    r.features[k] = t.features[k];
  }
  return r;
}

std::string hawkesJson(const RepeatVisitModel::HawkesOutcome& o) {
  nlohmann::json j;
  j["at"] = o.at;
  j["fitted"] = o.fitted;
  j["reason"] = o.reason;
  j["mu"] = o.params.mu;
  j["alpha"] = o.params.alpha;
  j["beta"] = o.params.beta;
  j["streams"] = o.streams;
  j["returns"] = o.returns;
  j["log_likelihood"] = o.log_likelihood;
  return j.dump();
}

std::optional<RepeatVisitModel::HawkesOutcome> parseHawkesJson(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  RepeatVisitModel::HawkesOutcome o;
  o.at = j.value("at", TimeMs{0});
  o.fitted = j.value("fitted", false);
  o.reason = j.value("reason", std::string());
  o.params = HawkesParams{j.value("mu", 0.0), j.value("alpha", 0.0), j.value("beta", 1.0)};
  o.streams = j.value("streams", size_t{0});
  o.returns = j.value("returns", size_t{0});
  o.log_likelihood = j.value("log_likelihood", 0.0);
  return o;
}

}  // namespace

void App::learn() {
  events_since_drain_ = 0;
  if (auto* m = findModel<EscalationRiskModel>(*pipeline_); m != nullptr && m->learning()) {
    std::vector<EscalationRow> rows = m->takeLabelledRows();
    if (!rows.empty()) {
      std::vector<TrainingRow> stored;
      stored.reserve(rows.size());
      for (EscalationRow& r : rows) stored.push_back(toStored(std::move(r)));
      store_->addTrainingRows(std::move(stored));
    }
    // A refit due during the journal's replay is not run: the fit in use came back from the
    // store (restoreFits), and the schedule goes on from the live events.
    // One refit at a time: one that falls due meanwhile waits (the flag stays) and starts when
    // the running one is back.
    if (recovering_) {
      (void)m->takeRefitDue();
    } else if (!escalation_fit_in_flight_ && app::steadyMs() >= escalation_refit_after_ms_ &&
               m->takeRefitDue()) {
      startEscalationFit(pipeline_->now());
    }
  }
  if (auto* m = findModel<RepeatVisitModel>(*pipeline_); m != nullptr && m->learning()) {
    if (recovering_) {
      (void)m->takeRefitDue();
    } else if (!hawkes_fit_in_flight_ && app::steadyMs() >= hawkes_refit_after_ms_ &&
               m->takeRefitDue()) {
      startHawkesFit(pipeline_->now());
    }
  }
}

void App::startEscalationFit(TimeMs at) {
  auto* m = findModel<EscalationRiskModel>(*pipeline_);
  if (m == nullptr) return;
  escalation_fit_in_flight_ = true;
  const int64_t started_ms = app::steadyMs();
  const EscalationLearnConfig learn = m->learnConfig();
  boost::asio::post(fit_pool_, [this, learn, at, started_ms] {
    onFitThread();
    // Every row handed over before this job was posted is committed first.
    store_->flush();
    EscalationFitRecord fit;
    auto stored =
        store_->loadTrainingRows(std::string(kEscalation), static_cast<size_t>(learn.max_rows));
    if (!stored.ok()) {
      fit.at = at;
      fit.min_auc = learn.min_auc;
      fit.max_calibration_error = learn.max_calibration_error;
      fit.reason = strCat("store_unreadable: ", stored.status().message());
    } else {
      std::vector<EscalationRow> rows;
      rows.reserve(stored->size());
      for (TrainingRow& t : *stored) rows.push_back(fromStored(std::move(t)));
      fit = selfFitEscalation(std::move(rows), learn, at);
    }
    ModelFitRow record;
    record.model = std::string(kEscalation);
    record.at = at;
    record.rows = static_cast<int64_t>(fit.rows);
    record.auc = fit.auc ? *fit.auc : std::nan("");
    record.calibration_error = fit.calibration_error;
    record.accepted = fit.accepted;
    record.reason = fit.reason;
    record.json = escalationFitJson(fit);
    store_->recordModelFit(std::move(record));
    spdlog::info(
        "escalation_risk refit at {}: {} rows of {} cases ({} escalations); held-out {} cases, "
        "AUC {:.4f} (gate {}), calibration error {:.4f} (gate {}): {}",
        formatRfc3339(at), fit.rows, fit.cases, fit.positives, fit.holdout_cases,
        fit.auc ? *fit.auc : 0.0, learn.min_auc, fit.calibration_error, learn.max_calibration_error,
        fit.accepted ? "accepted" : "refused (" + fit.reason + ")");
    boost::asio::post(io_, [this, fit = std::move(fit), started_ms] {
      escalation_fit_in_flight_ = false;
      learning_metrics_->refit(std::string(kEscalation), fit.accepted);
      learning_metrics_->setTrainingRows(std::string(kEscalation), static_cast<double>(fit.rows));
      if (auto* model = findModel<EscalationRiskModel>(*pipeline_); model && model->learning()) {
        model->useFit(fit);
        // The new coefficients apply to every open case now (the workflow is still while a duty
        // officer's action is committed: then at each case's next event).
        if (fit.accepted && !action_in_flight_) {
          model->rescoreOpen(pipeline_->now(), pipeline_->modelContext());
          workflow_->advanceTo(pipeline_->now());
        }
      }
      escalation_refit_after_ms_ = app::steadyMs() + refitPause(app::steadyMs() - started_ms);
      publishLearningMetrics();
      this->learn();  // a refit that fell due meanwhile
    });
  });
}

void App::startHawkesFit(TimeMs at) {
  auto* m = findModel<RepeatVisitModel>(*pipeline_);
  if (m == nullptr) return;
  hawkes_fit_in_flight_ = true;
  const int64_t started_ms = app::steadyMs();
  // One pass over the contacts the state holds, on the io_context (a daily cost proportional to
  // the visit log); the fit itself on the fit thread.
  auto streams = std::make_shared<std::vector<HawkesStream>>(
      m->hawkesStreams(pipeline_->cases(), &pipeline_->visits()));
  const RepeatVisitConfig config = m->config();
  // From the fit in use: a daily refit in a third of the evaluations (fitHawkes).
  const std::optional<HawkesParams> start = m->refitStart();
  boost::asio::post(fit_pool_, [this, streams, config, at, start, started_ms] {
    onFitThread();
    RepeatVisitModel::HawkesOutcome o =
        RepeatVisitModel::fitHawkesBounded(std::move(*streams), config, at, start);
    ModelFitRow record;
    record.model = std::string(kRepeat);
    record.at = at;
    record.rows = static_cast<int64_t>(o.streams);
    record.auc = std::nan("");
    record.accepted = o.fitted;
    record.reason = o.reason;
    record.json = hawkesJson(o);
    store_->recordModelFit(std::move(record));
    spdlog::info(
        "repeat_visit Hawkes refit at {}: {} streams, {} returns: mu {:.5g}, alpha {:.5g}, beta "
        "{:.5g} {}",
        formatRfc3339(at), o.streams, o.returns, o.params.mu, o.params.alpha, o.params.beta,
        o.fitted ? "in use" : "refused (" + o.reason + "); the configured values stay");
    boost::asio::post(io_, [this, o = std::move(o), started_ms] {
      hawkes_fit_in_flight_ = false;
      learning_metrics_->refit(std::string(kRepeat), o.fitted);
      learning_metrics_->setTrainingRows(std::string(kRepeat), static_cast<double>(o.streams));
      if (auto* model = findModel<RepeatVisitModel>(*pipeline_); model && model->learning()) {
        model->useHawkes(o);
      }
      hawkes_refit_after_ms_ = app::steadyMs() + refitPause(app::steadyMs() - started_ms);
      publishLearningMetrics();
      this->learn();  // a refit that fell due meanwhile
    });
  });
}

void App::restoreFits() {
  learning_metrics_ = std::make_unique<LearningMetrics>(*metrics_->registry());
  if (auto* m = findModel<EscalationRiskModel>(*pipeline_); m != nullptr) m->startLearning();
  if (auto* m = findModel<EscalationRiskModel>(*pipeline_); m != nullptr && m->learning()) {
    const std::string name(kEscalation);
    // The last accepted fit is the one in use; a later refused one says why it was refused.
    for (bool accepted_only : {true, false}) {
      auto fits = store_->listModelFits(name, 1, accepted_only);
      if (!fits.ok() || fits->empty()) continue;
      auto fit = parseEscalationFitJson(fits->front().json);
      if (!fit.ok()) {
        spdlog::warn("The stored escalation_risk fit is unreadable ({}); learning again.",
                     fit.status().message());
        continue;
      }
      if (accepted_only) {
        spdlog::info("escalation_risk: the fit of {} ({} rows, held-out AUC {:.4f}) is in use.",
                     formatRfc3339(fit->at), fit->rows, fit->auc ? *fit->auc : 0.0);
        learning_metrics_->setTrainingRows(name, static_cast<double>(fit->rows));
      }
      if (accepted_only || !fit->accepted) m->useFit(*fit);
    }
  }
  if (auto* m = findModel<RepeatVisitModel>(*pipeline_); m != nullptr && m->learning()) {
    auto fits = store_->listModelFits(std::string(kRepeat), 1, false);
    if (fits.ok() && !fits->empty()) {
      if (auto o = parseHawkesJson(fits->front().json)) m->useHawkes(*o);
    }
  }
  publishLearningMetrics();
}

void App::publishLearningMetrics() {
  if (!learning_metrics_) return;
  if (const auto* m = pipeline_->model<EscalationRiskModel>(); m != nullptr) {
    learning_metrics_->setFitted(std::string(kEscalation), m->enabled());
  }
  if (const auto* m = pipeline_->model<RepeatVisitModel>(); m != nullptr) {
    learning_metrics_->setFitted(std::string(kRepeat), m->hawkesFitted());
  }
}

std::vector<ModelState> App::modelStates() const {
  std::vector<ModelState> out;
  for (const auto& m : pipeline_->models()) out.push_back({std::string(m->name()), m->stateJson()});
  return out;
}

}  // namespace casewatch
