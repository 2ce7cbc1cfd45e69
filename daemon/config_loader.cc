#include "daemon/config_loader.h"

#include <optional>

#include "config/config_reader.h"
#include "config/config_writer.h"
#include "config/loader.h"

namespace casewatch {

std::string ConfigResult::describe() const {
  std::string out;
  for (const ConfigError& e : errors) {
    if (!out.empty()) out += '\n';
    out += e.path;
    out += ": ";
    out += e.message;
  }
  return out;
}

ConfigResult loadConfig(std::string_view yaml_text, const std::vector<std::string>& sets,
                        std::string_view origin) {
  ConfigResult result;
  ConfigOrigins origins;
  std::optional<ConfigNode> tree = loadConfigTree(yaml_text, sets, origin, origins, result.errors);
  if (!tree) return result;
  ConfigDecoder decoder(result.errors, /*require_every_key=*/false);
  decodeConfig(decoder, *tree, result.config);
  return result;
}

ConfigResult loadConfigFile(const std::string& path, const std::vector<std::string>& sets) {
  ConfigResult result;
  std::optional<std::string> text = readConfigFile(path, result.errors);
  if (!text) return result;
  return loadConfig(*text, sets, path);
}

ConfigResult loadDefaultConfig(const std::vector<std::string>& sets) {
  return loadConfig("", sets, "<defaults>");
}

ConfigResult decodeConfigForTest(std::string_view yaml_text, bool require_every_key) {
  ConfigResult result;
  ConfigOrigins origins;
  std::optional<ConfigNode> tree = parseConfigDocument(
      yaml_text, ConfigLoc{ConfigOriginKind::kFile, origins.intern("<test>"), 0, 0}, result.errors);
  if (!tree) return result;
  ConfigDecoder decoder(result.errors, require_every_key);
  decodeConfig(decoder, *tree, result.config);
  return result;
}

std::string formatConfigYaml(const Config& config, bool redact_secrets) {
  ConfigWriter w(redact_secrets);
  writeConfig(w, config);
  return w.text();
}

}  // namespace casewatch
