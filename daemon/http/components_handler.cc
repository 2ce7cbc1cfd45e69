// The component tables as the console reads them: each model with its alertname and its label in
// both languages, and the feed kinds and sinks. Derived from daemon/components.cc, so a new model
// shows up in the console with its row and nothing else.
#include "daemon/components.h"
#include "daemon/http/api_router.h"

namespace casewatch {

void ApiRouter::components(ApiContext& ctx) {
  if (!ctx.onlyParams({})) return;
  ApiJson models = ApiJson::array();
  for (const ModelComponent& m : modelComponents()) {
    models.push_back({{"name", m.name},
                      {"alertname", m.alertname},
                      {"description", m.description},
                      {"label", {{"en", m.label.en}, {"zh-CN", m.label.zh_cn}}}});
  }
  ApiJson feeds = ApiJson::array();
  for (const FeedComponent& f : feedComponents()) {
    feeds.push_back({{"name", f.name}, {"description", f.description}});
  }
  ApiJson sinks = ApiJson::array();
  for (const SinkComponent& s : sinkComponents()) {
    sinks.push_back({{"name", s.name}, {"description", s.description}});
  }
  ApiJson j;
  j["models"] = std::move(models);
  j["feeds"] = std::move(feeds);
  j["sinks"] = std::move(sinks);
  ctx.ok(dumpJson(j));
}

}  // namespace casewatch
