// The case side of retention (issue 12): once a day on the pipeline's clock (event time in replay
// and tests, the wall clock live), closed and rejected cases whose close is older than
// retention.closed_case_days are forgotten by the case state, the visit log and every model
// (Model::forget), with the persons who had no other case. The store's part (alert history, dead
// letters, training rows of the purged cases) and the snapshot that makes the purge durable are
// the App's (daemon/app_retention.cc), told through PipelineOutput::purged.
//
// Open cases are never purged, however old. The purge is deterministic on the clock, so a replay
// of the journal purges exactly as the live run did.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/time.h"
#include "models/model.h"
#include "state/case_store.h"
#include "state/visit_log.h"

namespace casewatch {

// What one purge did. No person id is kept here; the case ids go to the store (its training rows
// are deleted by case) and are never logged.
struct CasePurge {
  TimeMs at = 0;           // the clock when it ran
  TimeMs case_cutoff = 0;  // cases closed before this went (0: closed_case_days = 0, none)
  size_t cases = 0;
  size_t visits = 0;
  size_t persons = 0;
  std::vector<std::string> case_ids;
};

// Forgets every case closed before `cutoff` (and what refers to it) from `cases`, `visits` and
// `models`. O(cases + visits).
CasePurge purgeClosedCases(TimeMs cutoff, CaseStore& cases, VisitLog& visits,
                           std::span<const std::unique_ptr<Model>> models, ModelContext& ctx);

}  // namespace casewatch
