// The `alertname` label value of each model (CaseOverdue for overdue, ...). The names come from the
// model table (daemon/components.cc, its `alertname` column), handed down at start-up and on a
// reload: alerts/ sits below daemon/ and keeps no list of models of its own. A model the names do
// not know gets its name in UpperCamelCase, so an alert is never without an alertname.
//
// Immutable once built; any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace casewatch {

class AlertNames {
 public:
  using Map = std::map<std::string, std::string, std::less<>>;  // model -> alertname

  AlertNames() = default;
  explicit AlertNames(Map names) : names_(std::move(names)) {}

  std::string of(std::string_view model) const;

  friend bool operator==(const AlertNames&, const AlertNames&) = default;

 private:
  Map names_;
};

}  // namespace casewatch
