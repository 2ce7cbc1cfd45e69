// An alert per the alert contract (shared/contracts/alerts.md, version 1): the state of one risk on
// one subject, identified by a stable fingerprint of (model, subject) and updated in place.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/alert_reasons.h"
#include "base/local_text.h"
#include "base/time.h"
#include "models/signal.h"

namespace casewatch {

enum class AlertStatus : uint8_t { kFiring, kAcknowledged, kEscalated, kResolved, kSilenced };
std::string_view alertStatusName(AlertStatus s);
bool alertStatusFromName(std::string_view s, AlertStatus& out);

struct AlertEscalation {
  int level = 0;
  std::string target;
  TimeMs at = 0;
  // The last reminder at the end of the chain (0 = none yet). An extension of the contract's
  // `escalation` object ("reminded_at"): with it a restart resumes the reminders where they were.
  TimeMs reminded_at = 0;
};
struct AlertAck {
  std::string by;
  TimeMs at = 0;
  std::string note;
};

struct Alert {
  std::string alert_id;
  AlertStatus status = AlertStatus::kFiring;
  std::string model;
  Tier tier = Tier::kNone;
  SubjectKind subject_kind = SubjectKind::kCase;
  std::string subject_id;
  double score = 0;
  std::string region, agency, category;
  TimeMs starts_at = 0;
  TimeMs updated_at = 0;
  AlertReasons reasons;
  std::vector<Action> actions;
  LocalText summary;  // JSON `summary: {"en": ..., "zh-CN": ..., <other locales>}`
  std::optional<AlertEscalation> escalation;
  std::optional<AlertAck> ack;
  // Workflow extensions (alerts/workflow/): empty when not applicable.
  std::string group_id;      // JSON `group: {id}`: the group alert this one is grouped under
  std::string inhibited_by;  // JSON `inhibited_by`: the alert that inhibits this one
  std::string silenced_by;   // JSON `silenced_by`: the silence that matches this one
  // Not in the JSON: the alert book's count of the evidence updates it made, so that the workflow
  // copies evidence (reasons, actions, summary) only when it changed.
  uint64_t evidence_rev = 0;
  // Not in the JSON nor a snapshot: a hash of the signal the book last worded it from (0: none
  // known), so that a signal with the same evidence is not worded again (alert_book.cc).
  uint64_t evidence_hash = 0;

  bool active() const { return status != AlertStatus::kResolved; }
};

// The stable fingerprint: 16 hex digits of BLAKE2b over (model, subject kind, subject id).
std::string alertFingerprint(std::string_view model, SubjectKind kind, std::string_view subject);
// The same 8 bytes as a number (the alert book's key: no string to hash or compare per signal),
// and the conversions between the two forms; alertKeyOfId is false for an id that is not 16
// lowercase hex digits.
uint64_t alertKey(std::string_view model, SubjectKind kind, std::string_view subject);
std::string alertIdOfKey(uint64_t key);
bool alertKeyOfId(std::string_view id, uint64_t& key);

// What happened to an alert; each change is published, stored and recorded with who and when.
enum class ChangeKind : uint8_t {
  kFired,
  kTierChanged,
  kResolved,
  kAcknowledged,
  kUnacknowledged,
  kEscalated,
  kSilenced,
  kUnsilenced,
  kUpdated
};
std::string_view changeKindName(ChangeKind k);

struct EncodedAlert;  // alerts/alert_json.h

struct AlertChange {
  Alert alert;  // the alert after the change
  ChangeKind kind = ChangeKind::kFired;
  std::string actor = "casewatch";  // "casewatch" for the daemon's own decisions
  std::string note;
  TimeMs at = 0;
  // Routing (not stored): false = recorded and published on the bus, but not sent to the sinks
  // that notify people (a silenced or inhibited alert, or bookkeeping such as grouping).
  bool notify = true;
  // A target told at once (e.g. "leadership" when an alert turns red); also published on the bus
  // topic `escalation.notice`.
  std::string notice;
  // The change's place in the daemon's history (0 = none): it only grows, and a change sent again
  // after a crash carries the same seq, so a bus consumer drops a seq it has already seen.
  uint64_t seq = 0;
  // The alert's JSON, encoded once when the change is recorded (null before) and shared, read-only,
  // by the store, the bus and the API (alerts/alert_json.h: alertJsonOf).
  std::shared_ptr<const EncodedAlert> encoded;
};

}  // namespace casewatch
