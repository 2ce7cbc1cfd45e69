// The duty console's static files (web/, embedded: web_assets.h).
#include "daemon/http/api_router.h"
#include "daemon/http/web_assets.h"

namespace casewatch {

void ApiRouter::console(ApiContext& ctx) {
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
  ctx.reply(std::move(r));
}

}  // namespace casewatch
