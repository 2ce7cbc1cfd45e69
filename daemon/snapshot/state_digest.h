// A stable digest of the state a restart must reproduce: the case state, the visit log, the
// alert book and the workflow's active alerts (ids, status, tier, score, texts, escalation,
// acknowledgement, group, inhibition, silence). Canonical (sorted where the state is a hash
// map), so that a daemon restarted from a snapshot and one that never stopped, fed the same
// events, print the same hex string. Logged at start-up (after recovery) and at a clean stop.
#pragma once

#include <string>

#include "alerts/workflow/alert_workflow.h"
#include "daemon/pipeline.h"

namespace casewatch {

// One digest per part, so that a mismatch names the part that differs; `digest` covers them all.
struct StateDigestParts {
  std::string digest, cases, visits, orphans, alert_book, workflow;
};
StateDigestParts stateDigestParts(const Pipeline& pipeline, const AlertWorkflow& workflow);

std::string stateDigest(const Pipeline& pipeline, const AlertWorkflow& workflow);

}  // namespace casewatch
