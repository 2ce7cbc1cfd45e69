// GET /api/v1/events: the opening of the Server-Sent Events stream, and each alert change as one
// message of it (the server writes them; http_server.cc).
#include "daemon/http/api_router.h"

#include "base/str_cat.h"

namespace casewatch {
namespace {

using Json = ApiJson;

}  // namespace

void ApiRouter::openEventStream(ApiContext& ctx) {
  if (!ctx.onlyParams({})) return;
  ApiResponse r;
  r.content_type = "text/event-stream";
  r.event_stream = true;
  r.headers = {{"Cache-Control", "no-store"}, {"X-Accel-Buffering", "no"}};
  r.body = ": casewatch alert changes (HTTP API v1 extension)\nretry: 2000\n\n";
  ctx.reply(std::move(r));
}

std::string ApiRouter::eventMessage(const AlertChange& change, uint64_t sequence) const {
  const int offset = options_.json.utc_offset_minutes;
  Json j;
  j["change"] = changeKindName(change.kind);
  j["by"] = change.actor;
  j["note"] = change.note;
  j["at"] = formatRfc3339(change.at, offset);
  // One line of JSON (no raw newlines), as an SSE `data:` field needs.
  return strCat("id: ", sequence, "\nevent: change\ndata: {\"change\":", dumpJson(j["change"]),
                ",\"by\":", dumpJson(j["by"]), ",\"note\":", dumpJson(j["note"]),
                ",\"at\":", dumpJson(j["at"]), ",\"alert\":", alertJsonOf(change, options_.json),
                "}\n\n");
}

}  // namespace casewatch
