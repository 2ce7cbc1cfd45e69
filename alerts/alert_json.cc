#include "alerts/alert_json.h"

#include <simdjson.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "base/json_string.h"
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

// Writes the alert's JSON straight into a reused text: byte for byte the DOM form's output (same
// key order, nlohmann's escapes and number layout), or false (write the DOM form instead) for a
// text that is not valid UTF-8, which nlohmann replaces.
//
// Not RapidJSON's Writer, which an earlier version used: its String() goes a byte at a time through
// strings under 16 bytes and the ends of longer ones, and each text needed a pass of its own to
// check that RapidJSON and nlohmann would escape it alike. In an alert-heavy replay that was 40 %
// of the CPU; base/json_string.h takes 16 bytes at a time and escapes as nlohmann does.
// BM_AlertToJson (an escalated alert with English and Chinese texts, 1.1 KB): figures in the
// commit and the README.
class AlertJsonWriter {
 public:
  explicit AlertJsonWriter(std::string& out) : out_(out) {}

  bool write(const Alert& a, const AlertJsonOptions& opts, const ChangeKind* change) {
    const int offset = opts.utc_offset_minutes;
    open('{');
    name("v");
    out_.push_back('1');
    field("alert_id", a.alert_id);
    field("status", alertStatusName(a.status));
    field("model", a.model);
    field("tier", tierName(a.tier));
    name("subject");
    open('{');
    field("kind", subjectKindName(a.subject_kind));
    field("id", a.subject_id);
    close('}');
    name("score");
    number(a.score);
    if (!a.region.empty()) field("region", a.region);
    if (!a.agency.empty()) field("agency", a.agency);
    if (!a.category.empty()) field("category", a.category);
    time("starts_at", a.starts_at, offset);
    time("updated_at", a.updated_at, offset);
    name("reasons");
    open('[');
    for (const AlertReason& r : a.reasons) {
      element();
      open('{');
      field("code", r.code);
      name("value");
      if (r.string_value.empty()) {
        number(r.number);
      } else {
        str(r.string_value);
      }
      field("text", r.text.get(opts.locale));
      for (const auto& [locale, text] : r.text) {
        text_key_.assign("text_").append(locale);
        key(text_key_);
        str(text);
      }
      close('}');
    }
    close(']');
    name("actions");
    open('[');
    for (Action act : a.actions) {
      element();
      str(actionName(act));
    }
    close(']');
    name("summary");
    open('{');
    for (const auto& [locale, text] : a.summary) {
      key(locale);
      str(text);
    }
    close('}');
    if (a.escalation) {
      name("escalation");
      open('{');
      name("level");
      integer(a.escalation->level);
      field("target", a.escalation->target);
      time("at", a.escalation->at, offset);
      if (a.escalation->reminded_at != 0) time("reminded_at", a.escalation->reminded_at, offset);
      close('}');
    }
    if (a.ack) {
      name("ack");
      open('{');
      field("by", a.ack->by);
      time("at", a.ack->at, offset);
      field("note", a.ack->note);
      close('}');
    }
    if (!a.group_id.empty()) {
      name("group");
      open('{');
      field("id", a.group_id);
      close('}');
    }
    if (!a.inhibited_by.empty()) field("inhibited_by", a.inhibited_by);
    if (!a.silenced_by.empty()) field("silenced_by", a.silenced_by);
    if (change) field("change", changeKindName(*change));
    close('}');
    return ok_;
  }

