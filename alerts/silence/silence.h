// A silence: label matchers, an author, a reason and an expiry (as in Alertmanager). While an
// active silence matches an alert, the alert's status is `silenced`: it is still recorded and
// published on the bus, but not notified (console, Alertmanager) and not escalated.
//
// An alert's labels: alertname, model, tier, severity, subject_kind, subject_id, region, agency,
// category (see alerts/alert_labels.h).
#pragma once

#include <string>
#include <vector>

#include "base/time.h"

namespace casewatch {

struct SilenceMatcher {
  std::string name;
  std::string value;
  bool is_regex = false;  // RE2 regex, anchored (matches the whole value); silence_regex.h
};

struct Silence {
  std::string id;  // assigned when created
  std::vector<SilenceMatcher> matchers;
  TimeMs starts_at = 0;
  TimeMs ends_at = 0;
  std::string created_by;
  std::string comment;
  TimeMs expired_at = 0;  // set when deleted before ends_at
  std::string expired_by;
  bool active(TimeMs now) const { return starts_at <= now && now < ends_at && expired_at == 0; }
};

}  // namespace casewatch
