// What the service says about itself and about the caller: liveness, readiness, and who a token
// belongs to.
#include "daemon/http/api_router.h"

namespace casewatch {

void ApiRouter::healthz(ApiContext& ctx) {
  if (!ctx.onlyParams({})) return;
  ctx.ok(R"({"status":"ok"})");
}

void ApiRouter::readyz(ApiContext& ctx) {
  if (!ctx.onlyParams({})) return;
  const Readiness r = options_.readiness ? options_.readiness() : Readiness{};
  if (r.ready()) return ctx.ok(R"({"ready":true})");
  ApiJson j;
  j["ready"] = false;
  j["reasons"] = r.reasons;
  ctx.ok(dumpJson(j), 503);
}

void ApiRouter::whoami(ApiContext& ctx) {
  if (!ctx.onlyParams({})) return;
  ApiJson j;
  j["name"] = ctx.principal->name;
  j["role"] = apiRoleName(ctx.principal->role);
  j["may_act"] = apiRoleAllows(ctx.principal->role, ApiRight::kAct);
  j["may_read_dead_letters"] = apiRoleAllows(ctx.principal->role, ApiRight::kReadDeadLetters);
  ctx.ok(dumpJson(j));
}

}  // namespace casewatch
