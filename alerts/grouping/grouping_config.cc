#include "alerts/grouping/grouping_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {

void decodeConfig(MapReader& r, GroupingConfig& c) {
  r.read("enabled", c.enabled);
  r.read("parent_models", c.parent_models);
  r.read("member_models", c.member_models);
}

void validateConfig(ConfigDecoder& d, const std::string& path, const GroupingConfig& c) {
  for (const auto* list : {&c.parent_models, &c.member_models}) {
    const std::string at =
        childPath(path, list == &c.parent_models ? "parent_models" : "member_models");
    for (size_t i = 0; i < list->size(); ++i) {
      if ((*list)[i].empty()) d.invalid(indexPath(at, i), "must not be empty");
    }
  }
}

void writeConfig(ConfigWriter& w, const GroupingConfig& c) {
  w.boolean("enabled", c.enabled);
  w.strings("parent_models", c.parent_models);
  w.strings("member_models", c.member_models);
}

}  // namespace casewatch
