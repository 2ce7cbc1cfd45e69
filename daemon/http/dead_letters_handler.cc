// The dead letters: feed messages that could not be decoded, newest first, read from the store.
#include "daemon/http/api_router.h"

#include "base/str_cat.h"
#include "daemon/store/alert_store.h"

namespace casewatch {
namespace {

using Json = ApiJson;

constexpr size_t kDefaultDeadLetterLimit = 100;

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

}  // namespace

void ApiRouter::deadLetters(ApiContext& ctx) {
  if (!ctx.onlyParams({"limit"})) return;
  size_t limit = kDefaultDeadLetterLimit;
  if (!ctx.limitParam(limit)) return;
  AlertStore* store = options_.store;
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
      r = jsonResponse(200, dumpJson(j));
    }
    post([respond, r = std::move(r)]() mutable { respond(std::move(r)); });
  });
}

}  // namespace casewatch
