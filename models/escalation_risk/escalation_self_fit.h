// The escalation_risk model's self-fit: coefficients fitted on the daemon's own labelled rows
// (models/escalation_risk/escalation_rows.h), accepted only when they pass gates on held-out
// cases.
//
// Method. Rows whose window (horizon_days after the row) has not closed by the fit's time are left
// out (waiting_rows): only the escalated ones of those are labelled yet, and taking them would
// bias the newest rows toward escalation. The rows (at most learn.max_rows, the most recent by
// time) are grouped by case. Fewer
// than learn.min_labelled_cases cases: refused (too_few_cases). The held-out slice is the most
// recently registered learn.holdout_share of the cases (a time slice, not a random split: the
// future is what the model predicts); the rest are fitted by IRLS with an L2 penalty learn.l2
// (models/stats/logistic_regression.h; constant or alone-separating columns left out, their
// coefficient 0). Gates on the held-out rows: AUC ≥ learn.min_auc, and the expected calibration
// error ECE = Σ_bins (n_b / n) · |mean predicted_b − observed rate_b| over the deciles of the
// prediction ≤ learn.max_calibration_error. On a pass the coefficients are fitted again on all
// the rows (the held-out cases included) and those are the ones used. Deterministic: the rows are
// sorted by (time, row id) first, so the same rows give the same fit in the daemon and in a test.
//
// Source: E. W. Steyerberg, Clinical Prediction Models (2nd ed., 2019), ch. 17 (temporal
// validation); M. P. Naeini et al., AAAI 2015 (expected calibration error).
//
// Pure function; thread-safe (it runs on the daemon's fit thread).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/time.h"
#include "models/escalation_risk/escalation_features.h"
#include "models/escalation_risk/escalation_risk_config.h"
#include "models/escalation_risk/escalation_rows.h"
#include "models/stats/logistic_regression.h"

namespace casewatch {

struct EscalationFitRecord {
  TimeMs at = 0;  // event time of the refit
  size_t rows = 0, cases = 0, positives = 0;
  size_t holdout_rows = 0, holdout_cases = 0;
  size_t waiting_rows = 0;    // labelled, but their window closes after `at`: left for a later fit
  std::optional<double> auc;  // held-out
  double calibration_error = 0;
  std::vector<CalibrationBin> calibration;        // held-out deciles
  double min_auc = 0, max_calibration_error = 0;  // the gates it was judged by
  bool accepted = false;
  std::string reason;                // "passed", or why it was refused
  EscalationModelFile model;         // fitted on all rows (accepted only)
  std::vector<std::string> dropped;  // columns left out
};

EscalationFitRecord selfFitEscalation(std::vector<EscalationRow> rows,
                                      const EscalationLearnConfig& learn, TimeMs at);

// The record as JSON (the store's model_fits.json, the API) and back.
std::string escalationFitJson(const EscalationFitRecord& r);
absl::StatusOr<EscalationFitRecord> parseEscalationFitJson(std::string_view json);

}  // namespace casewatch
