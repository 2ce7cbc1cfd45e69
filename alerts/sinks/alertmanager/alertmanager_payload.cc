#include "alerts/sinks/alertmanager/alertmanager_payload.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "alerts/alert_labels.h"
#include "base/str_cat.h"

namespace casewatch {
namespace {

nlohmann::json payload(const Alert& a, const AlertmanagerPayloadOptions& opts, TimeMs now) {
  nlohmann::json labels = nlohmann::json::object();
  for (auto& [name, value] : alertmanagerLabels(a, opts.alert_names)) labels[name] = value;
  std::string description;
  for (const AlertReason& r : a.reasons) {
    const std::string& text = r.text.get(opts.locale);
    if (!text.empty()) strAppend(description, description.empty() ? "" : "; ", text);
  }
  std::string actions;
  for (Action act : a.actions) strAppend(actions, actions.empty() ? "" : ", ", actionName(act));
  nlohmann::json annotations = {{"summary", a.summary.get(opts.locale)},
                                {"description", description},
                                {"actions", actions},
                                {"status", alertStatusName(a.status)}};
  if (a.ack) annotations["ack_by"] = a.ack->by;
  if (a.escalation) annotations["escalated_to"] = a.escalation->target;
  TimeMs ends;
  if (alertmanagerActive(a)) {
    ends = std::max(now, a.starts_at) + 4 * opts.resend_interval_ms;
  } else {
    const TimeMs ended = a.status == AlertStatus::kResolved ? std::min(a.updated_at, now) : now;
    ends = std::max(ended, a.starts_at);
  }
  return {{"labels", std::move(labels)},
          {"annotations", std::move(annotations)},
          {"startsAt", formatRfc3339(a.starts_at, 0)},
          {"endsAt", formatRfc3339(ends, 0)},
          {"generatorURL", strCat(opts.generator_base, "/api/v1/alerts/", a.alert_id)}};
}

}  // namespace

LabelSet alertmanagerLabels(const Alert& a, const AlertNames& names) {
  LabelSet labels;
  for (std::string_view name : {"alertname", "model", "tier", "severity", "subject_kind",
                                "subject_id", "region", "agency"}) {
    std::string value = alertLabel(a, name, names);
    if (!value.empty()) labels.emplace_back(std::string(name), std::move(value));
  }
  if (!a.group_id.empty()) labels.emplace_back("group", a.group_id);
  std::sort(labels.begin(), labels.end());
  return labels;
}

std::string labelSetKey(const LabelSet& labels) {
  std::string key;
  for (const auto& [name, value] : labels) strAppend(key, name, '\x1f', value, '\x1e');
  return key;
}

bool alertmanagerActive(const Alert& a) {
  return a.active() && a.status != AlertStatus::kSilenced && a.inhibited_by.empty();
}

std::string alertmanagerAlertJson(const Alert& a, const AlertmanagerPayloadOptions& opts,
                                  TimeMs now) {
  return payload(a, opts, now).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string alertmanagerBody(std::span<const AlertChange* const> changes,
                             const AlertmanagerPayloadOptions& opts, TimeMs now) {
  nlohmann::json arr = nlohmann::json::array();
  for (const AlertChange* c : changes) arr.push_back(payload(c->alert, opts, now));
  return arr.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace casewatch
