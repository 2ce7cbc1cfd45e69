#include "daemon/http/http_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

#include "config/address_checks.h"

namespace casewatch {

void decodeConfig(MapReader& r, HttpConfig& c) {
  r.read("listen", c.listen);
  r.read("max_body_bytes", c.max_body_bytes, 1, 1024 * 1024);
  r.read("idle_timeout_seconds", c.idle_timeout_seconds, 1, 86400);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const HttpConfig& c) {
  if (!c.listen.empty() && !isHostPort(c.listen)) {
    d.invalid(childPath(path, "listen"),
              "expected host:port with a port 0..65535 (or \"\" for no HTTP API), got " +
                  inQuotes(c.listen));
  }
}

void writeConfig(ConfigWriter& w, const HttpConfig& c) {
  w.string("listen", c.listen);
  w.integer("max_body_bytes", static_cast<long long>(c.max_body_bytes));
  w.integer("idle_timeout_seconds", c.idle_timeout_seconds);
}

}  // namespace casewatch
