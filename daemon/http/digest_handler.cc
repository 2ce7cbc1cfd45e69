// GET /api/v1/digest: the state digest a restart must reproduce (daemon/snapshot/state_digest.h)
// and the counts it covers, so that an operator or a test can compare a restarted daemon with one
// that never stopped. It walks the whole state on the event loop: for checks, not for polling.
#include "daemon/http/api_router.h"

namespace casewatch {

void ApiRouter::digest(ApiContext& ctx) {
  if (!ctx.onlyParams({})) return;
  const AlertOperations::StateDigest d = options_.ops->stateDigest();
  ApiJson j;
  j["digest"] = d.digest;
  j["cases"] = d.cases;
  j["visits"] = d.visits;
  j["active_alerts"] = d.active_alerts;
  j["events_journaled"] = d.events_journaled;
  ApiJson parts = ApiJson::object();
  for (const auto& [name, hex] : d.parts) parts[name] = hex;
  j["parts"] = parts;
  ctx.ok(dumpJson(j));
}

}  // namespace casewatch
