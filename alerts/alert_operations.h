// What duty officers (through the HTTP API and the `casewatch` client) can do with alerts.
// Implemented by the daemon's App; every call runs on the io_context thread (the HTTP server runs
// on the same io_context), so implementations need no locks. Every change is recorded in the store
// with who (`by`: the API token's name) and when, and published like any alert change.
//
// Errors: NotFound for an unknown id, InvalidArgument for a malformed request, FailedPrecondition
// for an action that does not apply (e.g. ack of a resolved alert).
#pragma once

#include <string>
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
};

}  // namespace casewatch
