#include "daemon/http/api_router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

#include "base/str_cat.h"
#include "daemon/http/web_assets.h"
#include "daemon/store/sqlite_alert_store.h"

namespace casewatch {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kApiPrefix = "/api/v1/";
constexpr size_t kMaxNesting = 32;       // bodies are flat; deeper JSON is refused before parsing
constexpr size_t kMaxNoteBytes = 10000;  // an acknowledgement or resolution note
constexpr size_t kMaxMatchers = 32;
constexpr size_t kMaxMatcherValueBytes = 1000;  // keeps a regex small
constexpr size_t kDefaultResolvedLimit = 1000;
constexpr size_t kMaxLimit = 10000;
constexpr size_t kDefaultDeadLetterLimit = 100;

// The labels a silence can match (alerts/silence/silence.h).
constexpr std::string_view kLabelNames[] = {"alertname", "model",        "tier",
                                            "severity",  "subject_kind", "subject_id",
                                            "region",    "agency",       "category"};
constexpr std::string_view kStatusNames[] = {"firing", "acknowledged", "escalated", "resolved",
                                             "silenced"};
constexpr std::string_view kTierNames[] = {"blue", "yellow", "orange", "red"};

std::string dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string jsonQuoted(std::string_view s) {
  Json j = std::string(s);
  return dump(j);
}

template <size_t N>
std::string oneOf(const std::string_view (&names)[N]) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

template <size_t N>
bool isOneOf(std::string_view s, const std::string_view (&names)[N]) {
  return std::find(std::begin(names), std::end(names), s) != std::end(names);
}

// Deepest nesting of arrays/objects, ignoring brackets inside strings; stops early past `limit`.
size_t nestingDepth(std::string_view text, size_t limit) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// Parses a request body that must be a JSON object; nullopt with `error` set otherwise. An empty
// body is an empty object when `empty_ok`.
std::optional<Json> parseBodyObject(std::string_view body, bool empty_ok, std::string& error) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (empty_ok) return Json::object();
    error = "body: expected a JSON object, got an empty body";
    return std::nullopt;
  }
  if (nestingDepth(body, kMaxNesting) > kMaxNesting) {
    error = strCat("body: JSON nested deeper than ", kMaxNesting, " levels");
    return std::nullopt;
  }
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    error = "body: not valid JSON (or not UTF-8)";
    return std::nullopt;
  }
  if (!j.is_object()) {
    error = strCat("body: expected a JSON object, got ", j.type_name());
    return std::nullopt;
  }
  return j;
}

// The first key of `obj` not in `allowed` ("" when all are known).
std::string unknownKey(const Json& obj, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) return key;
  }
  return "";
}

std::string timeOrEmpty(TimeMs t, int offset) {
  return t == 0 ? "" : formatRfc3339(t, offset);
}

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

Json ledgerJson(const LedgerEntry& e, int offset) {
  Json j;
  j["case_id"] = e.case_id;
  j["region"] = e.region;
  j["agency"] = e.agency;
  j["category"] = e.category;
  j["reasons"] = e.reasons;
  j["owner"] = e.owner;
  j["since"] = timeOrEmpty(e.since, offset);
  j["last_activity"] = timeOrEmpty(e.last_activity, offset);
  return j;
}

Json deadLetterJson(const DeadLetter& d, int offset) {
  Json j;
  j["id"] = d.id;
  j["received_at"] = formatRfc3339(d.received_at, offset);
  j["feed"] = d.feed;
  j["reason"] = d.reason;
  j["detail"] = d.detail;
  j["raw_size"] = d.raw_size;
  j["raw"] = d.raw;  // arbitrary bytes: invalid UTF-8 is replaced when dumped
  return j;
}

int httpStatusOf(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
      return 409;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

// Alerts are built as text: alertToJson is the one JSON form of an alert, and it is already valid.
std::string alertsBody(const std::vector<std::string>& alerts) {
  std::string out = "{\"alerts\":[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    if (i > 0) out += ',';
    out += alerts[i];
  }
  out += "]}";
  return out;
}

