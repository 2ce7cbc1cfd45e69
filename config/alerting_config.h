// The configuration of the duty officers' workflow (alerts/workflow/, alerts/escalation/,
// alerts/grouping/, alerts/silence/) and of the Alertmanager sink (alerts/sinks/alertmanager/).
// Plain structs, part of `Config` (config/config.h); decoded and validated by config/loader.cc,
// documented key by key in config/casewatch.yaml. Read-only after loading.
#pragma once

#include <string>
#include <vector>

namespace casewatch {

// workflow: the lifecycle between the alert book and the sinks.
struct WorkflowConfig {
  int min_hold_minutes = 30;       // a lower tier must persist this long before a downgrade shows
  int silence_retention_days = 7;  // an ended silence is kept this long for the record
  friend bool operator==(const WorkflowConfig&, const WorkflowConfig&) = default;
};

// escalation.<tier>: who is told, in order, while an alert stays unacknowledged.
struct TierEscalationConfig {
  std::vector<std::string> chain;           // level 0, 1, 2, ...; chain[0] is told at firing
  std::vector<int> after_minutes;           // minutes in the tier before level 1, 2, ...
  int renotify_minutes = 0;                 // at the chain's end, remind this often; 0 = never
  std::vector<std::string> notify_at_once;  // told at once when an alert reaches the tier
  friend bool operator==(const TierEscalationConfig&, const TierEscalationConfig&) = default;
};

struct EscalationConfig {
  TierEscalationConfig red{
      {"duty_officer", "section_chief", "leadership"}, {30, 120}, 1440, {"leadership"}};
  TierEscalationConfig orange{{"duty_officer", "section_chief", "leadership"}, {240, 1440}, 0, {}};
  TierEscalationConfig yellow{{"duty_officer"}, {}, 0, {}};
  TierEscalationConfig blue{{"duty_officer"}, {}, 0, {}};
  friend bool operator==(const EscalationConfig&, const EscalationConfig&) = default;
};

// grouping: a group alert on a matter gathers the member alerts on that matter under it.
struct GroupingConfig {
  bool enabled = true;
  std::vector<std::string> parent_models{"group_incident"};
  std::vector<std::string> member_models{"repeat_visit"};
  friend bool operator==(const GroupingConfig&, const GroupingConfig&) = default;
};

// inhibition: an alert at min_tier or above inhibits lower tiers of other models on its subject.
struct InhibitionConfig {
  bool enabled = true;
  std::string min_tier = "red";  // blue, yellow, orange or red
  friend bool operator==(const InhibitionConfig&, const InhibitionConfig&) = default;
};

// alertmanager: Prometheus Alertmanager API v2 nodes.
struct AlertmanagerConfig {
  std::vector<std::string> urls;  // http://host:port[/prefix]; empty = off
  int resend_interval_seconds = 60;
  int timeout_ms = 5000;
  int retry_initial_ms = 500;
  int retry_max_ms = 30000;
  std::string external_url;  // generatorURL base; "" = http://<http.listen> (or 127.0.0.1)
  friend bool operator==(const AlertmanagerConfig&, const AlertmanagerConfig&) = default;
};

}  // namespace casewatch
