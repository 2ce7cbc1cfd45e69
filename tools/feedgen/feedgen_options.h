// What `casewatch feedgen` generates: the size, seed and window of the feed and its optional
// features. Parsed once from the command line (feedgen_command.cc), validated, then read-only.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "base/time.h"

namespace casewatch::feedgen {

struct FeedgenOptions {
  uint64_t cases = 2000;        // case.registered events in the feed (all sources together)
  uint64_t seed = 42;           // same seed, same options -> the same bytes
  CivilDate start{2026, 1, 5};  // first local day of the feed (UTC+08:00)
  int days = 120;               // length of the feed window; nothing is written after it
  int regions = 6;              // county-level regions (1..20)
  bool burst = true;            // one collective petition burst on one matter
  bool raw_persons = false;     // person ids as raw "id:<number>" instead of "p:<hex>"
  // Share of regular cases whose first person comes back once or twice on the same matter (a
  // visit asking after the case, 1-60 days later; never more than two returns in all, counting a
  // visit the lifecycle makes to chase the case): ordinary follow-ups, not repeat petitions.
  // 0 (the default) draws nothing, so the feed of a seed is unchanged.
  double follow_ups = 0;
  // Escalations follow a known logistic model of the case at the self-fit's row moments
  // (tools/feedgen/case_lifecycle.h, kEscalationTruth): ground truth for `casewatch fit
  // escalation`.
  // Off by default, so the feed of a seed is unchanged.
  bool escalation_model = false;
  // Escalations follow a second mechanism, thresholds and interactions of lateness, contacts and
  // decisions (tools/feedgen/case_lifecycle.h, kThresholdEscalation), not a logistic in the
  // model's features: for judging a model on what it was not built for. Not with
  // escalation_model.
  bool escalation_thresholds = false;
  // Share of cases planned to miss a statutory deadline within their first 15 days (a late or
  // missing procedural reply or routing), the others meeting every deadline: an alert-heavy feed
  // for benchmarks (tools/feedgen/planned_fault.h). Unset (the default) keeps the generator's own
  // mix (about 8% of cases overdue), so the feed of a seed is unchanged.
  std::optional<double> overdue_share;
  // Recurring matters planted (tools/feedgen/scenario.h): each draws 6-20 further contacts over 4
  // to 12 weeks, each from a new person (anonymous and unregistered channels give a different id
  // per contact), by phone, online or in person; and four times as many quiet matters, drawing 1-3
  // further contacts from new persons over 1 to 3 months. Both in the truth. 0 (the default)
  // plants none, so the feed of a seed is unchanged.
  int recurring_matters = 0;

  // InvalidArgument with the offending option when out of range.
  absl::Status validate() const;
};

}  // namespace casewatch::feedgen
