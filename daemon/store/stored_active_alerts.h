// The store's active alerts as start-up's reconciliation reads them (daemon/app_recovery.cc).
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "alerts/alert.h"
#include "daemon/store/alert_store.h"

namespace casewatch {

// Each alert parsed without its evidence (AlertJsonRead::kWithoutEvidence: the reconciliation
// compares lifecycles, and the texts were most of the parse of 200k alerts at a million cases),
// its JSON kept by id for the few published whole (resolved while the daemon was down, or by
// hand before it).
struct StoredActiveAlerts {
  std::vector<Alert> alerts;
  absl::flat_hash_map<std::string, std::string> json_by_id;
  // Completes `a` from its stored JSON when it was read here (a no-op for another id).
  void makeWhole(Alert& a) const;
};

// Reads them (any thread; it blocks). One that cannot be read is left out (logged).
absl::StatusOr<StoredActiveAlerts> readActiveAlerts(AlertStore& store);

}  // namespace casewatch
