#include "daemon/component_keys.h"

#include <algorithm>
#include <optional>

#include "config/config_writer.h"
#include "config/yaml_tree.h"

namespace casewatch {
namespace {

void collect(const ConfigNode& n, const std::string& path, std::vector<std::string>& out) {
  const bool list_of_maps =
      n.kind == ConfigNode::Kind::kSeq && !n.seq.empty() && n.seq[0].kind == ConfigNode::Kind::kMap;
  if (n.kind == ConfigNode::Kind::kMap) {
    for (const ConfigMapEntry& e : n.map) collect(e.value, childPath(path, e.key), out);
  } else if (list_of_maps) {
    for (const ConfigNode& item : n.seq) collect(item, path + "[]", out);
  } else if (std::find(out.begin(), out.end(), path) == out.end()) {
    out.push_back(path);
  }
}

std::vector<std::string> keysWritten(void (*write)(ConfigWriter&, const ComponentConfigs&)) {
  if (write == nullptr) return {};
  ConfigWriter w;
  write(w, ComponentConfigs{});  // an empty holder reads as every struct's defaults
  return configKeyPaths(w.text());
}

}  // namespace

std::vector<std::string> configKeyPaths(std::string_view yaml_text) {
  std::vector<ConfigError> errors;
  const std::optional<ConfigNode> root = parseConfigDocument(yaml_text, ConfigLoc{}, errors);
  std::vector<std::string> out;
  if (root) collect(*root, "", out);
  return out;
}

std::vector<std::string> modelKeys(const ModelComponent& m) {
  return keysWritten(m.write);
}

std::vector<std::string> feedKindKeys(const FeedComponent& f) {
  FeedConfig item;
  item.kind = std::string(f.name);
  ConfigWriter w;
  writeFeeds(w, feedKinds(), {item});
  constexpr std::string_view kItem = "feeds[].";
  std::vector<std::string> keys;
  for (const std::string& k : configKeyPaths(w.text())) keys.push_back(k.substr(kItem.size()));
  return keys;
}

std::vector<std::string> sinkKeys(const SinkComponent& s) {
  return keysWritten(s.write);
}

}  // namespace casewatch
