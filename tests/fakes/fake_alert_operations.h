// An in-memory AlertOperations for tests of the HTTP API and its clients: alerts, silences and the
// ledger as the test seeds them, the workflow's rules in their simplest form (ack needs an active,
// unacknowledged alert; unack an acknowledged one; an expired silence cannot expire again), and a
// record of every successful change (who, what) so that a test can prove a refused request changed
// nothing.
//
// Header-only. Thread-safe (a mutex): the server calls it on its io_context thread while the test
// thread inspects it.
#pragma once

#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "alerts/alert_operations.h"
#include "base/str_cat.h"
#include "daemon/health/readiness.h"

namespace casewatch::testing {

class FakeAlertOperations final : public AlertOperations {
 public:
  // --- set-up ---
  void addAlert(Alert a) {
    std::lock_guard lock(mu_);
    alerts_.push_back(std::move(a));
  }
  void addLedgerEntry(LedgerEntry e) {
    std::lock_guard lock(mu_);
    ledger_.push_back(std::move(e));
  }
  void addSilenceForTest(Silence s) {
    std::lock_guard lock(mu_);
    silences_.push_back(std::move(s));
  }
  void setReady(bool ready) {
    std::lock_guard lock(mu_);
    ready_ = ready;
  }
  void setNow(TimeMs now) {
    std::lock_guard lock(mu_);
    now_ = now;
  }
  // Forgets everything (alerts, silences, ledger, the change record).
  void clear() {
    std::lock_guard lock(mu_);
    alerts_.clear();
    silences_.clear();
    ledger_.clear();
    changes_.clear();
    next_silence_ = 1;
  }

  // --- observation ---
  // Every successful change, as "<action> <id> by=<who> note=<note>".
  std::vector<std::string> changes() const {
    std::lock_guard lock(mu_);
    return changes_;
  }
  std::optional<Alert> alert(const std::string& id) const {
    std::lock_guard lock(mu_);
    for (const Alert& a : alerts_) {
      if (a.alert_id == id) return a;
    }
    return std::nullopt;
  }
  std::vector<Alert> allAlerts() const {
    std::lock_guard lock(mu_);
    return alerts_;
  }
  std::vector<Silence> allSilences() const {
    std::lock_guard lock(mu_);
    return silences_;
  }

  // --- AlertOperations ---
  std::vector<Alert> activeAlerts() const override {
    std::lock_guard lock(mu_);
    std::vector<Alert> out;
    for (const Alert& a : alerts_) {
      if (a.active()) out.push_back(a);
    }
    return out;
  }

  absl::StatusOr<Alert> acknowledge(const std::string& id, const std::string& by,
                                    const std::string& note) override {
    std::lock_guard lock(mu_);
    Alert* a = find(id);
    if (a == nullptr) return absl::NotFoundError(strCat("no alert ", id));
    if (!a->active()) return absl::FailedPreconditionError("the alert is resolved");
    if (a->ack) return absl::FailedPreconditionError("already acknowledged");
    a->ack = AlertAck{by, now_, note};
    a->status = AlertStatus::kAcknowledged;
    a->updated_at = now_;
    changes_.push_back(strCat("ack ", id, " by=", by, " note=", note));
    return *a;
  }

  absl::StatusOr<Alert> unacknowledge(const std::string& id, const std::string& by) override {
    std::lock_guard lock(mu_);
    Alert* a = find(id);
    if (a == nullptr) return absl::NotFoundError(strCat("no alert ", id));
    if (!a->ack) return absl::FailedPreconditionError("not acknowledged");
    a->ack.reset();
    a->status = AlertStatus::kFiring;
    a->updated_at = now_;
    changes_.push_back(strCat("unack ", id, " by=", by));
    return *a;
  }

  absl::StatusOr<Alert> resolve(const std::string& id, const std::string& by,
                                const std::string& note) override {
    std::lock_guard lock(mu_);
    Alert* a = find(id);
    if (a == nullptr) return absl::NotFoundError(strCat("no alert ", id));
    if (!a->active()) return absl::FailedPreconditionError("already resolved");
    a->status = AlertStatus::kResolved;
    a->updated_at = now_;
    changes_.push_back(strCat("resolve ", id, " by=", by, " note=", note));
    return *a;
  }

  std::vector<Silence> silences() const override {
    std::lock_guard lock(mu_);
    return silences_;
  }

  absl::StatusOr<Silence> addSilence(Silence s, const std::string& by) override {
    std::lock_guard lock(mu_);
    s.id = strCat("s", next_silence_++);
    s.created_by = by;
    silences_.push_back(s);
    changes_.push_back(strCat("silence ", s.id, " by=", by, " note=", s.comment));
    return s;
  }

  absl::Status expireSilence(const std::string& id, const std::string& by) override {
    std::lock_guard lock(mu_);
    for (Silence& s : silences_) {
      if (s.id != id) continue;
      if (s.expired_at != 0) return absl::FailedPreconditionError("already expired");
      s.expired_at = now_;
      s.expired_by = by;
      changes_.push_back(strCat("expire ", id, " by=", by));
      return absl::OkStatus();
    }
    return absl::NotFoundError(strCat("no silence ", id));
  }

  std::vector<LedgerEntry> ledger() const override {
    std::lock_guard lock(mu_);
    return ledger_;
  }

  // Not an AlertOperations call: what the API's readiness function answers in tests.
  Readiness readiness() const {
    std::lock_guard lock(mu_);
    return ready_ ? Readiness{} : Readiness{{"feed f1: not connected to tcp://127.0.0.1:1"}};
  }

 private:
  Alert* find(const std::string& id) {
    for (Alert& a : alerts_) {
      if (a.alert_id == id) return &a;
    }
    return nullptr;
  }

  mutable std::mutex mu_;
  std::vector<Alert> alerts_;
  std::vector<Silence> silences_;
  std::vector<LedgerEntry> ledger_;
  std::vector<std::string> changes_;
  bool ready_ = true;
  TimeMs now_ = 0;
  int next_silence_ = 1;
};

}  // namespace casewatch::testing
