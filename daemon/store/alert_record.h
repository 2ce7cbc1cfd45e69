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

// What `alert_history` keeps of the alert itself: the full object at every workflow change (fire,
// tier change, escalation, ack, owner, silence, resolution), but nothing for the daemon's own
// evidence-only update (action `updated` by `casewatch`: another day overdue, a new score), which
// the alert's row and its next change show. Those updates were over half the rows and most of the
// bytes of a store at scale (111,037 of 200,000 rows, 2,015 bytes of JSON each, at 1M cases:
// bench/run --only restart), and the store's write rate bounds intake. GET /api/v1/alerts/{id}
// shows such a row without `alert`.
inline const std::string& historyJson(const AlertRecord& r) {
  static const std::string none;
  return r.action == "updated" && r.actor == "casewatch" ? none : r.json;
}

// Empty fields match anything.
struct AlertFilter {
  std::string status, tier, model, region, agency;
  bool active_only = false;  // leave out resolved alerts
  size_t limit = 0;          // 0 = no limit
};

}  // namespace casewatch
