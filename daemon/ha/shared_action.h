// A duty officer's action as the two replicas of an HA pair share it (docs/deployment.md "HA
// pair"): the replica whose API took it records it in PostgreSQL (workflow_actions) in the same
// transaction as its alert changes, and the other re-reads it (shared_action_listener.h) and makes
// the same call on its own workflow, so that an ack, a silence or a manual resolution shows on
// both within a second. The record is the call, not its outcome: the other replica's workflow
// decides the changes itself, from the same alerts.
//
// `origin` is the replica that made it (ha.replica): a replica skips its own. A silence carries
// the id, start and author it was given, so that it is the same silence on both (expiring it
// through either replica ends it on both).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "alerts/alert_operations.h"
#include "alerts/silence/silence.h"

namespace casewatch {

struct SharedAction {
  enum class Kind : uint8_t { kAcknowledge, kUnacknowledge, kResolve, kAddSilence, kExpireSilence };
  Kind kind = Kind::kAcknowledge;
  std::string origin;
  std::string by;
  std::string alert_id;    // acknowledge, unacknowledge, resolve
  std::string note;        // acknowledge, resolve
  Silence silence;         // add silence: as the workflow kept it (id, start, author)
  std::string silence_id;  // expire silence

  std::string toJson() const;
  // InvalidArgument for text this casewatch did not write (a newer or foreign record).
  static absl::StatusOr<SharedAction> fromJson(std::string_view json);

  // Makes the call on `ops` (the workflow of the replica that did not make it). An action the
  // workflow already reflects (the silence is there; the alert is already acknowledged) comes back
  // as the workflow's FailedPrecondition, or OK for the silence, and changes nothing.
  absl::Status applyTo(AlertOperations& ops) const;
};

std::string_view sharedActionKindName(SharedAction::Kind k);

}  // namespace casewatch
