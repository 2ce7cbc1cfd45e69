// Records for the alert store's tests (both engines): a dead letter and an alert change, each
// with every field set, so that a round trip checks them all.
//
// Header-only.
#pragma once

#include <string>
#include <utility>

#include "base/time.h"
#include "daemon/store/alert_record.h"
#include "daemon/store/dead_letter.h"

namespace casewatch::testing {

// The i-th dead letter of a feed of bad JSON, `raw` as received (truncated: raw_size is larger).
inline DeadLetter storedDeadLetter(int i, std::string raw) {
  DeadLetter d;
  d.received_at = 1772586900000 + i * 1001;  // includes milliseconds
  d.feed = "zmq-main";
  d.reason = "invalid_json";
  d.detail = "invalid_json: at byte " + std::to_string(i);
  d.raw_size = raw.size() + 100;  // as if truncated
  d.raw = std::move(raw);
  return d;
}

// A change of alert `id` to `status` (orange while firing, red otherwise) by `actor` at `at`.
inline AlertRecord storedAlertChange(const std::string& id, const std::string& status,
                                     const std::string& actor, const std::string& note, TimeMs at) {
  AlertRecord a;
  a.alert_id = id;
  a.model = "overdue";
  a.status = status;
  a.tier = status == "firing" ? "orange" : "red";
  a.subject_kind = "case";
  a.subject_id = "C-" + id;
  a.region = "330102";
  a.agency = "bureau-1";
  a.starts_at = "2026-03-04T01:00:00Z";
  a.updated_at = formatRfc3339(at);
  a.json = R"({"v":1,"alert_id":")" + id + R"(","status":")" + status + "\"}";
  a.actor = actor;
  a.action = status == "firing" ? "fire" : status;
  a.note = note;
  a.at = at;
  return a;
}

}  // namespace casewatch::testing
