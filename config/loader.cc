#include "config/loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace casewatch {

std::optional<ConfigNode> loadConfigTree(std::string_view yaml_text,
                                         const std::vector<std::string>& sets,
                                         std::string_view origin, ConfigOrigins& origins,
                                         std::vector<ConfigError>& errors) {
  std::optional<ConfigNode> tree = parseConfigDocument(
      embeddedDefaultConfigYaml(),
      ConfigLoc{ConfigOriginKind::kDefaults, origins.intern("<embedded casewatch.yaml>"), 0, 0},
      errors);
  std::optional<ConfigNode> user = parseConfigDocument(
      yaml_text, ConfigLoc{ConfigOriginKind::kFile, origins.intern(origin), 0, 0}, errors);
  if (!tree || !user) return std::nullopt;
  mergeInto(*tree, std::move(*user));
  for (const std::string& arg : sets) applySet(*tree, arg, origins, errors);
  return tree;
}

std::optional<std::string> readConfigFile(const std::string& path,
                                          std::vector<ConfigError>& errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    errors.push_back({path, std::string("cannot read the config file: ") + std::strerror(errno)});
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    errors.push_back({path, "cannot read the config file"});
    return std::nullopt;
  }
  return text.str();
}

}  // namespace casewatch
