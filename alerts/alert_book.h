// The book of active alerts: turns model signals into alert changes, worded by the templates it is
// given (alerts/wording/alert_wording.h). The same (model, subject) is
// the same alert (alert_id = fingerprint), updated in place; a publication happens only when
// something a consumer acts on changes (a new alert, a tier change, a resolution) — a signal that
// repeats the current tier updates the numbers silently. This is the seam for the duty officers'
// workflow (acknowledgement, escalation, silences): they act on the book's alerts by id.
//
// Not thread-safe: owned by the pipeline's thread.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "alerts/alert.h"
#include "alerts/wording/phrase_cache.h"
#include "base/state_archive.h"
#include "models/signal.h"

namespace casewatch {

class AlertBook {
 public:
  // The wording of alert texts (must outlive the book; null = the built-in templates). Every
  // active alert is worded again at its next signal, even one with the same evidence.
  void setWording(const AlertWording* wording) {
    words_.setWording(wording);
    for (auto& [key, a] : active_) a.evidence_hash = 0;
  }
  // The cache of worded phrases, for its counts.
  const PhraseCache& words() const { return words_; }

  // Applies a signal; returns the change to publish, if any.
  std::optional<AlertChange> apply(Signal&& s);

  const Alert* find(const std::string& alert_id) const;
  size_t activeCount() const { return active_.size(); }
  // Active alerts per (tier, model) for the gauges.
  template <typename Fn>
  void forEachActive(Fn&& fn) const {
    for (const auto& [key, a] : active_) fn(a);
  }
  // Replaces the book's content (recovery).
  void clear() { active_.clear(); }

  // Snapshot (base/state_archive.h): the active alerts and the evidence counter.
  void save(ArchiveOut& out) const;
  bool load(ArchiveIn& in);

 private:
  // The key of an alert is its id as a number (alertKey), so that a signal hashes and compares no
  // string; an id that is not 16 hex digits (none the book makes) is keyed by its hash.
  static uint64_t keyOf(std::string_view alert_id);
  absl::flat_hash_map<uint64_t, Alert> active_;
  PhraseCache words_;
  uint64_t evidence_rev_ = 0;
};

}  // namespace casewatch
