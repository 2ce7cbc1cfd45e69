// feeds: the list of inputs. Every item has the shared keys (name, kind, endpoint); `kind:` picks a
// row of the feed table (daemon/components.cc), whose functions decode, check and write the kind's
// own keys (connectors/<kind>/<kind>_config.h) into the item's `own` holder. This file knows no
// kind: the table hands them in. Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>
#include <vector>

#include "config/component_configs.h"

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;
struct ConfigNode;

struct FeedConfig {
  std::string name;
  std::string kind;  // the `kind:` name, set by decoding (the first kind of the table if absent)
  std::string endpoint;  // what the kind reads from: a ZeroMQ endpoint, a file path, "-"
  ComponentConfigs own;  // the kind's own struct, by type; the kind's factory hands it on
  friend bool operator==(const FeedConfig&, const FeedConfig&) = default;
};

// How one kind decodes, checks and writes its own keys; the rows of the feed table are these.
struct FeedKindConfig {
  std::string_view name;  // `kind:`
  // Its keys, read from the item's map after the shared ones, stored in `f.own`.
  void (*decode)(MapReader& r, FeedConfig& f) = nullptr;
  // Its checks, reported under the item's path `at`; may be null.
  void (*validate)(ConfigDecoder& d, const std::string& at, const FeedConfig& f) = nullptr;
  // Its keys, written into the item the writer has open; may be null.
  void (*write)(ConfigWriter& w, const FeedConfig& f) = nullptr;
};

// The kinds, in table order; the first is the kind of an item without `kind:`.
using FeedKinds = std::vector<const FeedKindConfig*>;

// The `feeds` list at `path`: its items decoded, then the checks across them (unique names, an
// endpoint each, then each kind's own); and written back under the key `feeds`.
void decodeFeeds(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                 const FeedKinds& kinds, std::vector<FeedConfig>& feeds);
void validateFeeds(ConfigDecoder& d, const std::string& path, const FeedKinds& kinds,
                   const std::vector<FeedConfig>& feeds);
void writeFeeds(ConfigWriter& w, const FeedKinds& kinds, const std::vector<FeedConfig>& feeds);

}  // namespace casewatch
