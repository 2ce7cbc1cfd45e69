#include "daemon/http/web_assets.h"

namespace casewatch {

const WebAsset* findWebAsset(std::string_view url_path) {
  if (url_path.empty() || url_path.front() != '/') return nullptr;
  std::string_view name = url_path.substr(1);
  if (name.empty()) name = "index.html";
  for (const WebAsset& a : webAssets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::string_view webContentType(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".json")) return "application/json";
  return "application/octet-stream";
}

}  // namespace casewatch