ApiResponse jsonResponse(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

std::string jsonError(std::string_view message) {
  Json j;
  j["error"] = std::string(message);
  return dump(j);
}

bool percentDecode(std::string_view in, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

struct ApiRouter::Context {
  std::string method;
  std::string path;
  std::vector<std::string_view> segments;                  // of `path`, raw
  std::vector<std::pair<std::string, std::string>> query;  // decoded
  std::string query_error;
  std::string body;
  std::string authorization;
  const ApiPrincipal* principal = nullptr;
  std::string_view route = "unknown";
  std::shared_ptr<bool> responded = std::make_shared<bool>(false);
  ApiResponder respond;

  void reply(ApiResponse r) {
    if (*responded) return;
    *responded = true;
    r.route = route;
    if (r.content_type == "application/json") r.headers.emplace_back("Cache-Control", "no-store");
    respond(std::move(r));
  }
  void error(int status, std::string_view message) {
    reply(jsonResponse(status, jsonError(message)));
  }
  void ok(std::string body, int status = 200) { reply(jsonResponse(status, std::move(body))); }

  // A responder for later (after a store read), independent of this Context's lifetime.
  ApiResponder later() const {
    return [respond = respond, responded = responded, route = route](ApiResponse r) {
      if (*responded) return;
      *responded = true;
      r.route = route;
      if (r.content_type == "application/json") r.headers.emplace_back("Cache-Control", "no-store");
      respond(std::move(r));
    };
  }

  // The value of a query parameter; nullptr when absent.
  const std::string* param(std::string_view name) const {
    for (const auto& [k, v] : query) {
      if (k == name) return &v;
    }
    return nullptr;
  }
  // True when every parameter is one of `allowed`; otherwise answers 400 and returns false.
  bool onlyParams(std::initializer_list<std::string_view> allowed) {
    for (const auto& [k, v] : query) {
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        std::string known;
        for (std::string_view a : allowed) strAppend(known, known.empty() ? "" : ", ", a);
        error(400, strCat("unknown parameter ", jsonQuoted(k),
                          known.empty() ? std::string(" (this route takes none)")
                                        : strCat(" (known: ", known, ")")));
        return false;
      }
    }
    return true;
  }
};

ApiRouter::ApiRouter(ApiRouterOptions options) : options_(std::move(options)) {}

void ApiRouter::handle(const ApiRequest& request, ApiResponder respond) {
  Context ctx;
  ctx.method = request.method;
  ctx.body = request.body;
  ctx.authorization = request.authorization;
  ctx.respond = std::move(respond);
  std::string_view target = request.target;
  std::string_view query;
  if (const size_t q = target.find('?'); q != std::string_view::npos) {
    query = target.substr(q + 1);
    target = target.substr(0, q);
  }
  ctx.path = std::string(target);
  for (size_t start = 0; start < query.size();) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view pair = query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string key, value;
    if (!percentDecode(pair.substr(0, eq), true, key) ||
        (eq != std::string_view::npos && !percentDecode(pair.substr(eq + 1), true, value))) {
      ctx.query_error = strCat("bad percent-encoding in the query: ", jsonQuoted(pair));
      break;
    }
    for (const auto& [k, v] : ctx.query) {
      if (k == key)
        ctx.query_error = strCat("parameter ", jsonQuoted(key), " given more than once");
    }
    ctx.query.emplace_back(std::move(key), std::move(value));
  }
  std::string_view p = ctx.path;
  if (!p.empty() && p.front() == '/') p.remove_prefix(1);
  while (!p.empty()) {
    const size_t slash = p.find('/');
    ctx.segments.push_back(p.substr(0, slash));
    if (slash == std::string_view::npos) break;
    p.remove_prefix(slash + 1);
    if (p.empty()) ctx.segments.push_back("");  // a trailing slash is a (missing) segment
  }
  try {
    route(ctx);
  } catch (const std::exception& e) {
    // A bug, not bad input (input is checked without exceptions): answer, log, keep serving.
    spdlog::error("HTTP API: {} {} failed: {}", ctx.method, ctx.path, e.what());
    ctx.error(500, "internal error");
  }
}

