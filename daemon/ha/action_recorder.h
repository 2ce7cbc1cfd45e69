// The AlertOperations a duty officer's action is made on in an HA pair (daemon/app_operations.cc):
// each call goes to `target` (the trial workflow), and the changing call that succeeded is kept as
// a SharedAction for the other replica (shared_action.h). Reads pass through unrecorded.
//
// Lives for one action, on the io_context; holds `target` by reference.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/ha/shared_action.h"

namespace casewatch {

class ActionRecorder final : public AlertOperations {
 public:
  ActionRecorder(AlertOperations& target, std::string origin)
      : target_(target), origin_(std::move(origin)) {}

  // The changing call that succeeded (nullopt: none, or it was refused).
  const std::optional<SharedAction>& recorded() const { return recorded_; }

  std::vector<Alert> activeAlerts() const override { return target_.activeAlerts(); }
  absl::StatusOr<Alert> acknowledge(const std::string& alert_id, const std::string& by,
                                    const std::string& note) override;
  absl::StatusOr<Alert> unacknowledge(const std::string& alert_id, const std::string& by) override;
  absl::StatusOr<Alert> resolve(const std::string& alert_id, const std::string& by,
                                const std::string& note) override;
  std::vector<Silence> silences() const override { return target_.silences(); }
  absl::StatusOr<Silence> addSilence(Silence silence, const std::string& by) override;
  absl::Status expireSilence(const std::string& silence_id, const std::string& by) override;
  std::vector<LedgerEntry> ledger() const override { return target_.ledger(); }

 private:
  SharedAction base(SharedAction::Kind kind, const std::string& by) const;

  AlertOperations& target_;
  const std::string origin_;
  std::optional<SharedAction> recorded_;
};

}  // namespace casewatch
