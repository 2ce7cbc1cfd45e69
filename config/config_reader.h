// Reading typed settings out of the configuration tree (config/yaml_tree.h): the primitives every
// component's `<component>_config.cc` decodes its section with.
//
// Every problem is collected in a ConfigDecoder, each with the exact key path
// ("feeds[1].kind", "clocks.overrides[0].handling_days"), so that an operator sees all of them at
// once. A MapReader refuses, when it goes out of scope, every key of its map that nobody asked for,
// naming the nearest valid key: a typo must fail at start-up, not go quietly unused.
//
// Start-up and reload only; a ConfigDecoder and its readers belong to one load on one thread.
#pragma once

#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config_error.h"
#include "config/yaml_tree.h"

namespace casewatch {

// Collects the errors of one load and remembers where each value came from.
class ConfigDecoder {
 public:
  ConfigDecoder(std::vector<ConfigError>& errors, bool require_every_key)
      : errors_(errors), require_every_key_(require_every_key) {}

  // On for the test that proves config/casewatch.yaml documents every key.
  bool requireEveryKey() const { return require_every_key_; }

  // A value that could not be decoded, located at `loc`.
  void error(const std::string& path, const std::string& message, const ConfigLoc& loc);
  // A check on decoded values; skipped when the value at `path` already failed to decode, so one
  // mistake gives one error.
  void invalid(const std::string& path, const std::string& message);
  void remember(const std::string& path, const ConfigLoc& loc) { locs_[path] = loc; }
  bool failed(const std::string& path) const { return failed_.count(path) != 0; }

 private:
  std::vector<ConfigError>& errors_;
  bool require_every_key_;
  std::set<std::string> failed_;
  std::map<std::string, ConfigLoc> locs_;
};

inline constexpr int kMaxDays = 3650;
inline constexpr long long kUnbounded = std::numeric_limits<long long>::max();

// The shortest text that reads back as the same double ("0.1", not "0.10000000000000001").
std::string formatNumber(double v);

// --- scalars: each reports its own error and returns false on a bad value ---

bool decodeString(ConfigDecoder& d, const ConfigNode& n, const std::string& path, std::string& out);
bool decodeBool(ConfigDecoder& d, const ConfigNode& n, const std::string& path, bool& out);
bool decodeInteger(ConfigDecoder& d, const ConfigNode& n, const std::string& path, long long lo,
                   long long hi, long long& out);
// A real number in [lo, hi] (integers are numbers too); nan and infinities are refused.
bool decodeNumber(ConfigDecoder& d, const ConfigNode& n, const std::string& path, double lo,
                  double hi, double& out);

// The names an enum is written with, in the order error messages list them.
template <class E>
using EnumTable = std::vector<std::pair<std::string_view, E>>;

template <class E>
std::string allowedNames(const EnumTable<E>& table) {
  std::string out;
  for (const auto& [name, value] : table) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

template <class E>
bool decodeEnum(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                const EnumTable<E>& table, E& out) {
  if (n.kind == ConfigNode::Kind::kScalar) {
    for (const auto& [name, value] : table) {
      if (n.scalar == name) {
        out = value;
        return true;
      }
    }
  }
  d.error(path, "expected one of " + allowedNames(table) + "; got " + describeNode(n), n.loc);
  return false;
}

template <class E>
std::string_view enumName(const EnumTable<E>& table, E value) {
  for (const auto& [name, v] : table) {
    if (v == value) return name;
  }
  return "?";
}

// Decodes a list (null = empty) with `item(node, path, element)` per element.
template <class T, class F>
void decodeList(ConfigDecoder& d, const ConfigNode& n, const std::string& path, std::vector<T>& out,
                F item) {
  out.clear();
  if (n.kind == ConfigNode::Kind::kNull) return;
  if (n.kind != ConfigNode::Kind::kSeq) {
    d.error(path, "expected a list, got " + describeNode(n), n.loc);
    return;
  }
  out.resize(n.seq.size());
  for (size_t i = 0; i < n.seq.size(); ++i) {
    const std::string item_path = indexPath(path, i);
    d.remember(item_path, n.seq[i].loc);
    item(n.seq[i], item_path, out[i]);
  }
}

// Reads the keys of one map. Every key asked for is "known"; when the reader goes out of scope,
// any other key in the map is reported as unknown (with the nearest known key as a hint).
class MapReader {
 public:
  MapReader(ConfigDecoder& d, const ConfigNode& node, std::string path);
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;
  ~MapReader();

  ConfigDecoder& decoder() const { return d_; }
  const std::string& path() const { return path_; }
  std::string pathOf(std::string_view key) const { return childPath(path_, key); }
  // Where the map itself was written (for an error about the map as a whole).
  const ConfigLoc& loc() const { return node_.loc; }

  // The value under `key` without reading it (nullptr when absent).
  const ConfigNode* find(std::string_view key) const;
  // The value under `key`, or nullptr when absent (or when the map itself was not a map).
  const ConfigNode* take(std::string_view key);

  void read(std::string_view key, std::string& out);
  void read(std::string_view key, bool& out);
  void read(std::string_view key, int& out, int lo, int hi);
  void read(std::string_view key, std::optional<int>& out, int lo, int hi);
  void read(std::string_view key, double& out, double lo, double hi);
  void read(std::string_view key, size_t& out, long long lo, long long hi);
  // A list of strings (null = empty).
  void read(std::string_view key, std::vector<std::string>& out);
  template <class E>
  void read(std::string_view key, E& out, const EnumTable<E>& table) {
    if (const ConfigNode* n = take(key)) decodeEnum(d_, *n, pathOf(key), table, out);
  }
  template <class E>
  void read(std::string_view key, std::optional<E>& out, const EnumTable<E>& table) {
    E v{};
    if (const ConfigNode* n = take(key); n && decodeEnum(d_, *n, pathOf(key), table, v)) out = v;
  }
  // A string restricted to the names in `table`.
  void readChoice(std::string_view key, std::string& out, const EnumTable<int>& table);

 private:
  ConfigDecoder& d_;
  const ConfigNode& node_;
  std::string path_;
  bool valid_ = true;
  std::set<std::string, std::less<>> known_;
};

// --- checks across keys, on decoded values ---

// Tier thresholds must not decrease: `lower` at `lower_path` <= `higher` at `higher_path`.
template <typename T>
void checkOrder(ConfigDecoder& d, const std::string& lower_path, T lower,
                const std::string& higher_path, T higher) {
  if (d.failed(lower_path) || d.failed(higher_path) || lower <= higher) return;
  d.invalid(higher_path, "must be at least " + lower_path + " (" + formatNumber(lower) + "), got " +
                             formatNumber(higher));
}

// A file named by a setting must be readable now (start-up), not on first use.
void checkReadableFile(ConfigDecoder& d, const std::string& path, const std::string& file);

}  // namespace casewatch
