// Grouping (config `grouping:`): an alert of a parent model on a matter (a collective petition,
// group_incident; a matter that keeps coming back, recurring_matter) gathers the alerts of the
// member models on that matter (the persons who keep coming back, repeat_visit) under it. A
// parent's group is itself; a member's group is the first parent on its matter, if any.
//
// A member's matter: its subject when the subject kind is `matter`, otherwise the string value
// of its reason with code `matter` (repeat_visit's person alerts carry one). An alert without a
// matter is in no group.
//
// An index, not a scan: matter -> (parents, members). Not thread-safe (the pipeline's thread).
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "alerts/alert.h"
#include "alerts/grouping/grouping_config.h"
#include "base/state_archive.h"

namespace casewatch {

class Grouper {
 public:
  explicit Grouper(GroupingConfig config) : config_(std::move(config)) {}

  enum class Role : uint8_t { kNone, kParent, kMember };
  Role roleOf(const Alert& a) const;
  // The matter `a` is grouped by ("" for none).
  static std::string matterOf(const Alert& a);

  // Tracks `a` (idempotent). Returns the other alerts whose group may have changed (for a new
  // parent: the members of its matter).
  std::vector<std::string> add(const Alert& a);
  // Stops tracking an alert. Returns the other alerts whose group may have changed.
  std::vector<std::string> remove(const std::string& alert_id);
  // The group (a parent's alert id) of a tracked alert; "" when none.
  std::string groupOf(const std::string& alert_id) const;
  size_t tracked() const { return alerts_.size(); }

  // Snapshot (base/state_archive.h): what it tracks; the configuration stays as constructed.
  void save(ArchiveOut& out) const;
  bool load(ArchiveIn& in);

 private:
  struct Matter {
    std::vector<std::string> parents;  // in arrival order; the first is the group
    absl::flat_hash_set<std::string> members;
  };
  struct Tracked {
    Role role = Role::kNone;
    std::string matter;
  };
  GroupingConfig config_;
  absl::flat_hash_map<std::string, Matter> matters_;
  absl::flat_hash_map<std::string, Tracked> alerts_;
};

}  // namespace casewatch
