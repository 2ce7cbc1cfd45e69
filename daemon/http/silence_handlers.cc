// Silences: the list, a new silence (its matchers checked before anything is added), and expiry.
#include "daemon/http/api_router.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

#include "alerts/silence/silence_regex.h"
#include "base/log_escape.h"
#include "base/str_cat.h"

namespace casewatch {
namespace {

using Json = ApiJson;

constexpr size_t kMaxMatchers = 32;
constexpr size_t kMaxMatcherValueBytes = 1000;  // keeps a regex small

// The labels a silence can match (alerts/silence/silence.h).
constexpr std::string_view kLabelNames[] = {"alertname", "model",        "tier",
                                            "severity",  "subject_kind", "subject_id",
                                            "region",    "agency",       "category"};

Json silenceJson(const Silence& s, TimeMs now, int offset) {
  Json j;
  j["id"] = s.id;
  Json matchers = Json::array();
  for (const SilenceMatcher& m : s.matchers) {
    matchers.push_back({{"name", m.name}, {"value", m.value}, {"is_regex", m.is_regex}});
  }
  j["matchers"] = std::move(matchers);
  j["starts_at"] = formatRfc3339(s.starts_at, offset);
  j["ends_at"] = formatRfc3339(s.ends_at, offset);
  j["created_by"] = s.created_by;
  j["comment"] = s.comment;
  std::string_view status = "active";
  if (s.expired_at != 0 || now >= s.ends_at) {
    status = "expired";
  } else if (now < s.starts_at) {
    status = "pending";
  }
  j["status"] = status;
  if (s.expired_at != 0) {
    j["expired_at"] = formatRfc3339(s.expired_at, offset);
    j["expired_by"] = s.expired_by;
  }
  return j;
}

}  // namespace

void ApiRouter::listSilences(ApiContext& ctx) {
  if (!ctx.onlyParams({})) return;
  const TimeMs now = options_.now ? options_.now() : 0;
  Json list = Json::array();
  for (const Silence& s : options_.ops->silences()) {
    list.push_back(silenceJson(s, now, options_.json.utc_offset_minutes));
  }
  Json j;
  j["silences"] = std::move(list);
  // Extension: the daemon's clock (event time in replay and demo), to count a duration from.
  j["now"] = formatRfc3339(now, options_.json.utc_offset_minutes);
  ctx.ok(dumpJson(j));
}

void ApiRouter::addSilence(ApiContext& ctx) {
  if (!ctx.onlyParams({})) return;
  std::string error;
  std::optional<Json> body = parseBodyObject(ctx.body, /*empty_ok=*/false, error);
  if (!body) return ctx.error(400, error);
  if (std::string k = unknownKey(*body, {"matchers", "starts_at", "ends_at", "comment"});
      !k.empty()) {
    return ctx.error(400,
                     strCat("body: unknown field ", jsonQuoted(k),
                            " (expected matchers, ends_at, comment and optionally starts_at)"));
  }
  Silence s;
  // matchers
  if (!body->contains("matchers")) return ctx.error(400, "matchers: required");
  const Json& ms = (*body)["matchers"];
  if (!ms.is_array())
    return ctx.error(400, strCat("matchers: expected an array, got ", ms.type_name()));
  if (ms.empty()) return ctx.error(400, "matchers: at least one matcher is required");
  if (ms.size() > kMaxMatchers) return ctx.error(400, strCat("matchers: more than ", kMaxMatchers));
  bool narrows = false;
  for (size_t i = 0; i < ms.size(); ++i) {
    const std::string at = strCat("matchers[", i, "]");
    const Json& mj = ms[i];
    if (!mj.is_object())
      return ctx.error(400, strCat(at, ": expected an object, got ", mj.type_name()));
    if (std::string k = unknownKey(mj, {"name", "value", "is_regex"}); !k.empty()) {
      return ctx.error(
          400, strCat(at, ": unknown field ", jsonQuoted(k), " (expected name, value, is_regex)"));
    }
    SilenceMatcher m;
    if (!mj.contains("name") || !mj["name"].is_string()) {
      return ctx.error(400, strCat(at, ".name: required, a string"));
    }
    m.name = mj["name"].get<std::string>();
    if (!isOneOf(m.name, kLabelNames)) {
      return ctx.error(400, strCat(at, ".name: expected one of ", oneOf(kLabelNames), "; got ",
                                   jsonQuoted(m.name)));
    }
    if (!mj.contains("value") || !mj["value"].is_string()) {
      return ctx.error(400, strCat(at, ".value: required, a string"));
    }
    m.value = mj["value"].get<std::string>();
    if (m.value.size() > kMaxMatcherValueBytes) {
      return ctx.error(400, strCat(at, ".value: longer than ", kMaxMatcherValueBytes, " bytes"));
    }
    if (mj.contains("is_regex")) {
      if (!mj["is_regex"].is_boolean()) {
        return ctx.error(
            400, strCat(at, ".is_regex: expected true or false, got ", mj["is_regex"].type_name()));
      }
      m.is_regex = mj["is_regex"].get<bool>();
    }
    if (m.is_regex) {
      // RE2 (linear time; alerts/silence/silence_regex.h): its reason goes back to the client.
      auto re = SilenceRegex::compile(m.value);
      if (!re.ok()) {
        return ctx.error(
            400, strCat(at, ".value: not a valid regular expression: ", re.status().message()));
      }
      if (!(*re)->fullMatch("")) narrows = true;
    } else if (!m.value.empty()) {
      narrows = true;
    }
    s.matchers.push_back(std::move(m));
  }
  if (!narrows) {
    return ctx.error(400,
                     "matchers: at least one matcher must not match the empty value (a "
                     "silence must not match every alert)");
  }
  const TimeMs now = options_.now ? options_.now() : 0;
  auto readTime = [&](std::string_view key, TimeMs& out) -> bool {
    const Json& t = (*body)[std::string(key)];
    std::optional<TimeMs> parsed;
    if (t.is_string()) parsed = parseRfc3339(t.get<std::string>());
    if (!parsed) {
      ctx.error(
          400,
          strCat(key, ": expected an RFC 3339 time such as \"2026-03-04T18:00:00+08:00\", got ",
                 t.is_string() ? jsonQuoted(t.get<std::string>()) : std::string(t.type_name())));
      return false;
    }
    out = *parsed;
    return true;
  };
  s.starts_at = now;
  if (body->contains("starts_at") && !readTime("starts_at", s.starts_at)) return;
  if (!body->contains("ends_at")) return ctx.error(400, "ends_at: required");
  if (!readTime("ends_at", s.ends_at)) return;
  if (s.ends_at <= s.starts_at) {
    return ctx.error(400,
                     strCat("ends_at: must be after starts_at (",
                            formatRfc3339(s.starts_at, options_.json.utc_offset_minutes), ")"));
  }
  if (s.ends_at <= now) {
    return ctx.error(400, strCat("ends_at: already past (now is ",
                                 formatRfc3339(now, options_.json.utc_offset_minutes), ")"));
  }
  if (!body->contains("comment") || !(*body)["comment"].is_string() ||
      (*body)["comment"].get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos) {
    return ctx.error(400, "comment: required, a non-empty string (why the alerts are silenced)");
  }
  s.comment = (*body)["comment"].get<std::string>();
  if (s.comment.size() > kMaxNoteBytes) {
    return ctx.error(400, strCat("comment: longer than ", kMaxNoteBytes, " bytes"));
  }
  s.created_by = ctx.principal->name;
  // Answered once the silence is committed (AlertOperations::commitAction): 503 if it cannot be,
  // and then nothing changed.
  const std::string by = ctx.principal->name;
  auto added = std::make_shared<std::optional<Silence>>();
  ApiResponder respond = ctx.later();
  const int offset = options_.json.utc_offset_minutes;
  options_.ops->commitAction(
      [s = std::move(s), by, added](AlertOperations& ops) -> absl::Status {
        absl::StatusOr<Silence> r = ops.addSilence(s, by);
        if (!r.ok()) return r.status();
        *added = std::move(*r);
        return absl::OkStatus();
      },
      [by, added, respond, now, offset](absl::Status st) {
        if (!st.ok())
          return respond(jsonResponse(httpStatusOf(st), jsonError(std::string(st.message()))));
        spdlog::info("HTTP API: {} added silence {}: \"{}\".", by, (*added)->id,
                     escapedForLog((*added)->comment));
        Json j;
        j["silence"] = silenceJson(**added, now, offset);
        respond(jsonResponse(201, dumpJson(j)));
      });
}

void ApiRouter::expireSilence(ApiContext& ctx, const std::string& id) {
  if (!ctx.onlyParams({})) return;
  if (!ctx.body.empty() && ctx.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    return ctx.error(400, "body: expected none");
  }
  // Answered once the expiry is committed (AlertOperations::commitAction): 503 if it cannot be,
  // and then nothing changed.
  const std::string by = ctx.principal->name;
  ApiResponder respond = ctx.later();
  AlertOperations* ops = options_.ops;
  std::function<TimeMs()> clock = options_.now;
  const int offset = options_.json.utc_offset_minutes;
  ops->commitAction([id, by](AlertOperations& o) { return o.expireSilence(id, by); },
                    [id, by, respond, ops, clock, offset](absl::Status s) {
                      if (!s.ok()) {
                        const int status = httpStatusOf(s);
                        return respond(jsonResponse(
                            status, jsonError(status == 404 && s.message().empty()
                                                  ? strCat("no silence with id ", jsonQuoted(id))
                                                  : std::string(s.message()))));
                      }
                      spdlog::info("HTTP API: {} expired silence {}.", by, id);
                      const TimeMs now = clock ? clock() : 0;
                      Json j;
                      j["silence"] = Json{{"id", id}, {"status", "expired"}};
                      for (const Silence& x : ops->silences()) {
                        if (x.id == id) j["silence"] = silenceJson(x, now, offset);
                      }
                      respond(jsonResponse(200, dumpJson(j)));
                    });
}

}  // namespace casewatch
