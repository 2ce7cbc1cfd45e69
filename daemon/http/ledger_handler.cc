// The key-case ledger: the cases under watch, as AlertOperations keeps them.
#include "daemon/http/api_router.h"

namespace casewatch {
namespace {

using Json = ApiJson;

std::string timeOrEmpty(TimeMs t, int offset) {
  return t == 0 ? "" : formatRfc3339(t, offset);
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

}  // namespace

void ApiRouter::ledger(ApiContext& ctx) {
  if (!ctx.onlyParams({})) return;
  Json list = Json::array();
  for (const LedgerEntry& e : options_.ops->ledger()) {
    list.push_back(ledgerJson(e, options_.json.utc_offset_minutes));
  }
  Json j;
  j["ledger"] = std::move(list);
  ctx.ok(dumpJson(j));
}

}  // namespace casewatch
