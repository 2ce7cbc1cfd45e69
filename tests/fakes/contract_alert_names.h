// The alertnames the contract (shared/contracts/alerts.md) gives the six models. In the daemon they
// come from the model table; tests below daemon/ hand these in, and the table's test checks that
// it yields the same.
#pragma once

#include "alerts/alert_names.h"

namespace casewatch::testing {

inline AlertNames contractAlertNames() {
  return AlertNames({{"overdue", "CaseOverdue"},
                     {"repeat_visit", "RepeatVisit"},
                     {"group_incident", "GroupIncident"},
                     {"key_case", "KeyCase"},
                     {"escalation_risk", "EscalationRisk"},
                     {"stability", "RegionalStability"}});
}

}  // namespace casewatch::testing
