// Training rows for the escalation_risk model from an event history (JSON Lines, the feed
// contract), built with the daemon's own case state (state/case_store.h) and feature code
// (models/escalation_risk/escalation_features.h).
//
// Replay: every line is decoded as the daemon decodes it (a line that the daemon would reject is an
// error here, naming the line: an analyst's history should be clean); a repeated event_id is
// skipped; an event for a case not yet registered is skipped and counted (orphan).
//
// Rows and labels: models/escalation_risk/escalation_rows.h (the daemon's own row taker, so the
// daemon's self-fit rows are reproduced from the same history). Rows still waiting for their
// label when the history ends are left out (right-censored), and so are those labelled 1 whose
// window was still open then (their twins that would be 0 are still waiting).
//
// Rows of one case are correlated; `groups` holds the case of each row so that the held-out split
// keeps a case's rows together.
#pragma once

#include <cstdint>
#include <istream>
#include <vector>

#include <Eigen/Dense>

#include "absl/status/statusor.h"
#include "models/clocks_config.h"
#include "models/escalation_risk/escalation_rows.h"

namespace casewatch::fit {

struct EscalationHistoryOptions {
  int horizon_days = 30;
  int row_every_days = 10;           // as models.escalation_risk.learn.row_every_days
  ClocksConfig clocks;               // statutory days for days_overdue
  double visit_half_life_days = 30;  // as models.escalation_risk.visit_half_life_days
};

struct EscalationRows {
  Eigen::MatrixXd x;  // rows × kEscalationFeatureCount, in escalationFeatureNames()
  Eigen::VectorXd y;
  std::vector<uint64_t> groups;  // the case of each row (a hash of its case_id)
  // The rows themselves, in the order they were labelled; x, y and groups hold those of them
  // whose window closed by the history's last event (the others are counted in `censored`).
  std::vector<EscalationRow> list;
  size_t events = 0;
  size_t duplicates = 0;
  size_t orphans = 0;
  size_t cases = 0;
  size_t censored = 0;  // rows left out: their window still open at the end of the history
};

// InvalidArgument naming the line for an event that does not decode; horizon_days < 1.
absl::StatusOr<EscalationRows> escalationRowsFromHistory(std::istream& in,
                                                         const EscalationHistoryOptions& options);

}  // namespace casewatch::fit
