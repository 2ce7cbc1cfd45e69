// The Alertmanager API v2 form of an alert (POST /api/v2/alerts takes a JSON array of these):
//   labels       alertname, model, tier, severity, subject_kind, subject_id, region, agency (the
//                last two only when known), and `group` (the group alert's id) when grouped;
//   annotations  summary (in the configured locale), description (the reasons), actions (codes),
//                status, and ack_by / escalated_to when they apply;
//   startsAt, endsAt, generatorURL (<base>/api/v1/alerts/<id>, the daemon's alert API).
// An alert is active in Alertmanager while it is active here and neither silenced nor inhibited;
// its endsAt is then four resend intervals ahead (as Prometheus does), so that it lapses if the
// daemon goes away. Otherwise endsAt is when it ended (never before startsAt, never after now).
//
// Stateless functions; any thread.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "alerts/alert.h"
#include "alerts/alert_names.h"

namespace casewatch {

struct AlertmanagerPayloadOptions {
  std::string generator_base;  // e.g. http://127.0.0.1:9470
  std::string locale = "en";
  TimeMs resend_interval_ms = 60000;
  AlertNames alert_names;  // the model table's alertnames
};

using LabelSet = std::vector<std::pair<std::string, std::string>>;  // sorted by name

LabelSet alertmanagerLabels(const Alert& a, const AlertNames& names);
// The label set as one string: the identity of the alert in Alertmanager.
std::string labelSetKey(const LabelSet& labels);
// Whether the alert should be firing in Alertmanager.
bool alertmanagerActive(const Alert& a);
// One alert object; `now` is the wall clock at sending.
std::string alertmanagerAlertJson(const Alert& a, const AlertmanagerPayloadOptions& opts,
                                  TimeMs now);
// The request body: a JSON array.
std::string alertmanagerBody(std::span<const AlertChange* const> changes,
                             const AlertmanagerPayloadOptions& opts, TimeMs now);

}  // namespace casewatch
