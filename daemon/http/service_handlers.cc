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
  const bool ready = options_.ops->ready();
  ctx.ok(ready ? R"({"ready":true})" : R"({"ready":false})", ready ? 200 : 503);
}

void ApiRouter::whoami(ApiContext& ctx) {
  if (!ctx.onlyParams({})) return;
  ApiJson j;
  j["name"] = ctx.principal->name;
  j["role"] = apiRoleName(ctx.principal->role);
  j["may_act"] = apiRoleAllows(ctx.principal->role, ApiRight::kAct);
  ctx.ok(dumpJson(j));
}

}  // namespace casewatch
