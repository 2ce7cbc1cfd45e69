#include "daemon/ha/ha_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, HaConfig& c) {
  r.read("enabled", c.enabled);
  r.read("takeover_seconds", c.takeover_seconds, 1, 300);
  r.read("replica", c.replica);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const HaConfig& c) {
  // A label value and a log word: keep it to what needs no escaping in either.
  for (char ch : c.replica) {
    const bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                       (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
    if (!plain) {
      d.invalid(childPath(path, "replica"),
                "letters, digits, '-', '_' and '.' only; got \"" + c.replica + "\"");
      return;
    }
  }
  if (c.replica.size() > 63) d.invalid(childPath(path, "replica"), "at most 63 characters");
}

void writeConfig(ConfigWriter& w, const HaConfig& c) {
  w.boolean("enabled", c.enabled);
  w.integer("takeover_seconds", c.takeover_seconds);
  w.string("replica", c.replica);
}

}  // namespace casewatch
