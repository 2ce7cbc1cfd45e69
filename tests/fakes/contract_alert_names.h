// The alertnames the contract (shared/contracts/alerts.md) gives the six models. In the daemon they
// come from the model table; tests below daemon/ hand these in, and the table's test checks that
// it yields them (a model added to the table needs no change here).
#pragma once

#include "alerts/alert_names.h"

namespace casewatch::testing {

inline AlertNames::Map contractAlertNameMap() {
  return {{"overdue", "CaseOverdue"},
          {"repeat_visit", "RepeatVisit"},
          {"group_incident", "GroupIncident"},
          {"key_case", "KeyCase"},
          {"escalation_risk", "EscalationRisk"},
          {"stability", "RegionalStability"}};
}

inline AlertNames contractAlertNames() {
  return AlertNames(contractAlertNameMap());
}

}  // namespace casewatch::testing
