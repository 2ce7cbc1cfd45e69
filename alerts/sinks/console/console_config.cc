#include "alerts/sinks/console/console_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, ConsoleConfig& c) {
  r.read("print_alerts", c.print_alerts);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const ConsoleConfig& c) {
  (void)d, (void)path, (void)c;  // a boolean stands alone
}

void writeConfig(ConfigWriter& w, const ConsoleConfig& c) {
  w.boolean("print_alerts", c.print_alerts);
}

}  // namespace casewatch
