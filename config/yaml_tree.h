// A small owned tree of the parsed YAML, and the two ways trees are combined: the user's file laid
// over the embedded defaults, and `--set key.path=value` applied on top.
//
// yaml-cpp's nodes share state and grow entries when indexed; merging and `--set` are far easier
// to get right on plain values. Each node remembers where it came from, so that errors can point at
// the line the operator has to fix. yaml-cpp stays inside yaml_tree.cc: readers of the tree
// (config/config_reader.h) never see it.
//
// Start-up and reload only; stateless apart from the ConfigOrigins passed in.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"

namespace casewatch {

enum class ConfigOriginKind { kDefaults, kFile, kSet };

struct ConfigLoc {
  ConfigOriginKind kind = ConfigOriginKind::kDefaults;
  const std::string* origin = nullptr;  // owned by a ConfigOrigins
  int line = 0;                         // 1-based; 0 = unknown
  int col = 0;
};

struct ConfigMapEntry;

struct ConfigNode {
  enum class Kind { kNull, kScalar, kMap, kSeq };
  Kind kind = Kind::kNull;
  std::string scalar;
  bool plain = false;               // untagged and unquoted: may be read as a number or a boolean
  std::vector<ConfigMapEntry> map;  // in document order
  std::vector<ConfigNode> seq;
  ConfigLoc loc;
};

struct ConfigMapEntry {
  std::string key;
  ConfigLoc key_loc;
  ConfigNode value;
};

// Keeps the origin names alive for the ConfigLocs that point at them.
struct ConfigOrigins {
  std::deque<std::string> origins;
  const std::string* intern(std::string_view s) { return &origins.emplace_back(s); }
};

// " (at file:line:col)", " (from --set ...)", or "" for the embedded defaults: appended to a
// message so that it says where to look.
std::string locationSuffix(const ConfigLoc& loc);

// Key paths as errors show them: "clocks.overrides[0].handling_days".
std::string childPath(const std::string& path, std::string_view key);
std::string indexPath(const std::string& path, size_t i);
std::string inQuotes(std::string_view s);

// How a value reads in an error: "a map", "a list", "nothing (null)", "\"text\"".
std::string describeNode(const ConfigNode& n);
// For a value that had to be a number or boolean: a quoted "30" is text in YAML, so say so.
std::string describeNonPlain(const ConfigNode& n);

// Parses a whole document, which must be a map (or empty); nullopt (with an error at
// "<origin>:<line>:<col>") on a syntax error.
std::optional<ConfigNode> parseConfigDocument(std::string_view text, const ConfigLoc& base,
                                              std::vector<ConfigError>& errors);

// Lays `over` on `base`: maps merge key by key, anything else replaces. A null over a map keeps
// the map, so a section whose keys are all commented out means "defaults", not an error.
void mergeInto(ConfigNode& base, ConfigNode&& over);

// Applies one `--set key.path=value` (the value parsed as YAML; list indices are path segments and
// index == size appends); false (with an error at "--set <arg>") when it cannot.
bool applySet(ConfigNode& root, const std::string& arg, ConfigOrigins& origins,
              std::vector<ConfigError>& errors);

}  // namespace casewatch
