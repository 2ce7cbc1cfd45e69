#include "daemon/http/http_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

#include "config/address_checks.h"

namespace casewatch {

void decodeConfig(MapReader& r, HttpConfig& c) {
  r.read("listen", c.listen);
  r.read("max_body_bytes", c.max_body_bytes, 1, 1024 * 1024);
  r.read("idle_timeout_seconds", c.idle_timeout_seconds, 1, 86400);
  r.read("header_timeout_seconds", c.header_timeout_seconds, 1, 3600);
  r.read("max_connections", c.max_connections, 1, 100000);
  r.read("max_connections_per_client", c.max_connections_per_client, 1, 100000);
  r.read("max_event_streams", c.max_event_streams, 0, 100000);
  r.read("max_event_streams_per_client", c.max_event_streams_per_client, 0, 100000);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const HttpConfig& c) {
  if (!c.listen.empty() && !isHostPort(c.listen)) {
    d.invalid(childPath(path, "listen"),
              "expected host:port with a port 0..65535 (or \"\" for no HTTP API), got " +
                  inQuotes(c.listen));
  }
  if (c.max_connections_per_client > c.max_connections) {
    d.invalid(childPath(path, "max_connections_per_client"),
              "must be at most max_connections (" + std::to_string(c.max_connections) + "), got " +
                  std::to_string(c.max_connections_per_client));
  }
  if (c.max_event_streams_per_client > c.max_event_streams) {
    d.invalid(childPath(path, "max_event_streams_per_client"),
              "must be at most max_event_streams (" + std::to_string(c.max_event_streams) +
                  "), got " + std::to_string(c.max_event_streams_per_client));
  }
}

void writeConfig(ConfigWriter& w, const HttpConfig& c) {
  w.string("listen", c.listen);
  w.integer("max_body_bytes", static_cast<long long>(c.max_body_bytes));
  w.integer("idle_timeout_seconds", c.idle_timeout_seconds);
  w.integer("header_timeout_seconds", c.header_timeout_seconds);
  w.integer("max_connections", static_cast<long long>(c.max_connections));
  w.integer("max_connections_per_client", static_cast<long long>(c.max_connections_per_client));
  w.integer("max_event_streams", static_cast<long long>(c.max_event_streams));
  w.integer("max_event_streams_per_client", static_cast<long long>(c.max_event_streams_per_client));
}

}  // namespace casewatch
