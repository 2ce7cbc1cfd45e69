// Loading the configuration tree: the embedded defaults (config/casewatch.yaml, compiled in) are
// parsed first; the user's YAML is laid over them (maps merge key by key, lists and scalars are
// replaced whole, a null value counts as an empty map or list); then each `--set key.path=value`
// is applied to that tree. Decoding the tree into typed structs is the daemon's
// (daemon/config_loader.h), each section by the component that owns it.
//
// Start-up and reload only (it allocates freely and uses yaml-cpp, which throws internally); never
// on the event path. Stateless: every function may be called from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "config/yaml_tree.h"

namespace casewatch {

// The text of config/casewatch.yaml as built into the binary (generated source, see
// CMakeLists.txt).
std::string_view embeddedDefaultConfigYaml();

// `yaml_text` over the embedded defaults, with `sets` applied ("key.path=value", the value parsed
// as YAML). `origin` names the text in error locations (usually the file name); `origins` keeps the
// names the tree's locations point at and must outlive the tree. nullopt when a text is not YAML.
std::optional<ConfigNode> loadConfigTree(std::string_view yaml_text,
                                         const std::vector<std::string>& sets,
                                         std::string_view origin, ConfigOrigins& origins,
                                         std::vector<ConfigError>& errors);

// The contents of a config file; nullopt (with an error at `path`) when it cannot be read.
std::optional<std::string> readConfigFile(const std::string& path,
                                          std::vector<ConfigError>& errors);

}  // namespace casewatch
