// The escalation_risk model: P(a case is taken to a higher level within H days) (越级上访风险),
// a logistic regression whose coefficients are fitted by `casewatch fit escalation` and read from
// a model file (MODEL.json).
//
// Method. p = 1 / (1 + exp(−(b₀ + Σ b_j x_j))) over the features of
// models/escalation_risk/escalation_features.h (the same code the fit tool uses). A case is scored
// after each of its own events while it is open, after a contact (visit or registration) on its
// matter (at most kMaxRescoredPerContact open cases of the matter per contact), and as time passes:
// every rescore_every_days (1) of event time from its registration, from a time queue (one entry
// per open case; advanceTo costs what falls due), at that moment's features, so that a reply that
// never comes or a decision ageing moves the score without an event. Tier: red
// when p ≥ red_probability, orange ≥ orange_probability, yellow ≥ yellow_probability, blue ≥
// blue_probability. A signal is emitted when the tier changes, or when p moved by 0.05 or more
// while an alert is open; a case that closes resolves its alert. Every alert names the largest
// positive contributions b_j·x_j (top_features of them) with the value, the coefficient and the
// contribution to the log-odds, in English and Chinese, and recommends actions from the
// features: review_case always, assign_leader without a leader, schedule_hearing after a decision
// not upheld or a review request without a hearing, reply_now when overdue,
// check_aid_eligibility for wage arrears and social security without aid, notify_leadership at
// red.
//
// Model file (written by tools/fit/): a JSON object with "coefficients": {"intercept": b₀,
// "<feature>": b_j, ...} (a feature left out has coefficient 0; an unknown name is an error, as is
// a missing intercept or a non-finite number) and "horizon_days" (a positive integer; the H of
// the alert texts). Other keys (std_errors, auc, calibration, ...) are for analysts.
//
// Learning (models.escalation_risk.learn, on unless a model_file pins the model): at each case's
// registration and every learn.row_every_days of its life the model takes a training row and
// labels it as events arrive (models/escalation_risk/escalation_rows.h, the
// same code as `casewatch fit escalation --history`), hands them out (takeLabelledRows: the
// daemon keeps them in its store) and, every refit_every_days of event time, says a refit is due;
// the daemon fits on its own thread (models/escalation_risk/escalation_self_fit.h) and passes the
// outcome back (useFit). Until a fit passes the gates the model raises no alert (silentReason).
//
// Assumptions: the time-dependent features move between rescorings (at most rescore_every_days
// stale). Coefficients are fitted on history by `casewatch fit escalation`, whose
// label (what "taken to a higher level" means) is documented in tools/fit/escalation_history.h.
// Reload: create() reads the model file again (the normal config reload on SIGHUP); rebuild()
// recomputes the matter contacts from the case registrations and the visit log (the visits of the
// last 180 days; models/past_contacts.h) and rescores every open case.
// Source: D. W. Hosmer, S. Lemeshow, Applied Logistic Regression (3rd ed., 2013); escalation
// (越级上访) and local resolution: 《信访工作条例》(2022) and shared/DOMAIN.md.
//
// Threading: as every model, called from the pipeline's thread only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "models/clocks_config.h"
#include "models/escalation_risk/escalation_features.h"
#include "models/escalation_risk/escalation_risk_config.h"
#include "models/escalation_risk/escalation_rows.h"
#include "models/escalation_risk/escalation_self_fit.h"
#include "models/escalation_risk/rescore_queue.h"
#include "models/model.h"

namespace casewatch {

// Parses a MODEL.json text; errors name the key.
absl::StatusOr<EscalationModelFile> parseEscalationModelFile(std::string_view json);
absl::StatusOr<EscalationModelFile> loadEscalationModelFile(const std::string& path);

class EscalationRiskModel final : public Model {
 public:
  static constexpr std::string_view kName = "escalation_risk";
  static constexpr size_t kMaxRescoredPerContact = 64;

  // `model` empty and learning off: the model is off (every call returns at once). `model` empty
  // and learning on (config.learn.enabled, no model_file): rows are taken, no alert is raised
  // until a self-fit passes its gates (useFit).
  EscalationRiskModel(const EscalationRiskConfig& config, const ClocksConfig& clocks,
                      std::optional<EscalationModelFile> model);
  // The component table's factory (daemon/components.cc): reads models.escalation_risk.model_file.
  static absl::StatusOr<std::unique_ptr<Model>> create(const EscalationRiskConfig& config,
                                                       const ClocksConfig& clocks);

