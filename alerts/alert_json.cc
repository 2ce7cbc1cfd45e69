#include "alerts/alert_json.h"

#include <nlohmann/json.hpp>

#include "base/str_cat.h"

namespace casewatch {

std::string alertToJson(const Alert& a, const AlertJsonOptions& opts, const ChangeKind* change) {
  // Ordered: fields appear in the contract's order, which is easier to read in logs and files.
  using json = nlohmann::ordered_json;
  json j;
  j["v"] = 1;
  j["alert_id"] = a.alert_id;
  j["status"] = alertStatusName(a.status);
  j["model"] = a.model;
  j["tier"] = tierName(a.tier);
  j["subject"] = {{"kind", subjectKindName(a.subject_kind)}, {"id", a.subject_id}};
  j["score"] = a.score;
  if (!a.region.empty()) j["region"] = a.region;
  if (!a.agency.empty()) j["agency"] = a.agency;
  if (!a.category.empty()) j["category"] = a.category;
  j["starts_at"] = formatRfc3339(a.starts_at, opts.utc_offset_minutes);
  j["updated_at"] = formatRfc3339(a.updated_at, opts.utc_offset_minutes);
  json reasons = json::array();
  for (const AlertReason& r : a.reasons) {
    json jr;
    jr["code"] = r.code;
    if (r.string_value.empty()) {
      jr["value"] = r.number;
    } else {
      jr["value"] = r.string_value;
    }
    jr["text"] = r.text.get(opts.locale);
    for (const auto& [locale, text] : r.text) jr[strCat("text_", locale)] = text;
    reasons.push_back(std::move(jr));
  }
  j["reasons"] = std::move(reasons);
  json actions = json::array();
  for (Action act : a.actions) actions.push_back(actionName(act));
  j["actions"] = std::move(actions);
  json summary = json::object();
  for (const auto& [locale, text] : a.summary) summary[locale] = text;
  j["summary"] = std::move(summary);
  if (a.escalation) {
    j["escalation"] = {{"level", a.escalation->level},
                       {"target", a.escalation->target},
                       {"at", formatRfc3339(a.escalation->at, opts.utc_offset_minutes)}};
    if (a.escalation->reminded_at != 0) {
      j["escalation"]["reminded_at"] =
          formatRfc3339(a.escalation->reminded_at, opts.utc_offset_minutes);
    }
  }
  if (a.ack) {
    j["ack"] = {{"by", a.ack->by},
                {"at", formatRfc3339(a.ack->at, opts.utc_offset_minutes)},
                {"note", a.ack->note}};
  }
  if (!a.group_id.empty()) j["group"] = {{"id", a.group_id}};
  if (!a.inhibited_by.empty()) j["inhibited_by"] = a.inhibited_by;
  if (!a.silenced_by.empty()) j["silenced_by"] = a.silenced_by;
  if (change) j["change"] = changeKindName(*change);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

absl::StatusOr<Alert> alertFromJson(std::string_view text) {
  using nlohmann::json;
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return absl::InvalidArgumentError("alert: not a JSON object");
  Alert a;
  try {
    a.alert_id = j.at("alert_id").get<std::string>();
    if (!alertStatusFromName(j.at("status").get<std::string>(), a.status)) {
      return absl::InvalidArgumentError("alert: bad status");
    }
    a.model = j.at("model").get<std::string>();
    if (!tierFromName(j.at("tier").get<std::string>(), a.tier)) {
      return absl::InvalidArgumentError("alert: bad tier");
    }
    const std::string kind = j.at("subject").at("kind").get<std::string>();
    for (uint8_t k = 0; k < 5; ++k) {
      if (subjectKindName(static_cast<SubjectKind>(k)) == kind)
        a.subject_kind = static_cast<SubjectKind>(k);
    }
    a.subject_id = j.at("subject").at("id").get<std::string>();
    a.score = j.value("score", 0.0);
    a.region = j.value("region", "");
    a.agency = j.value("agency", "");
    a.category = j.value("category", "");
    a.starts_at = parseRfc3339(j.at("starts_at").get<std::string>()).value_or(0);
    a.updated_at = parseRfc3339(j.at("updated_at").get<std::string>()).value_or(0);
    for (const auto& jr : j.value("reasons", json::array())) {
      AlertReason r;
      r.code = jr.value("code", "");
      const json& v = jr.contains("value") ? jr["value"] : json();
      if (v.is_number()) {
        r.number = v.get<double>();
      } else if (v.is_string()) {
        r.string_value = v.get<std::string>();
      }
      for (const auto& [key, value] : jr.items()) {
        if (key.rfind("text_", 0) == 0 && value.is_string()) {
          r.text.set(key.substr(5), value.get<std::string>());
        }
      }
      if (r.text.find("en") == nullptr) r.text.set("en", jr.value("text", ""));
      if (r.text.find("zh-CN") == nullptr) r.text.set("zh-CN", r.text.get("en"));
      a.reasons.push_back(std::move(r));
    }
    for (const auto& ja : j.value("actions", json::array())) {
      const std::string name = ja.get<std::string>();
      for (uint8_t k = 0; k < 9; ++k) {
        if (actionName(static_cast<Action>(k)) == name) a.actions.push_back(static_cast<Action>(k));
      }
    }
    if (j.contains("summary")) {
      for (const auto& [locale, value] : j["summary"].items()) {
        if (value.is_string()) a.summary.set(locale, value.get<std::string>());
      }
    }
    // The contract's two locales are always there (as before an alert carried more).
    for (const char* locale : {"en", "zh-CN"}) {
      if (a.summary.find(locale) == nullptr) a.summary.set(locale, "");
    }
    if (j.contains("escalation")) {
      const auto& e = j["escalation"];
      a.escalation = AlertEscalation{e.value("level", 0), e.value("target", ""),
                                     parseRfc3339(e.value("at", "")).value_or(0),
                                     parseRfc3339(e.value("reminded_at", "")).value_or(0)};
    }
    if (j.contains("ack")) {
      const auto& k = j["ack"];
      a.ack = AlertAck{k.value("by", ""), parseRfc3339(k.value("at", "")).value_or(0),
                       k.value("note", "")};
    }
    if (j.contains("group") && j["group"].is_object()) a.group_id = j["group"].value("id", "");
    a.inhibited_by = j.value("inhibited_by", "");
    a.silenced_by = j.value("silenced_by", "");
  } catch (const json::exception& e) {
    // Only reached when restoring from the store at start-up, never on the event path.
    return absl::InvalidArgumentError(std::string("alert: ") + e.what());
  }
  return a;
}

std::string alertChangeToJson(const AlertChange& c, const AlertJsonOptions& opts) {
  std::string body = alertToJson(c.alert, opts, &c.kind);
  if (c.seq != 0 && body.size() > 1) body.insert(1, strCat("\"seq\":", c.seq, ","));
  return body;
}

}  // namespace casewatch
