#include "daemon/http/api_router.h"

#include <spdlog/spdlog.h>

namespace casewatch {

ApiRouter::ApiRouter(ApiRouterOptions options) : options_(std::move(options)) {}

bool ApiRouter::admit(const ApiRequest& head, ApiResponder respond) {
  ApiContext ctx;
  ctx.headers_only = true;
  ctx.read(head, std::move(respond));
  try {
    route(ctx);
  } catch (const std::exception& e) {
    spdlog::error("HTTP API: {} {} failed: {}", ctx.method, ctx.path, e.what());
    ctx.error(500, "internal error");
  }
  return !*ctx.responded;
}

void ApiRouter::handle(const ApiRequest& request, ApiResponder respond) {
  ApiContext ctx;
  ctx.read(request, std::move(respond));
  try {
    route(ctx);
  } catch (const std::exception& e) {
    // A bug, not bad input (input is checked without exceptions): answer, log, keep serving.
    spdlog::error("HTTP API: {} {} failed: {}", ctx.method, ctx.path, e.what());
    ctx.error(500, "internal error");
  }
}

}  // namespace casewatch
