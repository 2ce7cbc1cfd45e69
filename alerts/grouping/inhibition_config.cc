#include "alerts/grouping/inhibition_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {
namespace {

const EnumTable<int> kAlertTiers = {{"blue", 1}, {"yellow", 2}, {"orange", 3}, {"red", 4}};

}  // namespace

void decodeConfig(MapReader& r, InhibitionConfig& c) {
  r.read("enabled", c.enabled);
  r.readChoice("min_tier", c.min_tier, kAlertTiers);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const InhibitionConfig& c) {
  (void)d, (void)path, (void)c;  // each key stands alone
}

void writeConfig(ConfigWriter& w, const InhibitionConfig& c) {
  w.boolean("enabled", c.enabled);
  w.name("min_tier", c.min_tier);
}

}  // namespace casewatch