void ApiRouter::route(Context& ctx) {
  const auto& seg = ctx.segments;
  const std::string& m = ctx.method;

  // Route, then method, then who, then what: refusals are decided before anything is done.
  struct Match {
    std::string_view route;
    std::vector<std::string_view> methods;
    std::optional<ApiRight> right;  // nullopt: no token needed
  };
  std::optional<Match> match;
  std::string id;
  const bool api = ctx.path.size() > kApiPrefix.size() - 1 &&
                   ctx.path.compare(0, kApiPrefix.size(), kApiPrefix) == 0 && seg.size() >= 3;
  auto decodedId = [&](std::string_view raw) {
    if (!percentDecode(raw, false, id)) id.clear();
    return !id.empty();
  };
  if (!api) {
    if (seg.size() == 1 && seg[0] == "healthz") {
      match = Match{"healthz", {"GET"}, std::nullopt};
    } else if (seg.size() == 1 && seg[0] == "readyz") {
      match = Match{"readyz", {"GET"}, std::nullopt};
    } else if (findWebAsset(ctx.path) != nullptr) {
      match = Match{"console", {"GET"}, std::nullopt};
    }
  } else {
    const std::string_view r = seg[2];
    const size_t n = seg.size();
    if (r == "alerts" && n == 3) {
      match = Match{"alerts", {"GET"}, ApiRight::kRead};
    } else if (r == "alerts" && n == 4 && decodedId(seg[3])) {
      match = Match{"alert", {"GET"}, ApiRight::kRead};
    } else if (r == "alerts" && n == 5 && decodedId(seg[3]) &&
               (seg[4] == "ack" || seg[4] == "unack" || seg[4] == "resolve")) {
      match = Match{seg[4] == "ack" ? "ack" : (seg[4] == "unack" ? "unack" : "resolve"),
                    {"POST"},
                    ApiRight::kAct};
    } else if (r == "silences" && n == 3) {
      match = Match{"silences", {"GET", "POST"}, m == "POST" ? ApiRight::kAct : ApiRight::kRead};
    } else if (r == "silences" && n == 4 && decodedId(seg[3])) {
      match = Match{"silence", {"DELETE"}, ApiRight::kAct};
    } else if (r == "ledger" && n == 3) {
      match = Match{"ledger", {"GET"}, ApiRight::kRead};
    } else if (r == "dead-letters" && n == 3) {
      match = Match{"dead_letters", {"GET"}, ApiRight::kRead};
    } else if (r == "events" && n == 3) {
      match = Match{"events", {"GET"}, ApiRight::kRead};
    } else if (r == "whoami" && n == 3) {
      match = Match{"whoami", {"GET"}, ApiRight::kRead};
    }
  }
  if (!match) return ctx.error(404, strCat("no such resource: ", jsonQuoted(ctx.path)));
  ctx.route = match->route;
  if (std::find(match->methods.begin(), match->methods.end(), m) == match->methods.end()) {
    std::string allow;
    for (std::string_view a : match->methods) strAppend(allow, allow.empty() ? "" : ", ", a);
    ApiResponse r = jsonResponse(405, jsonError(strCat("method ", jsonQuoted(m), " not allowed on ",
                                                       jsonQuoted(ctx.path), "; use ", allow)));
    r.headers.emplace_back("Allow", allow);
    return ctx.reply(std::move(r));
  }
  if (match->right) {
    ctx.principal = options_.auth ? options_.auth->authenticate(ctx.authorization) : nullptr;
    if (ctx.principal == nullptr) {
      ApiResponse r = jsonResponse(
          401, jsonError(ctx.authorization.empty()
                             ? "missing token: send Authorization: Bearer <token>"
                             : "unknown token (or not of the form Authorization: Bearer <token>)"));
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"casewatch\"");
      return ctx.reply(std::move(r));
    }
    if (!apiRoleAllows(ctx.principal->role, *match->right)) {
      return ctx.error(
          403, strCat("the role ", apiRoleName(ctx.principal->role), " of ",
                      jsonQuoted(ctx.principal->name), " may not ",
                      *match->right == ApiRight::kAct ? "change alerts or silences" : "read"));
    }
  }
  if (!ctx.query_error.empty()) return ctx.error(400, ctx.query_error);

  const std::string_view route = match->route;
  if (route == "healthz") {
    if (!ctx.onlyParams({})) return;
    return ctx.ok(R"({"status":"ok"})");
  }
  if (route == "readyz") {
    if (!ctx.onlyParams({})) return;
    const bool ready = options_.ops->ready();
    return ctx.ok(ready ? R"({"ready":true})" : R"({"ready":false})", ready ? 200 : 503);
  }
  if (route == "console") {
    // Parameters are ignored here: a bookmarked or shared link should still open the page.
    const WebAsset* asset = findWebAsset(ctx.path);
    ApiResponse r;
    r.content_type = std::string(webContentType(asset->name));
    r.body = std::string(asset->content);
    r.headers = {{"Cache-Control", "no-cache"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Referrer-Policy", "no-referrer"},
                 {"Content-Security-Policy",
                  "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                  "frame-ancestors 'none'; base-uri 'none'"}};
    return ctx.reply(std::move(r));
  }
  if (route == "alerts") return listAlerts(ctx);
  if (route == "alert") return getAlert(ctx, id);
  if (route == "ack" || route == "unack" || route == "resolve") return alertAction(ctx, id, route);
  if (route == "silences") return m == "POST" ? addSilence(ctx) : listSilences(ctx);
  if (route == "silence") return expireSilence(ctx, id);
  if (route == "ledger") return ledger(ctx);
  if (route == "dead_letters") return deadLetters(ctx);
  if (route == "whoami") {
    if (!ctx.onlyParams({})) return;
    Json j;
    j["name"] = ctx.principal->name;
    j["role"] = apiRoleName(ctx.principal->role);
    j["may_act"] = apiRoleAllows(ctx.principal->role, ApiRight::kAct);
    return ctx.ok(dump(j));
  }
  if (route == "events") {
    if (!ctx.onlyParams({})) return;
    ApiResponse r;
    r.content_type = "text/event-stream";
    r.event_stream = true;
    r.headers = {{"Cache-Control", "no-store"}, {"X-Accel-Buffering", "no"}};
    r.body = ": casewatch alert changes (HTTP API v1 extension)\nretry: 2000\n\n";
    return ctx.reply(std::move(r));
  }
  ctx.error(404, strCat("no such resource: ", jsonQuoted(ctx.path)));
}

void ApiRouter::listAlerts(Context& ctx) {
  if (!ctx.onlyParams({"status", "tier", "model", "region", "agency", "limit"})) return;
  AlertFilter f;
  auto get = [&](std::string_view name) {
    const std::string* v = ctx.param(name);
    return v ? *v : std::string();
  };
  f.status = get("status");
  f.tier = get("tier");
  f.model = get("model");
  f.region = get("region");
  f.agency = get("agency");
  if (!f.status.empty() && !isOneOf(f.status, kStatusNames)) {
    return ctx.error(400, strCat("status: expected one of ", oneOf(kStatusNames), "; got ",
                                 jsonQuoted(f.status)));
  }
  if (!f.tier.empty() && !isOneOf(f.tier, kTierNames)) {
    return ctx.error(
        400, strCat("tier: expected one of ", oneOf(kTierNames), "; got ", jsonQuoted(f.tier)));
  }
  size_t limit = 0;
  if (const std::string* l = ctx.param("limit")) {
    const auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
    if (ec != std::errc() || ptr != l->data() + l->size() || limit < 1 || limit > kMaxLimit) {
      return ctx.error(400, strCat("limit: expected an integer from 1 to ", kMaxLimit, "; got ",
                                   jsonQuoted(*l)));
    }
  }
  const AlertJsonOptions jo = options_.json;
  if (f.status == "resolved") {
    // Resolved alerts are no longer in memory: read them from the store, off the loop.
    f.limit = limit == 0 ? kDefaultResolvedLimit : limit;
    SqliteAlertStore* store = options_.store;
    ApiResponder respond = ctx.later();
    TaskRunner post = options_.post;
    options_.offload([store, f, respond, post] {
      ApiResponse r;
      auto records = store->loadAlerts(f);
      if (!records.ok()) {
        r = jsonResponse(503, jsonError(strCat("store: ", records.status().message())));
      } else {
        std::vector<std::string> alerts;
        for (const AlertRecord& rec : *records) {
          if (Json::accept(rec.json)) alerts.push_back(rec.json);
        }
        r = jsonResponse(200, alertsBody(alerts));
      }
      post([respond, r = std::move(r)]() mutable { respond(std::move(r)); });
    });
    return;
  }
  std::vector<Alert> active = options_.ops->activeAlerts();
  std::erase_if(active, [&](const Alert& a) {
    return (!f.status.empty() && alertStatusName(a.status) != f.status) ||
           (!f.tier.empty() && tierName(a.tier) != f.tier) ||
           (!f.model.empty() && a.model != f.model) ||
           (!f.region.empty() && a.region != f.region) ||
           (!f.agency.empty() && a.agency != f.agency);
  });
  std::sort(active.begin(), active.end(), [](const Alert& a, const Alert& b) {
    if (a.updated_at != b.updated_at) return a.updated_at > b.updated_at;
    if (a.starts_at != b.starts_at) return a.starts_at > b.starts_at;
    return a.alert_id < b.alert_id;
  });
  if (limit != 0 && active.size() > limit) active.resize(limit);
  std::vector<std::string> alerts;
  alerts.reserve(active.size());
  for (const Alert& a : active) alerts.push_back(alertToJson(a, jo));
  ctx.ok(alertsBody(alerts));
}

void ApiRouter::getAlert(Context& ctx, const std::string& id) {
  if (!ctx.onlyParams({})) return;
  std::optional<std::string> current;
  for (const Alert& a : options_.ops->activeAlerts()) {
    if (a.alert_id == id) current = alertToJson(a, options_.json);
  }
  SqliteAlertStore* store = options_.store;
  ApiResponder respond = ctx.later();
  TaskRunner post = options_.post;
  const int offset = options_.json.utc_offset_minutes;
  options_.offload([store, id, current, respond, post, offset] {
    ApiResponse r;
    auto history = store->alertHistory(id);
    if (!history.ok()) {
      r = jsonResponse(503, jsonError(strCat("store: ", history.status().message())));
    } else if (history->empty() && !current) {
      r = jsonResponse(404, jsonError(strCat("no alert with id ", jsonQuoted(id))));
    } else {
      Json h = Json::array();
      std::string latest;
      for (const AlertRecord& rec : *history) {
        Json item;
        item["at"] = formatRfc3339(rec.at, offset);
        item["by"] = rec.actor;
        item["change"] = rec.action;
        item["note"] = rec.note;
        item["status"] = rec.status;
        item["tier"] = rec.tier;
        Json snapshot = Json::parse(rec.json, nullptr, false);
        if (!snapshot.is_discarded()) {
          item["alert"] = std::move(snapshot);
          latest = rec.json;
        }
        h.push_back(std::move(item));
      }
      // In memory is newest (the store records a change a moment after it is made).
      const std::string& alert = current ? *current : latest;
      r = jsonResponse(200, strCat("{\"alert\":", alert.empty() ? "null" : alert,
                                   ",\"history\":", dump(h), "}"));
    }
    post([respond, r = std::move(r)]() mutable { respond(std::move(r)); });
  });
}

void ApiRouter::alertAction(Context& ctx, const std::string& id, std::string_view action) {
  if (!ctx.onlyParams({})) return;
  std::string error;
  std::optional<Json> body = parseBodyObject(ctx.body, /*empty_ok=*/true, error);
  if (!body) return ctx.error(400, error);
  const bool takes_note = action != "unack";
  if (std::string k = takes_note ? unknownKey(*body, {"note"}) : unknownKey(*body, {});
      !k.empty()) {
    return ctx.error(
        400, strCat("body: unknown field ", jsonQuoted(k),
                    takes_note ? " (expected {\"note\": \"...\"})" : " (expected no body)"));
  }
  std::string note;
  if (body->contains("note")) {
    const Json& n = (*body)["note"];
    if (!n.is_string())
      return ctx.error(400, strCat("note: expected a string, got ", n.type_name()));
    note = n.get<std::string>();
    if (note.size() > kMaxNoteBytes) {
      return ctx.error(400, strCat("note: longer than ", kMaxNoteBytes, " bytes"));
    }
  }
  const std::string& by = ctx.principal->name;
  absl::StatusOr<Alert> result = action == "ack"     ? options_.ops->acknowledge(id, by, note)
                                 : action == "unack" ? options_.ops->unacknowledge(id, by)
                                                     : options_.ops->resolve(id, by, note);
  if (!result.ok()) {
    const int status = httpStatusOf(result.status());
    std::string message(result.status().message());
    if (status == 404 && message.empty()) message = strCat("no alert with id ", jsonQuoted(id));
    return ctx.error(status, message);
  }
  spdlog::info(
      "HTTP API: {} {} alert {}{}{}.", by,
      action == "ack" ? "acknowledged" : (action == "unack" ? "unacknowledged" : "resolved"), id,
      note.empty() ? "" : ": ", note);
  ctx.ok(strCat("{\"alert\":", alertToJson(*result, options_.json), "}"));
}

void ApiRouter::listSilences(Context& ctx) {
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
  ctx.ok(dump(j));
}

void ApiRouter::addSilence(Context& ctx) {
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
      try {
        const std::regex re(m.value, std::regex::ECMAScript);
        if (!std::regex_match(std::string(), re)) narrows = true;
      } catch (const std::regex_error& e) {
        return ctx.error(400, strCat(at, ".value: not a valid regular expression: ", e.what()));
      }
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
  absl::StatusOr<Silence> added = options_.ops->addSilence(std::move(s), ctx.principal->name);
  if (!added.ok())
    return ctx.error(httpStatusOf(added.status()), std::string(added.status().message()));
  spdlog::info("HTTP API: {} added silence {}.", ctx.principal->name, added->id);
  Json j;
  j["silence"] = silenceJson(*added, now, options_.json.utc_offset_minutes);
  ctx.ok(dump(j), 201);
}

void ApiRouter::expireSilence(Context& ctx, const std::string& id) {
  if (!ctx.onlyParams({})) return;
  if (!ctx.body.empty() && ctx.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    return ctx.error(400, "body: expected none");
  }
  absl::Status s = options_.ops->expireSilence(id, ctx.principal->name);
  if (!s.ok()) {
    const int status = httpStatusOf(s);
    return ctx.error(status, status == 404 && s.message().empty()
                                 ? strCat("no silence with id ", jsonQuoted(id))
                                 : std::string(s.message()));
  }
  spdlog::info("HTTP API: {} expired silence {}.", ctx.principal->name, id);
  const TimeMs now = options_.now ? options_.now() : 0;
  Json j;
  j["silence"] = Json{{"id", id}, {"status", "expired"}};
  for (const Silence& x : options_.ops->silences()) {
    if (x.id == id) j["silence"] = silenceJson(x, now, options_.json.utc_offset_minutes);
  }
  ctx.ok(dump(j));
}

void ApiRouter::ledger(Context& ctx) {
  if (!ctx.onlyParams({})) return;
  Json list = Json::array();
  for (const LedgerEntry& e : options_.ops->ledger()) {
    list.push_back(ledgerJson(e, options_.json.utc_offset_minutes));
  }
  Json j;
  j["ledger"] = std::move(list);
  ctx.ok(dump(j));
}

void ApiRouter::deadLetters(Context& ctx) {
  if (!ctx.onlyParams({"limit"})) return;
  size_t limit = kDefaultDeadLetterLimit;
  if (const std::string* l = ctx.param("limit")) {
    const auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
    if (ec != std::errc() || ptr != l->data() + l->size() || limit < 1 || limit > kMaxLimit) {
      return ctx.error(400, strCat("limit: expected an integer from 1 to ", kMaxLimit, "; got ",
                                   jsonQuoted(*l)));
    }
  }
  SqliteAlertStore* store = options_.store;
  ApiResponder respond = ctx.later();
  TaskRunner post = options_.post;
  const int offset = options_.json.utc_offset_minutes;
  options_.offload([store, limit, respond, post, offset] {
    ApiResponse r;
    auto letters = store->listDeadLetters(limit);
    if (!letters.ok()) {
      r = jsonResponse(503, jsonError(strCat("store: ", letters.status().message())));
    } else {
      Json list = Json::array();
      for (const DeadLetter& d : *letters) list.push_back(deadLetterJson(d, offset));
      Json j;
      j["dead_letters"] = std::move(list);
      r = jsonResponse(200, dump(j));
    }
    post([respond, r = std::move(r)]() mutable { respond(std::move(r)); });
  });
}

std::string ApiRouter::eventMessage(const AlertChange& change, uint64_t sequence) const {
  const int offset = options_.json.utc_offset_minutes;
  Json j;
  j["change"] = changeKindName(change.kind);
  j["by"] = change.actor;
  j["note"] = change.note;
  j["at"] = formatRfc3339(change.at, offset);
  // One line of JSON (no raw newlines), as an SSE `data:` field needs.
  return strCat("id: ", sequence, "\nevent: change\ndata: {\"change\":", dump(j["change"]),
                ",\"by\":", dump(j["by"]), ",\"note\":", dump(j["note"]), ",\"at\":", dump(j["at"]),
                ",\"alert\":", alertToJson(change.alert, options_.json), "}\n\n");
}

}  // namespace casewatch