  std::string_view name() const override { return kName; }
  void onEvent(const CaseEvent& ev, const CaseUpdate& update, ModelContext& ctx) override;
  void advanceTo(TimeMs now, ModelContext& ctx) override;
  void rebuild(TimeMs now, ModelContext& ctx) override;
  // Retention: the purged cases' alert entries and training rows not yet handed out.
  void forget(const ForgottenCases& f, ModelContext& ctx) override;

  void inherit(const Model& previous) override;
  std::string stateJson() const override;

  bool enabled() const { return model_.has_value(); }
  // Learning from the daemon's own history (no model_file, learn.enabled): the daemon starts it
  // (it keeps the rows and runs the fits; a replay does not, and pays nothing for it).
  void startLearning();
  bool learning() const { return rows_.has_value(); }
  const EscalationLearnConfig& learnConfig() const { return config_.learn; }
  // The rows labelled since the last call (for the store), and whether a refit fell due (event
  // time, every learn.refit_every_days) since the last call.
  std::vector<EscalationRow> takeLabelledRows();
  bool takeRefitDue() { return std::exchange(refit_due_, false); }
  // A self-fit's outcome: recorded; when accepted its coefficients are used from now on.
  void useFit(const EscalationFitRecord& fit);
  // Scores every open case now (after an accepted fit: its coefficients apply at once, not only
  // at each case's next event). O(open cases), once per accepted refit.
  void rescoreOpen(TimeMs now, ModelContext& ctx);
  // Why the model raises no alert ("" when it does).
  std::string silentReason() const;
  const std::optional<EscalationFitRecord>& fitInUse() const { return fitted_; }
  // P(escalation) of case `i` now (tests).
  double probabilityForTest(const CaseStore& cases, CaseIndex i) const;
  size_t openAlerts() const { return alerted_.size(); }
  // Keeps every open case's latest score, not only the alerted ones' (`casewatch evaluate` reads
  // them: what the daemon would show at that moment). Off in the daemon: 12 bytes per open case.
  void keepScores() { keep_scores_ = true; }
  // The features as the model sees them (what it observed of the events so far).
  const EscalationFeatureBuilder& features() const { return features_; }
  // The latest score of case `i` (keepScores); 0 when it has none (never scored, or no model).
  double currentProbability(CaseIndex i) const {
    auto it = scores_.find(i);
    return it == scores_.end() ? 0.0 : it->second;
  }

  bool saveState(ArchiveOut& out) const override;
  bool loadState(ArchiveIn& in) override;

 private:
  struct Alerted {
    Tier tier = Tier::kNone;
    double probability = 0;
  };
  void score(CaseIndex i, TimeMs now, ModelContext& ctx);
  Tier tierOf(double p) const;
  void emit(CaseIndex i, Tier tier, double p, const EscalationFeatures& f, ModelContext& ctx);

  void scheduleRefit();
  bool mayLearn() const;
  // Puts case `i` on the rescoring clock (its next multiple of the interval after `after`).
  void queueRescore(const Case& c, CaseIndex i, TimeMs after);
  // Queues every open case not queued yet, once a model scores (rescore_complete_).
  void completeRescoreQueue(const CaseStore& cases);

  EscalationRiskConfig config_;
  std::optional<EscalationModelFile> model_;
  std::optional<EscalationRowTaker> rows_;       // learning only
  std::optional<EscalationFitRecord> fitted_;    // the accepted self-fit in use
  std::optional<EscalationFitRecord> last_fit_;  // the latest attempt
  TimeMs next_refit_ = 0;                        // 0 = at the first event + the interval
  bool refit_due_ = false;
  EscalationFeatureBuilder features_;
  absl::flat_hash_map<CaseIndex, Alerted> alerted_;
  TimeMs rescore_every_;
  RescoreQueue rescore_;  // next rescoring of each open case, while a model scores
  // Whether rescore_ holds every open case. The queue is kept only while a model scores: learning
  // with no accepted fit yet, it would only pop each open case daily and push it back (a fifth of
  // the applying thread in bench/run's end to end, perf). The first use after a fit arrives
  // queues the open cases (completeRescoreQueue).
  bool rescore_complete_ = true;
  bool keep_scores_ = false;
  absl::flat_hash_map<CaseIndex, double> scores_;  // keepScores only
  TimeMs now_ = 0;
};

}  // namespace casewatch
