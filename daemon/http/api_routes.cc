// The route table: which path and method lead to which handler, and who may call it. Route, then
// method, then who, then what: refusals are decided here before any handler runs.
#include "daemon/http/api_router.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "base/str_cat.h"
#include "daemon/http/web_assets.h"

namespace casewatch {
namespace {

constexpr std::string_view kApiPrefix = "/api/v1/";

// What a 403 says the role may not do.
std::string_view rightDescription(ApiRight right) {
  switch (right) {
    case ApiRight::kRead:
      return "read";
    case ApiRight::kAct:
      return "change alerts or silences";
    case ApiRight::kReadDeadLetters:
      return "read the dead letters (duty_officer or leader)";
  }
  return "do this";
}

}  // namespace

void ApiRouter::route(ApiContext& ctx) {
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
      match = Match{"dead_letters", {"GET"}, ApiRight::kReadDeadLetters};
    } else if (r == "events" && n == 3) {
      match = Match{"events", {"GET"}, ApiRight::kRead};
    } else if (r == "whoami" && n == 3) {
      match = Match{"whoami", {"GET"}, ApiRight::kRead};
    } else if (r == "digest" && n == 3) {
      match = Match{"digest", {"GET"}, ApiRight::kRead};
    } else if (r == "components" && n == 3) {
      match = Match{"components", {"GET"}, ApiRight::kRead};
    } else if (r == "models" && n == 3) {
      match = Match{"models", {"GET"}, ApiRight::kRead};
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
      return ctx.error(403, strCat("the role ", apiRoleName(ctx.principal->role), " of ",
                                   jsonQuoted(ctx.principal->name), " may not ",
                                   rightDescription(*match->right)));
    }
  }
  if (ctx.headers_only) return;  // admitted: the body may be read
  if (!ctx.query_error.empty()) return ctx.error(400, ctx.query_error);

  const std::string_view route = match->route;
  if (route == "healthz") return healthz(ctx);
  if (route == "readyz") return readyz(ctx);
  if (route == "console") return console(ctx);
  if (route == "alerts") return listAlerts(ctx);
  if (route == "alert") return getAlert(ctx, id);
  if (route == "ack" || route == "unack" || route == "resolve") return alertAction(ctx, id, route);
  if (route == "silences") return m == "POST" ? addSilence(ctx) : listSilences(ctx);
  if (route == "silence") return expireSilence(ctx, id);
  if (route == "ledger") return ledger(ctx);
  if (route == "dead_letters") return deadLetters(ctx);
  if (route == "whoami") return whoami(ctx);
  if (route == "components") return components(ctx);
  if (route == "models") return models(ctx);
  if (route == "digest") return digest(ctx);
  if (route == "events") return openEventStream(ctx);
  ctx.error(404, strCat("no such resource: ", jsonQuoted(ctx.path)));
}

}  // namespace casewatch
