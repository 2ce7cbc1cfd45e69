// http: the HTTP API v1 and the duty console (daemon/http/). Documented key by key in
// config/casewatch.yaml.
#pragma once

#include <cstddef>
#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct HttpConfig {
  std::string listen = "127.0.0.1:9470";  // host:port; "" = off
  size_t max_body_bytes = 1024 * 1024;    // largest request body accepted (413 above)
  int idle_timeout_seconds = 60;          // a keep-alive connection idle this long is closed
  friend bool operator==(const HttpConfig&, const HttpConfig&) = default;
};

// The `http` section: its keys read from `r`, the checks across them reported under `path`,
// and its keys written back into the map the writer has open.
void decodeConfig(MapReader& r, HttpConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const HttpConfig& c);
void writeConfig(ConfigWriter& w, const HttpConfig& c);

}  // namespace casewatch
