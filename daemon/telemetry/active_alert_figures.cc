#include "daemon/telemetry/active_alert_figures.h"

#include <string_view>

namespace casewatch {
namespace {

// The overdue model names a missed step in a reason `<step>_days_overdue` (models/overdue).
constexpr std::string_view kOverdueSuffix = "_days_overdue";

}  // namespace

void ActiveAlertFigures::add(const Alert& a) {
  ++by_model_tier[{a.model, a.tier}];
  ++by_region[{a.model, a.tier, a.region}];
  if (a.model == "overdue") {
    for (const AlertReason& r : a.reasons) {
      if (r.code.size() > kOverdueSuffix.size() && r.code.ends_with(kOverdueSuffix)) {
        ++overdue_by_agency_step[{a.region, a.agency,
                                  r.code.substr(0, r.code.size() - kOverdueSuffix.size())}];
      }
    }
  } else if (a.model == "group_incident") {
    ++incidents_by_region_category[{a.region, a.category}];
  } else if (a.model == "key_case") {
    for (const AlertReason& r : a.reasons) {
      if (r.code == "unowned_events") ++unowned_key_cases[a.region];
    }
  }
}

}  // namespace casewatch
