#include "alerts/sinks/alertmanager/alertmanager_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

#include <map>

#include "config/address_checks.h"

namespace casewatch {

void decodeConfig(MapReader& r, AlertmanagerConfig& c) {
  r.read("urls", c.urls);
  r.read("resend_interval_seconds", c.resend_interval_seconds, 1, 3600);
  r.read("timeout_ms", c.timeout_ms, 10, 600000);
  r.read("retry_initial_ms", c.retry_initial_ms, 1, 3600000);
  r.read("retry_max_ms", c.retry_max_ms, 1, 3600000);
  r.read("external_url", c.external_url);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const AlertmanagerConfig& c) {
  const std::string urls_path = childPath(path, "urls");
  std::map<std::string, size_t> urls;
  for (size_t i = 0; i < c.urls.size(); ++i) {
    const std::string at = indexPath(urls_path, i);
    if (!isHttpUrl(c.urls[i])) {
      d.invalid(at,
                "expected http://host:port with an optional path (https is not supported: "
                "use a local TLS proxy), got " +
                    inQuotes(c.urls[i]));
    } else if (const auto [it, fresh] = urls.emplace(c.urls[i], i); !fresh) {
      d.invalid(at, "the same URL as " + indexPath(urls_path, it->second));
    }
  }
  const std::string initial = childPath(path, "retry_initial_ms");
  const std::string max = childPath(path, "retry_max_ms");
  if (!d.failed(initial) && !d.failed(max) && c.retry_initial_ms > c.retry_max_ms) {
    d.invalid(max, "must be at least retry_initial_ms (" + std::to_string(c.retry_initial_ms) +
                       "), got " + std::to_string(c.retry_max_ms));
  }
  if (!c.external_url.empty() && c.external_url.substr(0, 7) != "http://" &&
      c.external_url.substr(0, 8) != "https://") {
    d.invalid(childPath(path, "external_url"),
              "expected an http:// or https:// URL (or \"\"), got " + inQuotes(c.external_url));
  }
}

void writeConfig(ConfigWriter& w, const AlertmanagerConfig& c) {
  w.strings("urls", c.urls);
  w.integer("resend_interval_seconds", c.resend_interval_seconds);
  w.integer("timeout_ms", c.timeout_ms);
  w.integer("retry_initial_ms", c.retry_initial_ms);
  w.integer("retry_max_ms", c.retry_max_ms);
  w.string("external_url", c.external_url);
}

}  // namespace casewatch
