#include "alerts/alert_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>

#include "base/str_cat.h"

namespace casewatch {

// The alert through nlohmann's DOM: the reference form, taken when a text holds what the streaming
// writer would print differently (invalid UTF-8, replaced here; a control character).
std::string alertToJsonByDom(const Alert& a, const AlertJsonOptions& opts,
                             const ChangeKind* change) {
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

namespace {

// Not validating: RapidJSON's validation decodes every code point (a quarter of the encoding's
// time); each text is checked by simdjson's vectorised UTF-8 check instead.
using StreamWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Writes the alert's JSON with RapidJSON's streaming writer into a reused buffer: the DOM form
// cost 12% of a replay's CPU per encoding (perf, 248,391 changes). Byte for byte the DOM form's
// output: same key order, nlohmann's number layout, and false (write the DOM form instead) for a
// text the two would escape differently.
class AlertJsonWriter {
 public:
  explicit AlertJsonWriter(rapidjson::StringBuffer& buf) : w_(buf) {}

  bool write(const Alert& a, const AlertJsonOptions& opts, const ChangeKind* change) {
    w_.StartObject();
    key("v");
    w_.Int(1);
    field("alert_id", a.alert_id);
    field("status", alertStatusName(a.status));
    field("model", a.model);
    field("tier", tierName(a.tier));
    key("subject");
    w_.StartObject();
    field("kind", subjectKindName(a.subject_kind));
    field("id", a.subject_id);
    w_.EndObject();
    key("score");
    number(a.score);
    if (!a.region.empty()) field("region", a.region);
    if (!a.agency.empty()) field("agency", a.agency);
    if (!a.category.empty()) field("category", a.category);
    field("starts_at", formatRfc3339(a.starts_at, opts.utc_offset_minutes));
    field("updated_at", formatRfc3339(a.updated_at, opts.utc_offset_minutes));
    key("reasons");
    w_.StartArray();
    for (const AlertReason& r : a.reasons) {
      w_.StartObject();
      field("code", r.code);
      key("value");
      if (r.string_value.empty()) {
        number(r.number);
      } else {
        str(r.string_value);
      }
      field("text", r.text.get(opts.locale));
      for (const auto& [locale, text] : r.text) {
        text_key_.assign("text_").append(locale);
        field(text_key_, text);
      }
      w_.EndObject();
    }
    w_.EndArray();
    key("actions");
    w_.StartArray();
    for (Action act : a.actions) str(actionName(act));
    w_.EndArray();
    key("summary");
    w_.StartObject();
    for (const auto& [locale, text] : a.summary) field(locale, text);
    w_.EndObject();
    if (a.escalation) {
      key("escalation");
      w_.StartObject();
      key("level");
      w_.Int(a.escalation->level);
      field("target", a.escalation->target);
      field("at", formatRfc3339(a.escalation->at, opts.utc_offset_minutes));
      if (a.escalation->reminded_at != 0) {
        field("reminded_at", formatRfc3339(a.escalation->reminded_at, opts.utc_offset_minutes));
      }
      w_.EndObject();
    }
    if (a.ack) {
      key("ack");
      w_.StartObject();
      field("by", a.ack->by);
      field("at", formatRfc3339(a.ack->at, opts.utc_offset_minutes));
      field("note", a.ack->note);
      w_.EndObject();
    }
    if (!a.group_id.empty()) {
      key("group");
      w_.StartObject();
      field("id", a.group_id);
      w_.EndObject();
    }
    if (!a.inhibited_by.empty()) field("inhibited_by", a.inhibited_by);
    if (!a.silenced_by.empty()) field("silenced_by", a.silenced_by);
    if (change) field("change", changeKindName(*change));
    w_.EndObject();
    return ok_;
  }

 private:
  // False when the two would print `s` differently: nlohmann escapes a control character without
  // a short escape as \u00xx where RapidJSON writes \u00XX, and it replaces what is not UTF-8.
  static bool escapesAlike(std::string_view s) {
    bool control = false;
    for (unsigned char ch : s) control |= ch < 0x20;
    if (control) {
      for (unsigned char ch : s) {
        if (ch < 0x20 && ch != '\b' && ch != '\t' && ch != '\n' && ch != '\f' && ch != '\r') {
          return false;
        }
      }
    }
    return simdjson::validate_utf8(s.data(), s.size());
  }
  // A text that the fast path would escape unlike nlohmann marks the encoding for the DOM fallback,
  // but is still written: the writer's nesting must stay whole (RapidJSON asserts on it).
  void key(std::string_view k) {
    if (!escapesAlike(k)) ok_ = false;
    w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
  }
  void field(std::string_view k, std::string_view v) {
    key(k);
    str(v);
  }
  void str(std::string_view s) {
    if (!escapesAlike(s)) ok_ = false;
    w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  }
  void number(double v) {
    char buf[64];
    const size_t n = formatJsonDouble(v, buf);
    w_.RawValue(buf, n, rapidjson::kNumberType);
  }

  StreamWriter w_;
  std::string text_key_;
  bool ok_ = true;
};

}  // namespace

size_t formatJsonDouble(double v, char* out) {
  if (!std::isfinite(v)) {
    std::memcpy(out, "null", 4);
    return 4;
  }
  // nlohmann's own Grisu2 and layout, as its dump() prints a double: RapidJSON's Grisu2 and
  // std::to_chars pick other digits for about one alert change in 5,000 (…265 for …264).
  return static_cast<size_t>(nlohmann::detail::to_chars(out, out + 64, v) - out);
}

std::string alertToJson(const Alert& a, const AlertJsonOptions& opts, const ChangeKind* change) {
  thread_local rapidjson::StringBuffer buf;
  buf.Clear();
  AlertJsonWriter w(buf);
  if (!w.write(a, opts, change)) return alertToJsonByDom(a, opts, change);
  return std::string(buf.GetString(), buf.GetSize());
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
    for (uint8_t k = 0; k < kSubjectKindCount; ++k) {
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
      for (uint8_t k = 0; k < kActionCount; ++k) {
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

std::shared_ptr<const EncodedAlert> encodeAlert(const Alert& a, const AlertJsonOptions& opts) {
  return std::make_shared<const EncodedAlert>(EncodedAlert{opts, alertToJson(a, opts)});
}

std::string alertJsonOf(const AlertChange& c, const AlertJsonOptions& opts) {
  if (c.encoded && c.encoded->options == opts) return c.encoded->json;
  return alertToJson(c.alert, opts);
}

std::string alertJsonWithChange(const AlertChange& c, const AlertJsonOptions& opts) {
  if (!c.encoded || c.encoded->options != opts || c.encoded->json.size() < 2) {
    return alertToJson(c.alert, opts, &c.kind);
  }
  // `change` is the last key alertToJson writes: the encoding, its closing brace replaced.
  const std::string& json = c.encoded->json;
  return strCat(std::string_view(json).substr(0, json.size() - 1), ",\"change\":\"",
                changeKindName(c.kind), "\"}");
}

std::string alertChangeToJson(const AlertChange& c, const AlertJsonOptions& opts) {
  std::string body = alertJsonWithChange(c, opts);
  if (c.seq != 0 && body.size() > 1) body.insert(1, strCat("\"seq\":", c.seq, ","));
  return body;
}

}  // namespace casewatch
