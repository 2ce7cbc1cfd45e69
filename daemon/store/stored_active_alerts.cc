#include "daemon/store/stored_active_alerts.h"

#include <spdlog/spdlog.h>

#include "alerts/alert_json.h"

namespace casewatch {

absl::StatusOr<StoredActiveAlerts> readActiveAlerts(AlertStore& store) {
  StoredActiveAlerts out;
  size_t unreadable = 0;
  absl::Status s = store.forEachActiveAlertJson([&](std::string_view json) {
    auto a = alertFromJson(json, AlertJsonRead::kWithoutEvidence);
    if (a.ok()) {
      out.json_by_id.insert_or_assign(a->alert_id, std::string(json));
      out.alerts.push_back(std::move(*a));
    } else {
      ++unreadable;
    }
  });
  if (!s.ok()) return s;
  if (unreadable > 0) {
    spdlog::warn("{} stored active alerts are unreadable and left out of the reconciliation.",
                 unreadable);
  }
  return out;
}

void StoredActiveAlerts::makeWhole(Alert& a) const {
  auto it = json_by_id.find(a.alert_id);
  if (it == json_by_id.end()) return;
  auto whole = alertFromJson(it->second);
  if (whole.ok()) a = std::move(*whole);
}

}  // namespace casewatch
