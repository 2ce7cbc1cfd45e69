// An alert as the SQLite alert store (sqlite_alert_store.h) keeps it: its current row and each
// change in its history, and the filter the HTTP API lists alerts by.
#pragma once

#include <cstdint>
#include <string>

#include "base/time.h"

namespace casewatch {

// One change to an alert: upserts its row in `alerts` (the alert fields) and appends a row to
// `alert_history` (who, what, when). Loaded from `alerts`, the change fields are empty; loaded from
// `alert_history`, only alert_id, status, tier, json and the change fields are set. Times in the
// text fields are RFC 3339 as the caller gives them; write them in UTC so that they sort.
struct AlertRecord {
  std::string alert_id, model, status, tier, subject_kind, subject_id, region, agency, starts_at,
      updated_at;
  std::string json;  // the full alert object (shared/contracts/alerts.md)
  std::string actor, action, note;
  TimeMs at = 0;
  // The change's seq (AlertChange::seq; 0 = none, e.g. a duty officer's action before its commit).
  // The PostgreSQL store keeps one history row per (alert, seq, action): the two replicas of an
  // HA pair decide and record the same changes at the same seq. The SQLite store ignores it.
  uint64_t seq = 0;
};

// Empty fields match anything.
struct AlertFilter {
  std::string status, tier, model, region, agency;
  bool active_only = false;  // leave out resolved alerts
  size_t limit = 0;          // 0 = no limit
};

}  // namespace casewatch
