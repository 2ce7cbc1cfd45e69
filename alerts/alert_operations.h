// What duty officers (through the HTTP API and the `casewatch` client) can do with alerts.
// Implemented by the daemon's App; every call runs on the io_context thread (the HTTP server runs
// on the same io_context), so implementations need no locks. Every change is recorded in the store
// with who (`by`: the API token's name) and when, and published like any alert change.
//
// Errors: NotFound for an unknown id, InvalidArgument for a malformed request, FailedPrecondition
// for an action that does not apply (e.g. ack of a resolved alert), Unavailable when the store
// could not commit the action (then it was not made).
//
// Durable actions: the API makes every changing call (acknowledge, unacknowledge, resolve,
// addSilence, expireSilence) through commitAction(), which calls `done` only once the action's
// changes are committed; the daemon's App makes the action on a trial copy of the workflow,
// commits its changes (synchronous=FULL), and only then makes the copy the workflow and publishes
// the changes (daemon/app_operations.cc).
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "alerts/alert.h"
#include "alerts/silence/silence.h"

namespace casewatch {

// One row of the key-case ledger (台账), filled by the key_case model when it exists.
struct LedgerEntry {
  std::string case_id;
  std::string region, agency, category;
  std::vector<std::string> reasons;  // why the case is on the ledger
  std::string owner;                 // the leader assigned; empty = none
  TimeMs since = 0;
  TimeMs last_activity = 0;
};

// A running model's state as it describes it (Model::stateJson: a JSON object; "" = nothing to
// say), for GET /api/v1/models.
struct ModelState {
  std::string name;
  std::string json;
};

class AlertOperations {
 public:
  virtual ~AlertOperations() = default;
  virtual std::vector<Alert> activeAlerts() const = 0;
  virtual absl::StatusOr<Alert> acknowledge(const std::string& alert_id, const std::string& by,
                                            const std::string& note) = 0;
  virtual absl::StatusOr<Alert> unacknowledge(const std::string& alert_id,
                                              const std::string& by) = 0;
  virtual absl::StatusOr<Alert> resolve(const std::string& alert_id, const std::string& by,
                                        const std::string& note) = 0;
  virtual std::vector<Silence> silences() const = 0;
  virtual absl::StatusOr<Silence> addSilence(Silence silence, const std::string& by) = 0;
  virtual absl::Status expireSilence(const std::string& silence_id, const std::string& by) = 0;
  virtual std::vector<LedgerEntry> ledger() const = 0;
  // The running models' states (what they learnt or use).
  virtual std::vector<ModelState> modelStates() const { return {}; }

  // The digest of the state a restart must reproduce (daemon/snapshot/state_digest.h), with the
  // counts it covers (GET /api/v1/digest). Empty where there is no daemon state (tests, replay).
  struct StateDigest {
    std::string digest;
    uint64_t cases = 0, visits = 0, active_alerts = 0, events_journaled = 0;
    // (part name, its digest): which part differs when two digests do.
    std::vector<std::pair<std::string, std::string>> parts;
  };
  virtual StateDigest stateDigest() const { return {}; }

  // `action` makes one changing call on the operations it is given and returns its error (then
  // nothing changed). `done` runs once, on the same thread as the rest: with that error, with
  // Unavailable when the change could not be made durable (nothing changed, nothing published),
  // or OK once it is committed. `action` may run later (after an action still being committed)
  // and must not keep the operations it is given. This default makes the action at once, with
  // nothing to commit (tests and the replay, which have no store).
  using Action = std::function<absl::Status(AlertOperations&)>;
  using ActionDone = std::function<void(absl::Status)>;
  virtual void commitAction(Action action, ActionDone done) { done(action(*this)); }
};

}  // namespace casewatch
