// Inhibition (config `inhibition:`): an alert at min_tier or above inhibits the lower-tier alerts
// of other models on the same subject (kind and id). An inhibited alert keeps its status and is
// still recorded and published on the bus, with `inhibited_by` naming the inhibiting alert, but it
// is not notified or escalated. The tiers used are the models' current ones (the alert book's),
// so inhibition follows the evidence, not a held display tier.
//
// An index subject -> alerts; a subject has at most one alert per model, so every question is
// answered from a handful of entries. Not thread-safe (the pipeline's thread).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "alerts/alert.h"
#include "base/state_archive.h"

namespace casewatch {

class Inhibitor {
 public:
  Inhibitor(bool enabled, Tier min_tier) : enabled_(enabled), min_tier_(min_tier) {}

  // Records (or updates) an alert's tier. Returns every alert on its subject (itself included):
  // their inhibitor may have changed.
  std::vector<std::string> update(const Alert& a, Tier tier);
  // Forgets an alert; returns the other alerts on its subject.
  std::vector<std::string> remove(const std::string& alert_id);
  // The alert that inhibits `alert_id` ("" when none): among the other models' alerts on the
  // subject at min_tier or above and above this one's tier, the highest tier, then the smallest id.
  std::string inhibitorOf(const std::string& alert_id) const;
  // inhibitorOf() of every alert that has one, by alert id, in one pass over the subjects (a
  // restart asks it of 200k alerts at a million cases: two string lookups each took a third of
  // the reconciliation). The views last until the next update() or remove().
  absl::flat_hash_map<std::string_view, std::string_view> inhibitors() const;

  // Snapshot (base/state_archive.h): what it tracks; the configuration stays as constructed.
  void save(ArchiveOut& out) const;
  bool load(ArchiveIn& in);

 private:
  struct Member {
    std::string id;
    std::string model;
    Tier tier = Tier::kNone;
  };
  static std::string subjectKey(const Alert& a);
  std::vector<std::string> idsOn(const std::vector<Member>& members) const;
  // The member that inhibits `self` among `members` (nullptr when none).
  const Member* inhibitorAmong(const std::vector<Member>& members, const Member& self) const;

  bool enabled_;
  Tier min_tier_;
  absl::flat_hash_map<std::string, std::vector<Member>> subjects_;
  absl::flat_hash_map<std::string, std::string> subject_of_;  // alert id -> subject key
};

}  // namespace casewatch
