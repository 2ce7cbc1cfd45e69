// print_alerts: whether the console sink prints each alert change readably on stdout
// (alerts/sinks/console/). Documented in config/casewatch.yaml.
#pragma once

#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct ConsoleConfig {
  bool print_alerts = true;
  friend bool operator==(const ConsoleConfig&, const ConsoleConfig&) = default;
};

// Its key `print_alerts`, read from the top-level map `r`; written back.
void decodeConfig(MapReader& r, ConsoleConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const ConsoleConfig& c);
void writeConfig(ConfigWriter& w, const ConsoleConfig& c);

}  // namespace casewatch
