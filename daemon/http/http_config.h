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
  // From a request's first byte to the end of its headers; slower is closed (slow-header clients).
  int header_timeout_seconds = 10;
  size_t max_connections = 1024;            // open connections in all
  size_t max_connections_per_client = 32;   // open connections from one remote address
  size_t max_event_streams = 64;            // open GET /api/v1/events streams in all
  size_t max_event_streams_per_client = 4;  // ... from one remote address
  friend bool operator==(const HttpConfig&, const HttpConfig&) = default;
};

// The `http` section: its keys read from `r`, the checks across them reported under `path`,
// and its keys written back into the map the writer has open.
void decodeConfig(MapReader& r, HttpConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const HttpConfig& c);
void writeConfig(ConfigWriter& w, const HttpConfig& c);

}  // namespace casewatch
