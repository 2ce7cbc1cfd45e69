// What `casewatch evaluate` measures while the pipeline replays a history: the figures a user needs
// to trust each model, taken from what the models said at the time, judged by what happened next.
//
//   escalation_risk  a dynamic prediction: at each open case's registration and every
//                    `every_days` (10) days of its life, the score the model shows for it then
//                    (its current probability; 0 while it has none) against the label "taken to a
//                    higher level within `horizon_days` (30) days" (the row taker's own label,
//                    models/escalation_risk/escalation_rows.h). AUC, a calibration table (deciles
//                    of the score: mean predicted against observed rate) and, for each alert it
//                    raised (fired or moved to a tier), whether the case escalated within the
//                    horizon: the precision of each tier.
//   repeat_visit,    alerts per tier (fired or moved to it), and the share followed by an
//   group_incident,  escalation on their matter within the horizon: a review or re-review
//   recurring_matter request of a case on the matter, or a contact on it lodged above county
//                    level. The matter is the subject (kind matter), the `matter` reason (kind
//                    person) or the case's matter (kind case).
//   overdue          alerts fired; of those first raised as a warning (yellow: a deadline near),
//                    the share whose case then missed it (the alert reached orange or red); the
//                    alerts that reached orange or red (a deadline passed with the step not done).
// Whatever the horizon has not finished seeing when the history ends is left out (censored) and
// counted.
//
// Not thread-safe: the pipeline's thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "alerts/alert.h"
#include "models/escalation_risk/escalation_risk_model.h"
#include "models/escalation_risk/escalation_rows.h"
#include "models/model.h"

namespace casewatch::evaluate {

struct EvaluationOptions {
  int every_days = 10;
  int horizon_days = 30;
};

class Evaluation {
 public:
  // `escalation` may be null (the model is not configured): its section is left out.
  Evaluation(const EvaluationOptions& options, const EscalationRiskModel* escalation);

  // A Model placed after every other model: sees each event after they did, and the clock.
  std::unique_ptr<Model> probe();
  // Every alert change of the book (PipelineOutput::alertChanged).
  void alertChanged(const AlertChange& change, const CaseStore& cases);
  // The history ended at `end`.
  void finish(TimeMs end);

  // The report: JSON (--json) or text for a reader.
  std::string json() const;
  std::string text() const;
  // The checkpoint rows (features, y, score) as CSV, for analysts.
  std::string rowsCsv() const;

 private:
  friend class EvaluationProbe;
  struct AlertSeen {
    std::string model;
    Tier tier = Tier::kNone;
    TimeMs at = 0;
    std::string matter;
  };
  struct OverdueSeen {
    Tier first = Tier::kNone;
    Tier worst = Tier::kNone;
  };
  void onEvent(const CaseEvent& ev, const CaseUpdate& u, const CaseStore& cases);
  void advanceTo(TimeMs now, const CaseStore& cases);
  void collect();

  EvaluationOptions options_;
  const EscalationRiskModel* escalation_;
  EscalationRowTaker checkpoints_;
  EscalationRowTaker alert_rows_;  // one row per escalation alert (row_id = its tier)
  std::vector<EscalationRow> rows_, alert_labels_;
  absl::flat_hash_map<std::string, std::vector<TimeMs>> matter_escalations_;
  std::vector<AlertSeen> matter_alerts_;                   // the matter models (kMatterModels)
  absl::flat_hash_map<std::string, OverdueSeen> overdue_;  // by alert id
  std::vector<OverdueSeen> overdue_done_;
  TimeMs end_ = 0;
  size_t censored_rows_ = 0, censored_alerts_ = 0;
};

}  // namespace casewatch::evaluate
