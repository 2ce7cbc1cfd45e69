// alertmanager: Prometheus Alertmanager API v2 nodes (alerts/sinks/alertmanager/). Documented key
// by key in config/casewatch.yaml.
#pragma once

#include <string>
#include <vector>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct AlertmanagerConfig {
  std::vector<std::string> urls;  // http://host:port[/prefix]; empty = off
  int resend_interval_seconds = 60;
  int timeout_ms = 5000;
  int retry_initial_ms = 500;
  int retry_max_ms = 30000;
  std::string external_url;  // generatorURL base; "" = http://<http.listen> (or 127.0.0.1)
  friend bool operator==(const AlertmanagerConfig&, const AlertmanagerConfig&) = default;
};

// The `alertmanager` section: its keys read from `r`, the checks across them reported under `path`,
// and its keys written back into the map the writer has open.
void decodeConfig(MapReader& r, AlertmanagerConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const AlertmanagerConfig& c);
void writeConfig(ConfigWriter& w, const AlertmanagerConfig& c);

}  // namespace casewatch
