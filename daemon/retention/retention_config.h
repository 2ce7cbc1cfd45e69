// retention: how long casewatch keeps what it holds about petitioners' cases (issue 12, item 4).
// casewatch is a monitoring tool, not the records office: the case file of record (信访档案) is
// kept by the agencies' own systems under their archive rules, so casewatch keeps a case only as
// long as its models and the duty officers' follow-up need it. A daily purge (daemon/retention/)
// applies these on the injected clock. Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct RetentionConfig {
  // A closed (or rejected) case is forgotten this many days after its close: two years outlast
  // every window a model looks back on (180 days), the review and re-review periods (30 + 30 days)
  // and one annual assessment plus the year compared with it. 0 = keep forever.
  int closed_case_days = 730;
  // Resolved alerts and their history (who did what, when) go this many days after their last
  // change: three years, the accountability audit of duty officers' handling. 0 = keep forever.
  int alert_history_days = 1095;
  // Dead letters (rejected events, already sanitised) go after this many days: a quarter, enough to
  // diagnose a feed. 0 = keep forever (the store's count cap still applies).
  int dead_letter_days = 90;
  friend bool operator==(const RetentionConfig&, const RetentionConfig&) = default;
};

void decodeConfig(MapReader& r, RetentionConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const RetentionConfig& c);
void writeConfig(ConfigWriter& w, const RetentionConfig& c);

}  // namespace casewatch
