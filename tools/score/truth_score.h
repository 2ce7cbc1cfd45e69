// Scores the alerts of a replay against feedgen's truth (tools/feedgen/truth.h), for the models
// whose planted subjects the truth names. Now: recurring_matter, against the planted recurring
// matters (`recurring_matter` lines: positives) and the planted quiet ones (`quiet_matter`), and,
// when the feed is given, every other matter of the feed that the truth does not name (ordinary
// matters). A subject counts as alerted when the model fired on it at any tier.
//
//   recall            planted recurring matters alerted / planted; also over the "detectable"
//                     ones, whose truth reaches the model's minimum counts (max_returns_30d ≥
//                     min_returns_30d or max_returns_90d ≥ min_returns_90d)
//   false alarms      alerts on quiet matters / quiet matters; alerts on ordinary matters /
//                     ordinary matters
//   other             alerts on matters of other planted subjects (repeat petitioners, bursts):
//                     counted apart, neither hits nor false alarms
//
// Pure functions over the files' text; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace casewatch::score {

struct ScoreOptions {
  std::string model = "recurring_matter";
  int min_returns_30d = 4;  // the model's minimum counts (models.recurring_matter)
  int min_returns_90d = 6;
};

struct MatterScore {
  int planted = 0, detected = 0;
  int detectable = 0, detectable_detected = 0;
  int quiet = 0, quiet_alerted = 0;
  int ordinary = -1, ordinary_alerted = 0;  // -1: no feed given
  int other_alerted = 0;
  std::map<std::string, int> tiers;  // highest tier reached per alerted subject, counted
  std::vector<std::string> missed, false_alarms;  // matter keys
};

// `feed` may be empty (no ordinary matters counted). InvalidArgument names a bad line.
absl::StatusOr<MatterScore> scoreMatters(const ScoreOptions& options, std::string_view truth,
                                         std::string_view alerts, std::string_view feed);
std::string scoreJson(const MatterScore& s);
std::string scoreText(const ScoreOptions& options, const MatterScore& s);

}  // namespace casewatch::score