 private:
  // A comma before every member and element but the first of its object or array.
  void element() {
    if (!first_) out_.push_back(',');
    first_ = false;
  }
  // '{' or '[': the next member or element is the first.
  void open(char bracket) {
    out_.push_back(bracket);
    first_ = true;
  }
  void close(char bracket) {
    out_.push_back(bracket);
    first_ = false;
  }
  // A member's name known here (a literal of plain ASCII: nothing to escape).
  void name(std::string_view n) {
    element();
    out_.push_back('"');
    out_.append(n);
    out_.append("\":", 2);
  }
  // A member's name from elsewhere (a locale from the templates).
  void key(std::string_view k) {
    element();
    str(k);
    out_.push_back(':');
  }
  void str(std::string_view s) {
    if (!appendJsonString(out_, s)) ok_ = false;
  }
  void field(std::string_view n, std::string_view v) {
    name(n);
    str(v);
  }
  void time(std::string_view n, TimeMs t, int offset) {
    name(n);
    out_.push_back('"');
    appendRfc3339(out_, t, offset);
    out_.push_back('"');
  }
  void number(double v) {
    char buf[64];
    out_.append(buf, formatJsonDouble(v, buf));
  }
  void integer(int v) {
    char buf[16];
    out_.append(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
  }

  std::string& out_;
  std::string text_key_;
  bool first_ = true;
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
  thread_local std::string buf;
  buf.clear();
  AlertJsonWriter w(buf);
  if (!w.write(a, opts, change)) return alertToJsonByDom(a, opts, change);
  return buf;
}

namespace {

// Reads a stored alert back through simdjson's DOM (start-up reads every active alert: 200k alerts,
// 365 MB, in 5.3 s through nlohmann's DOM at a million cases; bench/run --only restart). A field
// of the wrong type, or a required one missing, fails the alert as nlohmann's at() and value()
// threw.
class StoredAlertReader {
 public:
  using Object = simdjson::dom::object;
  using Element = simdjson::dom::element;

  bool ok() const { return ok_; }

  // Required: present and a string.
  std::string_view need(Object o, std::string_view key) {
    std::string_view v;
    if (o[key].get_string().get(v) != simdjson::SUCCESS) ok_ = false;
    return v;
  }
  // Optional: absent gives `fallback`; present, it must be of type T (string_view, double,
  // int64_t).
  template <typename T>
  T value(Object o, std::string_view key, T fallback) {
    Element e;
    if (o[key].get(e) != simdjson::SUCCESS) return fallback;
    T v = fallback;
    if (e.get<T>().get(v) != simdjson::SUCCESS) ok_ = false;
    return v;
  }
  std::string_view text(Object o, std::string_view key) {
    return value<std::string_view>(o, key, {});
  }
  Object object(Element e) {
    Object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) ok_ = false;
    return o;
  }
  TimeMs time(std::string_view t) { return parseRfc3339(t).value_or(0); }

 private:
  bool ok_ = true;
};

}  // namespace

