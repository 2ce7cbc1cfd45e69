#include "state/shard_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"
#include "config/yaml_tree.h"

namespace casewatch {
namespace {

// Region codes are at most 12 digits (the national statistical code of a village committee).
constexpr size_t kMaxPrefixDigits = 12;

}  // namespace

void decodeConfig(MapReader& r, ShardConfig& c) {
  r.read("regions", c.regions);
  r.read("forget_foreign_after_days", c.forget_foreign_after_days, 1, 36500);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const ShardConfig& c) {
  const std::string list_path = path.empty() ? "regions" : path + ".regions";
  for (size_t i = 0; i < c.regions.size(); ++i) {
    const std::string& p = c.regions[i];
    const bool digits = !p.empty() && p.size() <= kMaxPrefixDigits &&
                        p.find_first_not_of("0123456789") == std::string::npos;
    if (!digits) {
      d.invalid(
          indexPath(list_path, i),
          "expected a region-code prefix of 1 to 12 digits, e.g. \"3301\"; got \"" + p + "\"");
      continue;
    }
    for (size_t j = 0; j < i; ++j) {
      if (p == c.regions[j]) {
        d.invalid(indexPath(list_path, i), "\"" + p + "\" is listed twice");
        break;
      }
    }
  }
}

void writeConfig(ConfigWriter& w, const ShardConfig& c) {
  w.strings("regions", c.regions);
  w.integer("forget_foreign_after_days", c.forget_foreign_after_days);
}

}  // namespace casewatch
