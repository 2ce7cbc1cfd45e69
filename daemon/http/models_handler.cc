// The running models' state: what each has learnt or uses (escalation_risk: the fit in use, its
// held-out AUC and calibration table, the gates, pinned or learning, why no alert yet;
// repeat_visit: the Hawkes μ, α, β in use, fitted or configured). Read-only; each model describes
// itself (Model::stateJson).
#include "daemon/http/api_router.h"

namespace casewatch {

void ApiRouter::models(ApiContext& ctx) {
  if (!ctx.onlyParams({})) return;
  ApiJson list = ApiJson::array();
  for (const ModelState& m : options_.ops->modelStates()) {
    ApiJson state = m.json.empty() ? ApiJson::object() : ApiJson::parse(m.json, nullptr, false);
    if (state.is_discarded()) state = ApiJson::object();
    list.push_back({{"name", m.name}, {"state", std::move(state)}});
  }
  ApiJson j;
  j["models"] = std::move(list);
  ctx.ok(dumpJson(j));
}

}  // namespace casewatch