absl::StatusOr<Alert> alertFromJson(std::string_view text, AlertJsonRead read) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::object j;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS ||
      root.get_object().get(j) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("alert: not a JSON object");
  }
  StoredAlertReader r;
  Alert a;
  a.alert_id = r.need(j, "alert_id");
  if (!alertStatusFromName(std::string(r.need(j, "status")), a.status) && r.ok()) {
    return absl::InvalidArgumentError("alert: bad status");
  }
  a.model = r.need(j, "model");
  if (!tierFromName(std::string(r.need(j, "tier")), a.tier) && r.ok()) {
    return absl::InvalidArgumentError("alert: bad tier");
  }
  simdjson::dom::element subject;
  if (j["subject"].get(subject) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("alert: no subject");
  }
  simdjson::dom::object so = r.object(subject);
  if (!r.ok()) return absl::InvalidArgumentError("alert: subject is not an object");
  const std::string_view kind = r.need(so, "kind");
  for (uint8_t k = 0; k < kSubjectKindCount; ++k) {
    if (subjectKindName(static_cast<SubjectKind>(k)) == kind)
      a.subject_kind = static_cast<SubjectKind>(k);
  }
  a.subject_id = r.need(so, "id");
  a.score = r.value<double>(j, "score", 0.0);
  a.region = r.text(j, "region");
  a.agency = r.text(j, "agency");
  a.category = r.text(j, "category");
  a.starts_at = r.time(r.need(j, "starts_at"));
  a.updated_at = r.time(r.need(j, "updated_at"));
  const bool evidence = read == AlertJsonRead::kWhole;
  simdjson::dom::array list;
  if (!evidence) {
    // Neither read nor checked (nor actions and summary below).
  } else if (j["reasons"].get_array().get(list) == simdjson::SUCCESS) {
    for (simdjson::dom::element je : list) {
      simdjson::dom::object jr = r.object(je);
      if (!r.ok()) break;
      AlertReason reason;
      reason.code = r.text(jr, "code");
      simdjson::dom::element v;
      if (jr["value"].get(v) == simdjson::SUCCESS) {
        if (v.is_number()) {
          double d = 0;
          if (v.get_double().get(d) == simdjson::SUCCESS) reason.number = d;
        } else if (v.is_string()) {
          reason.string_value = std::string_view(v.get_string().value_unsafe());
        }
      }
      for (auto field : jr) {
        if (field.key.substr(0, 5) == "text_" && field.value.is_string()) {
          reason.text.set(field.key.substr(5),
                          std::string(std::string_view(field.value.get_string().value_unsafe())));
        }
      }
      if (reason.text.find("en") == nullptr) reason.text.set("en", std::string(r.text(jr, "text")));
      if (reason.text.find("zh-CN") == nullptr) reason.text.set("zh-CN", reason.text.get("en"));
      a.reasons.push_back(std::move(reason));
    }
  } else if (j["reasons"].error() != simdjson::NO_SUCH_FIELD) {
    return absl::InvalidArgumentError("alert: reasons is not an array");
  }
  if (!evidence) {
  } else if (j["actions"].get_array().get(list) == simdjson::SUCCESS) {
    for (simdjson::dom::element ja : list) {
      std::string_view name;
      if (ja.get_string().get(name) != simdjson::SUCCESS) {
        return absl::InvalidArgumentError("alert: an action is not a string");
      }
      for (uint8_t k = 0; k < kActionCount; ++k) {
        if (actionName(static_cast<Action>(k)) == name) a.actions.push_back(static_cast<Action>(k));
      }
    }
  } else if (j["actions"].error() != simdjson::NO_SUCH_FIELD) {
    return absl::InvalidArgumentError("alert: actions is not an array");
  }
  simdjson::dom::object part;
  if (evidence && j["summary"].get_object().get(part) == simdjson::SUCCESS) {
    for (auto field : part) {
      if (field.value.is_string()) {
        a.summary.set(field.key,
                      std::string(std::string_view(field.value.get_string().value_unsafe())));
      }
    }
  }
  // The contract's two locales are always there (as before an alert carried more).
  for (const char* locale : {"en", "zh-CN"}) {
    if (evidence && a.summary.find(locale) == nullptr) a.summary.set(locale, "");
  }
  simdjson::dom::element e;
  if (j["escalation"].get(e) == simdjson::SUCCESS) {
    simdjson::dom::object o = r.object(e);
    if (r.ok()) {
      a.escalation = AlertEscalation{static_cast<int>(r.value<int64_t>(o, "level", 0)),
                                     std::string(r.text(o, "target")), r.time(r.text(o, "at")),
                                     r.time(r.text(o, "reminded_at"))};
    }
  }
  if (j["ack"].get(e) == simdjson::SUCCESS) {
    simdjson::dom::object o = r.object(e);
    if (r.ok()) {
      a.ack = AlertAck{std::string(r.text(o, "by")), r.time(r.text(o, "at")),
                       std::string(r.text(o, "note"))};
    }
  }
  if (j["group"].get_object().get(part) == simdjson::SUCCESS) a.group_id = r.text(part, "id");
  a.inhibited_by = r.text(j, "inhibited_by");
  a.silenced_by = r.text(j, "silenced_by");
  // Only reached when restoring from the store at start-up, never on the event path.
  if (!r.ok()) return absl::InvalidArgumentError("alert: a field is missing or of the wrong type");
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
