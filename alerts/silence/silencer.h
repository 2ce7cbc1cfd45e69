// The silences in force: validation, matching against an alert's labels (alerts/alert_labels.h),
// expiry, and their persistent form. A silence is active from starts_at until ends_at or until it
// is expired by hand; an ended silence is kept for `retention` for the record, then forgotten.
//
// Matching: every matcher must match; a label the alert lacks has the value "" (as in
// Alertmanager); `is_regex` matchers are regexes matched against the whole value, by RE2 in
// linear time (silence_regex.h says why and what is refused).
// A silence must have a matcher that does not match "" so that one silence cannot mute
// everything by accident.
//
// Owned by the AlertWorkflow; not thread-safe (the pipeline's thread). The regexes are compiled
// once, when a silence is added or loaded.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "alerts/alert.h"
#include "alerts/alert_names.h"
#include "alerts/silence/silence.h"
#include "alerts/silence/silence_regex.h"

namespace casewatch {

class Silencer {
 public:
  // `names` give the alertname label that matchers see (the model table's, handed down).
  Silencer(TimeMs retention_ms, AlertNames names)
      : retention_ms_(retention_ms), names_(std::move(names)) {}
  // A reload's new retention; ended silences are kept or forgotten by it from the next collection.
  void setRetention(TimeMs retention_ms) { retention_ms_ = retention_ms; }
  // A reload's model names; matching uses them from the next match.
  void setAlertNames(AlertNames names) { names_ = std::move(names); }

  // Validates `s` (InvalidArgument naming the field), assigns its id (when empty: an HA pair's
  // replica adds the other's silence with its id), author and (when 0) its start, and keeps it.
  absl::StatusOr<Silence> add(Silence s, const std::string& by, TimeMs now);
  // Ends a silence now. NotFound for an unknown id, FailedPrecondition for one already ended.
  absl::StatusOr<Silence> expire(const std::string& id, const std::string& by, TimeMs now);

  // The id of the earliest-created silence active at `now` that matches `a`; empty when none.
  std::string match(const Alert& a, TimeMs now) const;
  const Silence* find(const std::string& id) const;
  // Every silence kept, newest first.
  std::vector<Silence> list() const;
  size_t size() const { return silences_.size(); }
  // Forgets the silences that ended more than the retention ago; returns how many.
  size_t collectGarbage(TimeMs now);

  // Persistent form (a JSON array; times in ms since the epoch), and back. loadJson replaces the
  // content; a silence that no longer validates (say, a bad regex) is skipped and reported.
  std::string toJson() const;
  absl::Status loadJson(std::string_view json);

  // Whether one silence's matchers match `a` (ignores its time window).
  static bool matchesForTest(const Silence& s, const Alert& a, const AlertNames& names);

 private:
  struct Compiled {
    Silence silence;
    // One per matcher; set for is_regex. Shared: compiled once, immutable, and the workflow is
    // copied for an operator action on trial (a copy shares them).
    std::vector<std::shared_ptr<const SilenceRegex>> regexes;
  };
  static absl::StatusOr<Compiled> compile(Silence s);
  static bool matches(const Compiled& c, const Alert& a, const AlertNames& names);
  static TimeMs endOf(const Silence& s) {
    return s.expired_at != 0 && s.expired_at < s.ends_at ? s.expired_at : s.ends_at;
  }

  TimeMs retention_ms_;
  AlertNames names_;
  std::vector<Compiled> silences_;  // in creation order
};

}  // namespace casewatch
