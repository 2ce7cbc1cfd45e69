#include "config/loader.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include "base/time.h"

namespace casewatch {
namespace {

// ---------------------------------------------------------------------------------------------
// A small owned tree of the parsed YAML. yaml-cpp's nodes share state and grow entries when
// indexed; merging and `--set` are far easier to get right on plain values. Each node remembers
// where it came from, so that errors can point at the line the operator has to fix.

enum class OriginKind { kDefaults, kFile, kSet };

struct Loc {
  OriginKind kind = OriginKind::kDefaults;
  const std::string* origin = nullptr;  // owned by the LoadContext
  int line = 0;                         // 1-based; 0 = unknown
  int col = 0;
};

struct MapEntry;

struct Node {
  enum class Kind { kNull, kScalar, kMap, kSeq };
  Kind kind = Kind::kNull;
  std::string scalar;
  bool plain = false;         // untagged and unquoted: may be read as a number or a boolean
  std::vector<MapEntry> map;  // in document order
  std::vector<Node> seq;
  Loc loc;
};

struct MapEntry {
  std::string key;
  Loc key_loc;
  Node value;
};

// Keeps the origin names alive for the Locs that point at them.
struct LoadContext {
  std::deque<std::string> origins;
  const std::string* intern(std::string_view s) { return &origins.emplace_back(s); }
};

std::string where(const Loc& loc) {
  if (loc.origin == nullptr) return "";
  switch (loc.kind) {
    case OriginKind::kDefaults:
      return "";  // the operator did not write it; the path says enough
    case OriginKind::kFile:
      if (loc.line == 0) return " (in " + *loc.origin + ")";
      return " (at " + *loc.origin + ":" + std::to_string(loc.line) + ":" +
             std::to_string(loc.col) + ")";
    case OriginKind::kSet:
      return " (from " + *loc.origin + ")";
  }
  return "";
}

std::string childPath(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out = path;
  out += '.';
  out += key;
  return out;
}

std::string indexPath(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::string inQuotes(std::string_view s) {
  std::string out = "\"";
  out += s;
  out += '"';
  return out;
}

// The shortest text that reads back as the same double ("0.1", not "0.10000000000000001").
std::string formatNumber(double v) {
  return fmt::format("{}", v);
}

std::string describeNode(const Node& n);

// For a value that had to be a number or boolean: a quoted "30" is text in YAML, so say so.
std::string describeNonPlain(const Node& n) {
  if (n.kind == Node::Kind::kScalar && !n.plain) {
    return "the quoted string " + inQuotes(n.scalar) + " (remove the quotes)";
  }
  return describeNode(n);
}

std::string describeNode(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kNull:
      return "nothing (null)";
    case Node::Kind::kMap:
      return "a map";
    case Node::Kind::kSeq:
      return "a list";
    case Node::Kind::kScalar:
      return inQuotes(n.scalar);
  }
  return "?";
}

Loc locOf(const YAML::Node& y, const Loc& base) {
  Loc loc = base;
  const YAML::Mark mark = y.Mark();
  if (base.kind == OriginKind::kFile && !mark.is_null()) {
    loc.line = mark.line + 1;
    loc.col = mark.column + 1;
  }
  return loc;
}

Node convert(const YAML::Node& y, const Loc& base, const std::string& path,
             std::vector<ConfigError>& errors) {
  Node n;
  n.loc = locOf(y, base);
  switch (y.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      n.kind = Node::Kind::kNull;
      break;
    case YAML::NodeType::Scalar:
      n.kind = Node::Kind::kScalar;
      n.scalar = y.Scalar();
      n.plain = y.Tag() == "?";
      break;
    case YAML::NodeType::Sequence: {
      n.kind = Node::Kind::kSeq;
      size_t i = 0;
      for (const YAML::Node& item : y) {
        n.seq.push_back(convert(item, base, indexPath(path, i), errors));
        ++i;
      }
      break;
    }
    case YAML::NodeType::Map: {
      n.kind = Node::Kind::kMap;
      for (const auto& kv : y) {
        const Loc key_loc = locOf(kv.first, base);
        if (!kv.first.IsScalar()) {
          errors.push_back({path.empty() ? "<top level>" : path,
                            "a key must be a plain string" + where(key_loc)});
          continue;
        }
        const std::string key = kv.first.Scalar();
        const std::string key_path = childPath(path, key);
        bool duplicate = false;
        for (const MapEntry& e : n.map) duplicate = duplicate || e.key == key;
        if (duplicate) {
          // yaml-cpp keeps both; silently using either would hide a mistake.
          errors.push_back({key_path, "duplicate key" + where(key_loc)});
          continue;
        }
        Node value = convert(kv.second, base, key_path, errors);
        // yaml-cpp marks an empty value at the next token; the key is where the operator looks.
        if (value.kind == Node::Kind::kNull) value.loc = key_loc;
        n.map.push_back({key, key_loc, std::move(value)});
      }
      break;
    }
  }
  return n;
}

// Parses YAML text; nullopt (with an error) on a syntax error, reported at "<origin>:<line>:<col>"
// or, for a `--set` value (`set_arg` non-empty), at "--set <arg>". `path` prefixes the key paths
// of errors inside the value.
std::optional<Node> parseYaml(std::string_view text, const Loc& base, const std::string& path,
                              const std::string& set_arg, std::vector<ConfigError>& errors) {
  YAML::Node y;
  try {
    y = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    if (!set_arg.empty()) {
      errors.push_back({set_arg, "the value is not valid YAML: " + e.msg});
    } else {
      errors.push_back({*base.origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                            std::to_string(e.mark.column + 1),
                        e.msg});
    }
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    errors.push_back({set_arg.empty() ? *base.origin : set_arg, e.what()});
    return std::nullopt;
  }
  return convert(y, base, path, errors);
}

// Parses a whole document, which must be a map (or empty).
std::optional<Node> parseDocument(std::string_view text, const Loc& base,
                                  std::vector<ConfigError>& errors) {
  std::optional<Node> doc = parseYaml(text, base, "", "", errors);
  if (!doc) return std::nullopt;
  if (doc->kind == Node::Kind::kNull) {
    doc->kind = Node::Kind::kMap;
  } else if (doc->kind != Node::Kind::kMap) {
    errors.push_back(
        {*base.origin, "expected a map of settings at the top level, got " + describeNode(*doc)});
    return std::nullopt;
  }
  return doc;
}

// Lays `over` on `base`: maps merge key by key, anything else replaces. A null over a map keeps
// the map, so a section whose keys are all commented out means "defaults", not an error.
void mergeInto(Node& base, Node&& over) {
  if (base.kind == Node::Kind::kMap && over.kind == Node::Kind::kNull) return;
  if (base.kind == Node::Kind::kMap && over.kind == Node::Kind::kMap) {
    for (MapEntry& e : over.map) {
      MapEntry* found = nullptr;
      for (MapEntry& b : base.map) {
        if (b.key == e.key) found = &b;
      }
      if (found == nullptr) {
        base.map.push_back(std::move(e));
      } else {
        found->key_loc = e.key_loc;
        mergeInto(found->value, std::move(e.value));
      }
    }
    base.loc = over.loc;
    return;
  }
  base = std::move(over);
}

std::optional<size_t> parseIndex(std::string_view s) {
  size_t v = 0;
  if (s.empty()) return std::nullopt;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Applies one `--set key.path=value` to the tree; false (with an error) when it cannot.
bool applySet(Node& root, const std::string& arg, LoadContext& ctx,
              std::vector<ConfigError>& errors) {
  const std::string error_path = "--set " + arg;
  auto fail = [&](std::string message) {
    errors.push_back({error_path, std::move(message)});
    return false;
  };
  const size_t eq = arg.find('=');
  if (eq == std::string::npos) return fail("expected key.path=value");
  const std::string_view key_path = std::string_view(arg).substr(0, eq);
  const std::string_view value_text = std::string_view(arg).substr(eq + 1);
  std::vector<std::string> segments;
  for (size_t start = 0;;) {
    const size_t dot = key_path.find('.', start);
    segments.emplace_back(
        key_path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (segments.back().empty()) return fail("empty key in the path");
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }

  Loc base{OriginKind::kSet, ctx.intern(error_path), 0, 0};
  Node value;
  if (value_text.empty()) {
    // `--set metrics.listen=` means the empty string, not null.
    value.kind = Node::Kind::kScalar;
    value.loc = base;
  } else {
    std::vector<ConfigError> value_errors;
    std::optional<Node> parsed =
        parseYaml(value_text, base, std::string(key_path), error_path, value_errors);
    if (!parsed || !value_errors.empty()) {
      for (ConfigError& e : value_errors) errors.push_back({error_path, e.message});
      return false;
    }
    value = std::move(*parsed);
  }

  Node* cur = &root;
  std::string shown;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& seg = segments[i];
    const bool last = i + 1 == segments.size();
    if (cur->kind == Node::Kind::kNull) {
      // An empty section: give it the shape the path asks for.
      cur->kind = parseIndex(seg) ? Node::Kind::kSeq : Node::Kind::kMap;
    }
    Node* next = nullptr;
    if (cur->kind == Node::Kind::kScalar) {
      return fail("cannot go into " + (shown.empty() ? std::string("the top level") : shown) +
                  ": it is a single value, not a map or list");
    } else if (cur->kind == Node::Kind::kMap) {
      for (MapEntry& e : cur->map) {
        if (e.key == seg) next = &e.value;
      }
      if (next == nullptr) {
        // A new key; if it is not one the loader knows, validation reports it as unknown.
        cur->map.push_back({seg, base, Node{}});
        cur->map.back().value.loc = base;
        next = &cur->map.back().value;
      }
      shown = childPath(shown, seg);
    } else {
      const std::optional<size_t> index = parseIndex(seg);
      if (!index) return fail(inQuotes(seg) + " is not a list index, and " + shown + " is a list");
      if (*index > cur->seq.size()) {
        return fail("index " + seg + " is out of range: " + shown + " has " +
                    std::to_string(cur->seq.size()) + " items (an index equal to that appends)");
      }
      if (*index == cur->seq.size()) {
        cur->seq.emplace_back();
        cur->seq.back().loc = base;
      }
      next = &cur->seq[*index];
      shown = indexPath(shown, *index);
    }
    if (last) {
      mergeInto(*next, std::move(value));
      return true;
    }
    cur = next;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Decoding the tree into the structs.

class Decoder {
 public:
  Decoder(std::vector<ConfigError>& errors, bool require_every_key)
      : errors_(errors), require_every_key_(require_every_key) {}

  bool requireEveryKey() const { return require_every_key_; }

  void error(const std::string& path, const std::string& message, const Loc& loc) {
    errors_.push_back({path, message + where(loc)});
    failed_.insert(path);
  }
  // A check on decoded values; skipped when the value at `path` already failed to decode, so one
  // mistake gives one error.
  void invalid(const std::string& path, const std::string& message) {
    if (failed_.count(path) != 0) return;
    // A key left out has no location of its own: point at the nearest enclosing value.
    for (std::string p = path;;) {
      if (const auto it = locs_.find(p); it != locs_.end()) return error(path, message, it->second);
      const size_t cut = p.find_last_of(".[");
      if (cut == std::string::npos || cut == 0) break;
      p.resize(cut);
    }
    error(path, message, Loc{});
  }
  void remember(const std::string& path, const Loc& loc) { locs_[path] = loc; }
  bool failed(const std::string& path) const { return failed_.count(path) != 0; }

 private:
  std::vector<ConfigError>& errors_;
  bool require_every_key_;
  std::set<std::string> failed_;
  std::map<std::string, Loc> locs_;
};

// --- scalars ---

bool decodeString(Decoder& d, const Node& n, const std::string& path, std::string& out) {
  if (n.kind != Node::Kind::kScalar) {
    std::string hint;
    if (n.kind == Node::Kind::kNull) hint = "; write \"\" for an empty one";
    // `--set metrics.listen=[::1]:9464` reads as a YAML list: say how to pass text.
    if (n.loc.kind == OriginKind::kSet) hint = "; quote the value to pass it as text";
    d.error(path, "expected a string, got " + describeNode(n) + hint, n.loc);
    return false;
  }
  out = n.scalar;
  return true;
}

bool decodeBool(Decoder& d, const Node& n, const std::string& path, bool& out) {
  if (n.kind == Node::Kind::kScalar && n.plain) {
    const std::string& s = n.scalar;
    if (s == "true" || s == "True" || s == "TRUE") {
      out = true;
      return true;
    }
    if (s == "false" || s == "False" || s == "FALSE") {
      out = false;
      return true;
    }
  }
  d.error(path, "expected true or false, got " + describeNonPlain(n), n.loc);
  return false;
}

bool decodeInteger(Decoder& d, const Node& n, const std::string& path, long long lo, long long hi,
                   long long& out) {
  std::optional<long long> v;
  if (n.kind == Node::Kind::kScalar && n.plain && !n.scalar.empty()) {
    std::string_view s = n.scalar;
    if (s.front() == '+') s.remove_prefix(1);
    long long parsed = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (ec == std::errc() && ptr == s.data() + s.size()) {
      v = parsed;
    } else if (ec == std::errc::result_out_of_range) {
      d.error(path, "the number " + n.scalar + " is too large", n.loc);
      return false;
    }
  }
  if (!v) {
    d.error(path, "expected an integer, got " + describeNonPlain(n), n.loc);
    return false;
  }
  if (*v < lo || *v > hi) {
    const std::string range = hi == std::numeric_limits<long long>::max()
                                  ? "at least " + std::to_string(lo)
                                  : "between " + std::to_string(lo) + " and " + std::to_string(hi);
    d.error(path, "must be " + range + ", got " + n.scalar, n.loc);
    return false;
  }
  out = *v;
  return true;
}

// A real number in [lo, hi] (integers are numbers too); nan and infinities are refused.
bool decodeNumber(Decoder& d, const Node& n, const std::string& path, double lo, double hi,
                  double& out) {
  std::optional<double> v;
  if (n.kind == Node::Kind::kScalar && n.plain && !n.scalar.empty()) {
    std::string_view s = n.scalar;
    if (s.front() == '+') s.remove_prefix(1);
    double parsed = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(parsed)) v = parsed;
  }
  if (!v) {
    d.error(path, "expected a number, got " + describeNonPlain(n), n.loc);
    return false;
  }
  if (*v < lo || *v > hi) {
    d.error(
        path,
        "must be between " + formatNumber(lo) + " and " + formatNumber(hi) + ", got " + n.scalar,
        n.loc);
    return false;
  }
  out = *v;
  return true;
}

template <class E>
using EnumTable = std::vector<std::pair<std::string_view, E>>;

template <class E>
std::string allowed(const EnumTable<E>& table) {
  std::string out;
  for (const auto& [name, value] : table) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

template <class E>
bool decodeEnum(Decoder& d, const Node& n, const std::string& path, const EnumTable<E>& table,
                E& out) {
  if (n.kind == Node::Kind::kScalar) {
    for (const auto& [name, value] : table) {
      if (n.scalar == name) {
        out = value;
        return true;
      }
    }
  }
  d.error(path, "expected one of " + allowed(table) + "; got " + describeNode(n), n.loc);
  return false;
}

template <class E>
std::string_view enumName(const EnumTable<E>& table, E value) {
  for (const auto& [name, v] : table) {
    if (v == value) return name;
  }
  return "?";
}

const EnumTable<FeedKind> kFeedKinds = {
    {"zmq_pull", FeedKind::kZmqPull}, {"zmq_sub", FeedKind::kZmqSub}, {"jsonl", FeedKind::kJsonl}};
const EnumTable<LogFormat> kLogFormats = {{"text", LogFormat::kText}, {"json", LogFormat::kJson}};
const EnumTable<ClockSource> kClockSources = {{"wall", ClockSource::kWall},
                                              {"event", ClockSource::kEvent}};
const EnumTable<DayCount> kDayCounts = {{"calendar", DayCount::kCalendar},
                                        {"working", DayCount::kWorking}};
// Strings kept as strings in Config, but only these values are accepted.
const EnumTable<int> kLocales = {{"en", 0}, {"zh-CN", 1}};
const EnumTable<int> kLogLevels = {
    {"trace", 0}, {"debug", 1}, {"info", 2}, {"warn", 3}, {"error", 4}};
const EnumTable<int> kChannels = {{"visit", 0}, {"letter", 1}, {"online", 2}, {"phone", 3}};
const EnumTable<ApiRole> kApiRoles = {{"viewer", ApiRole::kViewer},
                                      {"duty_officer", ApiRole::kDutyOfficer},
                                      {"leader", ApiRole::kLeader}};

size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Reads the keys of one map. Every key asked for is "known"; when the reader goes out of scope,
// any other key in the map is reported as unknown (with the nearest known key as a hint).
class MapReader {
 public:
  MapReader(Decoder& d, const Node& node, std::string path)
      : d_(d), node_(node), path_(std::move(path)) {
    if (node.kind != Node::Kind::kMap && node.kind != Node::Kind::kNull) {
      d_.error(path_.empty() ? "<top level>" : path_, "expected a map, got " + describeNode(node),
               node.loc);
      valid_ = false;
    }
  }
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  ~MapReader() {
    if (!valid_) return;
    for (const MapEntry& e : node_.map) {
      if (known_.count(e.key) != 0) continue;
      std::string hint;
      size_t best = 3;  // suggest only near misses
      for (const std::string& k : known_) {
        const size_t dist = editDistance(e.key, k);
        if (dist < best) {
          best = dist;
          hint = " (did you mean " + inQuotes(k) + "?)";
        }
      }
      d_.error(childPath(path_, e.key), "unknown key" + hint, e.key_loc);
    }
  }

  const std::string& path() const { return path_; }
  std::string pathOf(std::string_view key) const { return childPath(path_, key); }

  // The value under `key` without reading it (nullptr when absent).
  const Node* find(std::string_view key) const {
    for (const MapEntry& e : node_.map) {
      if (e.key == key) return &e.value;
    }
    return nullptr;
  }

  // The value under `key`, or nullptr when absent (or when the map itself was not a map).
  const Node* take(std::string_view key) {
    known_.emplace(key);
    if (!valid_) return nullptr;
    for (const MapEntry& e : node_.map) {
      if (e.key == key) {
        d_.remember(pathOf(key), e.value.loc);
        return &e.value;
      }
    }
    if (d_.requireEveryKey()) {
      d_.error(pathOf(key), "missing: every key must be given here", node_.loc);
    }
    return nullptr;
  }

  void read(std::string_view key, std::string& out) {
    if (const Node* n = take(key)) decodeString(d_, *n, pathOf(key), out);
  }
  void read(std::string_view key, bool& out) {
    if (const Node* n = take(key)) decodeBool(d_, *n, pathOf(key), out);
  }
  void read(std::string_view key, int& out, int lo, int hi) {
    long long v = 0;
    if (const Node* n = take(key); n && decodeInteger(d_, *n, pathOf(key), lo, hi, v)) {
      out = static_cast<int>(v);
    }
  }
  void read(std::string_view key, std::optional<int>& out, int lo, int hi) {
    long long v = 0;
    if (const Node* n = take(key); n && decodeInteger(d_, *n, pathOf(key), lo, hi, v)) {
      out = static_cast<int>(v);
    }
  }
  void read(std::string_view key, double& out, double lo, double hi) {
    double v = 0;
    if (const Node* n = take(key); n && decodeNumber(d_, *n, pathOf(key), lo, hi, v)) out = v;
  }
  void read(std::string_view key, size_t& out, long long lo, long long hi) {
    long long v = 0;
    if (const Node* n = take(key); n && decodeInteger(d_, *n, pathOf(key), lo, hi, v)) {
      out = static_cast<size_t>(v);
    }
  }
  template <class E>
  void read(std::string_view key, E& out, const EnumTable<E>& table) {
    if (const Node* n = take(key)) decodeEnum(d_, *n, pathOf(key), table, out);
  }
  template <class E>
  void read(std::string_view key, std::optional<E>& out, const EnumTable<E>& table) {
    E v{};
    if (const Node* n = take(key); n && decodeEnum(d_, *n, pathOf(key), table, v)) out = v;
  }
  // A string restricted to the names in `table`.
  void readChoice(std::string_view key, std::string& out, const EnumTable<int>& table) {
    int ignored = 0;
    if (const Node* n = take(key); n && decodeEnum(d_, *n, pathOf(key), table, ignored)) {
      out = n->scalar;
    }
  }

 private:
  Decoder& d_;
  const Node& node_;
  std::string path_;
  bool valid_ = true;
  std::set<std::string, std::less<>> known_;
};

// Decodes a list (null = empty) with `item(node, path, element)` per element.
template <class T, class F>
void decodeList(Decoder& d, const Node& n, const std::string& path, std::vector<T>& out, F item) {
  out.clear();
  if (n.kind == Node::Kind::kNull) return;
  if (n.kind != Node::Kind::kSeq) {
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

constexpr int kMaxDays = 3650;
constexpr long long kUnbounded = std::numeric_limits<long long>::max();

void decodeFeed(Decoder& d, const Node& n, const std::string& path, FeedConfig& f) {
  MapReader r(d, n, path);
  r.read("name", f.name);
  r.read("kind", f.kind, kFeedKinds);
  r.read("endpoint", f.endpoint);
  r.read("bind", f.bind);
  if (const Node* topics = r.take("topics")) {
    decodeList(
        d, *topics, r.pathOf("topics"), f.topics,
        [&](const Node& t, const std::string& p, std::string& out) { decodeString(d, t, p, out); });
  }
  r.read("rcvhwm", f.rcvhwm, 0, INT_MAX);
}

constexpr std::string_view kOverrideKeys[] = {"procedural_reply_days", "routing_days",
                                              "handling_days",         "review_days",
                                              "recheck_days",          "day_count"};

void decodeOverride(Decoder& d, const Node& n, const std::string& path, ClockOverride& o) {
  MapReader r(d, n, path);
  r.read("agency", o.agency);
  r.readChoice("channel", o.channel, kChannels);
  r.read("procedural_reply_days", o.procedural_reply_days, 1, kMaxDays);
  r.read("routing_days", o.routing_days, 1, kMaxDays);
  r.read("handling_days", o.handling_days, 1, kMaxDays);
  r.read("review_days", o.review_days, 1, kMaxDays);
  r.read("recheck_days", o.recheck_days, 1, kMaxDays);
  r.read("day_count", o.day_count, kDayCounts);
  // Checked on what was written rather than on what decoded, so that a bad value is one error.
  const Node* channel = r.find("channel");
  if (o.agency.empty() &&
      (channel == nullptr || channel->kind != Node::Kind::kScalar || channel->scalar.empty())) {
    d.error(path, "an override must name an agency, a channel or both", n.loc);
  }
  bool sets_any = false;
  for (std::string_view key : kOverrideKeys) sets_any = sets_any || r.find(key) != nullptr;
  if (!sets_any) {
    d.error(path,
            "an override must set at least one of procedural_reply_days, routing_days, "
            "handling_days, review_days, recheck_days, day_count",
            n.loc);
  }
}

void decodeClocks(Decoder& d, const Node& n, const std::string& path, ClocksConfig& c) {
  MapReader r(d, n, path);
  r.read("procedural_reply_days", c.procedural_reply_days, 1, kMaxDays);
  r.read("routing_days", c.routing_days, 1, kMaxDays);
  r.read("handling_days", c.handling_days, 1, kMaxDays);
  r.read("review_days", c.review_days, 1, kMaxDays);
  r.read("recheck_days", c.recheck_days, 1, kMaxDays);
  r.read("day_count", c.day_count, kDayCounts);
  r.read("holiday_calendar", c.holiday_calendar);
  if (const Node* tz = r.take("timezone")) {
    std::string text;
    if (decodeString(d, *tz, r.pathOf("timezone"), text)) {
      if (const std::optional<int> offset = parseUtcOffset(text)) {
        c.utc_offset_minutes = *offset;
      } else {
        d.error(r.pathOf("timezone"),
                "expected a UTC offset such as \"+08:00\", \"-05:30\" or \"Z\", got " +
                    describeNode(*tz),
                tz->loc);
      }
    }
  }
  r.read("warning_days", c.warning_days, 0, 365);
  r.read("red_after_days", c.red_after_days, 0, kMaxDays);
  if (const Node* overrides = r.take("overrides")) {
    decodeList(d, *overrides, r.pathOf("overrides"), c.overrides,
               [&](const Node& item, const std::string& p, ClockOverride& o) {
                 decodeOverride(d, item, p, o);
               });
  }
}

const EnumTable<int> kEarsMethods = {{"c1", 1}, {"c2", 2}, {"c3", 3}};

void decodeRepeatVisit(Decoder& d, const Node& n, const std::string& path, RepeatVisitConfig& c) {
  MapReader r(d, n, path);
  r.read("hawkes_mu", c.hawkes_mu, 0, 100);
  r.read("hawkes_alpha", c.hawkes_alpha, 0, 100);
  r.read("hawkes_beta", c.hawkes_beta, 1e-6, 100);
  r.read("above_level_weight", c.above_level_weight, 1, 100);
  r.read("yellow_returns_30d", c.yellow_returns_30d, 1, 10000);
  r.read("yellow_lambda", c.yellow_lambda, 0, 1000);
  r.read("orange_returns_30d", c.orange_returns_30d, 1, 10000);
  r.read("orange_lambda", c.orange_lambda, 0, 1000);
  r.read("red_returns_30d", c.red_returns_30d, 1, 10000);
  r.read("red_returns_90d", c.red_returns_90d, 1, 10000);
  r.read("quiet_days", c.quiet_days, 1, kMaxDays);
  r.read("matter_min_persons", c.matter_min_persons, 2, 10000);
  r.read("matter_min_returns_90d", c.matter_min_returns_90d, 1, 10000);
}

void decodeEscalationRisk(Decoder& d, const Node& n, const std::string& path,
                          EscalationRiskConfig& c) {
  MapReader r(d, n, path);
  r.read("model_file", c.model_file);
  r.read("blue_probability", c.blue_probability, 0, 1);
  r.read("yellow_probability", c.yellow_probability, 0, 1);
  r.read("orange_probability", c.orange_probability, 0, 1);
  r.read("red_probability", c.red_probability, 0, 1);
  r.read("top_features", c.top_features, 1, 20);
  r.read("visit_half_life_days", c.visit_half_life_days, 0.1, 3650);
}

void decodeGroupIncident(Decoder& d, const Node& n, const std::string& path,
                         GroupIncidentConfig& c) {
  MapReader r(d, n, path);
  r.read("large_group_size", c.large_group_size, 2, 1000000);
  r.read("yellow_persons_24h", c.yellow_persons_24h, 2, 1000000);
  r.read("yellow_persons_7d", c.yellow_persons_7d, 2, 1000000);
  r.read("orange_persons_24h", c.orange_persons_24h, 2, 1000000);
  r.read("orange_persons_7d", c.orange_persons_7d, 2, 1000000);
  r.read("red_persons_24h", c.red_persons_24h, 2, 1000000);
  r.read("red_persons_7d", c.red_persons_7d, 2, 1000000);
  r.readChoice("ears_method", c.ears_method, kEarsMethods);
  r.read("ears_alpha", c.ears_alpha, 1e-9, 0.5);
  r.read("ears_baseline", c.ears_baseline, 3, 365);
  r.read("ears_min_sigma", c.ears_min_sigma, 0, 1000);
  r.read("cusum_k", c.cusum_k, 1.01, 100);
  r.read("cusum_h", c.cusum_h, 0.01, 1000);
  r.read("cusum_min_baseline", c.cusum_min_baseline, 1e-6, 1000);
  r.read("baseline_half_life_weeks", c.baseline_half_life_weeks, 0.1, 520);
  r.read("quiet_days", c.quiet_days, 1, kMaxDays);
}

const EnumTable<int> kRepeatTiers = {{"yellow", 2}, {"orange", 3}, {"red", 4}};

void decodeKeyCase(Decoder& d, const Node& n, const std::string& path, KeyCaseConfig& c) {
  MapReader r(d, n, path);
  r.readChoice("repeat_tier", c.repeat_tier, kRepeatTiers);
  r.read("person_open_cases", c.person_open_cases, 2, 10000);
  r.read("collective_group_size", c.collective_group_size, 2, 1000000);
  r.read("exit_quiet_days", c.exit_quiet_days, 1, kMaxDays);
  r.read("unowned_orange_events", c.unowned_orange_events, 1, 10000);
  r.read("owner_idle_days", c.owner_idle_days, 1, kMaxDays);
  r.read("owner_idle_red_days", c.owner_idle_red_days, 1, kMaxDays);
}

void decodeStability(Decoder& d, const Node& n, const std::string& path, StabilityConfig& c) {
  MapReader r(d, n, path);
  r.read("weight_blue", c.weight_blue, 0, 1000);
  r.read("weight_yellow", c.weight_yellow, 0, 1000);
  r.read("weight_orange", c.weight_orange, 0, 1000);
  r.read("weight_red", c.weight_red, 0, 1000);
  r.read("collective_factor", c.collective_factor, 0, 1000);
  r.read("overdue_weight", c.overdue_weight, 0, 100000);
  r.read("min_open_cases", c.min_open_cases, 1, 1000000);
  r.read("ledger_weight", c.ledger_weight, 0, 1000);
  r.read("scale", c.scale, 0.001, 1e9);
  r.read("blue_below", c.blue_below, 0, 100);
  r.read("yellow_below", c.yellow_below, 0, 100);
  r.read("orange_below", c.orange_below, 0, 100);
  r.read("red_below", c.red_below, 0, 100);
  r.read("hysteresis", c.hysteresis, 0, 50);
}

void decodeHttp(Decoder& d, const Node& n, const std::string& path, HttpConfig& c) {
  MapReader r(d, n, path);
  r.read("listen", c.listen);
  r.read("max_body_bytes", c.max_body_bytes, 1, 1024 * 1024);
  r.read("idle_timeout_seconds", c.idle_timeout_seconds, 1, 86400);
}

void decodeApiToken(Decoder& d, const Node& n, const std::string& path, ApiTokenConfig& t) {
  MapReader r(d, n, path);
  r.read("name", t.name);
  r.read("role", t.role, kApiRoles);
  r.read("token", t.token);
  r.read("token_file", t.token_file);
}

void decodeAuth(Decoder& d, const Node& n, const std::string& path, AuthConfig& c) {
  MapReader r(d, n, path);
  if (const Node* tokens = r.take("tokens")) {
    decodeList(d, *tokens, r.pathOf("tokens"), c.tokens,
               [&](const Node& item, const std::string& p, ApiTokenConfig& t) {
                 decodeApiToken(d, item, p, t);
               });
  }
}

// --- the duty officers' workflow and the Alertmanager sink (config/alerting_config.h) ---

const EnumTable<int> kAlertTiers = {{"blue", 1}, {"yellow", 2}, {"orange", 3}, {"red", 4}};
constexpr int kMaxMinutes = 366 * 24 * 60;

void readStringList(Decoder& d, MapReader& r, std::string_view key, std::vector<std::string>& out) {
  if (const Node* n = r.take(key)) {
    decodeList(d, *n, r.pathOf(key), out, [&](const Node& t, const std::string& p, std::string& s) {
      decodeString(d, t, p, s);
    });
  }
}

void decodeTierEscalation(Decoder& d, const Node& n, const std::string& path,
                          TierEscalationConfig& c) {
  MapReader r(d, n, path);
  readStringList(d, r, "chain", c.chain);
  if (const Node* a = r.take("after_minutes")) {
    decodeList(d, *a, r.pathOf("after_minutes"), c.after_minutes,
               [&](const Node& t, const std::string& p, int& out) {
                 long long v = 0;
                 if (decodeInteger(d, t, p, 1, kMaxMinutes, v)) out = static_cast<int>(v);
               });
  }
  r.read("renotify_minutes", c.renotify_minutes, 0, kMaxMinutes);
  readStringList(d, r, "notify_at_once", c.notify_at_once);
}

void decodeAlerting(Decoder& d, MapReader& r, Config& c) {
  if (const Node* n = r.take("workflow")) {
    MapReader m(d, *n, "workflow");
    m.read("min_hold_minutes", c.workflow.min_hold_minutes, 0, 7 * 24 * 60);
    m.read("silence_retention_days", c.workflow.silence_retention_days, 1, kMaxDays);
  }
  if (const Node* n = r.take("escalation")) {
    MapReader m(d, *n, "escalation");
    const std::pair<std::string_view, TierEscalationConfig*> tiers[] = {
        {"red", &c.escalation.red},
        {"orange", &c.escalation.orange},
        {"yellow", &c.escalation.yellow},
        {"blue", &c.escalation.blue}};
    for (const auto& [name, tier] : tiers) {
      if (const Node* t = m.take(name)) decodeTierEscalation(d, *t, m.pathOf(name), *tier);
    }
  }
  if (const Node* n = r.take("grouping")) {
    MapReader m(d, *n, "grouping");
    m.read("enabled", c.grouping.enabled);
    readStringList(d, m, "parent_models", c.grouping.parent_models);
    readStringList(d, m, "member_models", c.grouping.member_models);
  }
  if (const Node* n = r.take("inhibition")) {
    MapReader m(d, *n, "inhibition");
    m.read("enabled", c.inhibition.enabled);
    m.readChoice("min_tier", c.inhibition.min_tier, kAlertTiers);
  }
  if (const Node* n = r.take("alertmanager")) {
    MapReader m(d, *n, "alertmanager");
    readStringList(d, m, "urls", c.alertmanager.urls);
    m.read("resend_interval_seconds", c.alertmanager.resend_interval_seconds, 1, 3600);
    m.read("timeout_ms", c.alertmanager.timeout_ms, 10, 600000);
    m.read("retry_initial_ms", c.alertmanager.retry_initial_ms, 1, 3600000);
    m.read("retry_max_ms", c.alertmanager.retry_max_ms, 1, 3600000);
    m.read("external_url", c.alertmanager.external_url);
  }
}

void decodeConfig(Decoder& d, const Node& root, Config& c) {
  MapReader r(d, root, "");
  r.read("data_dir", c.data_dir);
  if (const Node* n = r.take("metrics")) {
    MapReader m(d, *n, "metrics");
    m.read("listen", c.metrics_listen);
  }
  if (const Node* n = r.take("feeds")) {
    decodeList(d, *n, "feeds", c.feeds, [&](const Node& item, const std::string& p, FeedConfig& f) {
      decodeFeed(d, item, p, f);
    });
  }
  if (const Node* n = r.take("publish")) {
    MapReader m(d, *n, "publish");
    m.read("zmq", c.publish_zmq);
  }
  r.readChoice("locale", c.locale, kLocales);
  r.read("messages_file", c.messages.file);
  if (const Node* n = r.take("log")) {
    MapReader m(d, *n, "log");
    m.read("format", c.log_format, kLogFormats);
    m.readChoice("level", c.log_level, kLogLevels);
  }
  r.read("print_alerts", c.print_alerts);
  r.read("clock", c.clock, kClockSources);
  r.read("demo", c.demo);
  if (const Node* n = r.take("pseudonym")) {
    MapReader m(d, *n, "pseudonym");
    m.read("key_file", c.pseudonym.key_file);
    m.read("key_env", c.pseudonym.key_env);
  }
  if (const Node* n = r.take("ingest")) {
    MapReader m(d, *n, "ingest");
    m.read("orphan_horizon_hours", c.ingest.orphan_horizon_hours, 0, 8760);
    m.read("max_message_bytes", c.ingest.max_message_bytes, 1, kUnbounded);
    m.read("dead_letter_max_bytes", c.ingest.dead_letter_max_bytes, 1, kUnbounded);
    m.read("max_persons", c.ingest.max_persons, 1, kUnbounded);
    m.read("dedup_window_days", c.ingest.dedup_window_days, 1, 3650);
  }
  if (const Node* n = r.take("clocks")) decodeClocks(d, *n, "clocks", c.clocks);
  if (const Node* n = r.take("store")) {
    MapReader m(d, *n, "store");
    m.read("commit_interval_ms", c.store.commit_interval_ms, 1, 10000);
    m.read("commit_max_events", c.store.commit_max_events, 1, 1000000);
    m.read("fsync", c.store.fsync);
  }
  if (const Node* n = r.take("http")) decodeHttp(d, *n, "http", c.http);
  if (const Node* n = r.take("auth")) decodeAuth(d, *n, "auth", c.auth);
  decodeAlerting(d, r, c);
  if (const Node* n = r.take("models")) {
    MapReader m(d, *n, "models");
    if (const Node* rv = m.take("repeat_visit")) {
      decodeRepeatVisit(d, *rv, "models.repeat_visit", c.models.repeat_visit);
    }
    if (const Node* gi = m.take("group_incident")) {
      decodeGroupIncident(d, *gi, "models.group_incident", c.models.group_incident);
    }
    if (const Node* er = m.take("escalation_risk")) {
      decodeEscalationRisk(d, *er, "models.escalation_risk", c.models.escalation_risk);
    }
    if (const Node* kc = m.take("key_case")) {
      decodeKeyCase(d, *kc, "models.key_case", c.models.key_case);
    }
    if (const Node* st = m.take("stability")) {
      decodeStability(d, *st, "models.stability", c.models.stability);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Checks that span keys or need more than the type.

bool isZmqEndpoint(std::string_view s) {
  for (std::string_view scheme : {"tcp://", "ipc://", "inproc://"}) {
    if (s.size() > scheme.size() && s.substr(0, scheme.size()) == scheme) return true;
  }
  return false;
}

constexpr std::string_view kZmqEndpointHelp =
    "expected a ZeroMQ endpoint (tcp://host:port, ipc://path or inproc://name)";

// `host:port`, the host possibly a bracketed IPv6 address.
bool isHostPort(std::string_view s) {
  const size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view host = s.substr(0, colon);
  const std::string_view port = s.substr(colon + 1);
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) return false;
  } else if (host.find(':') != std::string_view::npos) {
    return false;  // an IPv6 address needs brackets
  }
  if (port.empty() || port.size() > 5) return false;
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && ptr == port.data() + port.size() && value <= 65535;
}

// Tier thresholds must not decrease from yellow to red: `lower` at `lower_path` <= `higher`.
template <typename T>
void checkOrder(Decoder& d, const std::string& lower_path, T lower, const std::string& higher_path,
                T higher) {
  if (d.failed(lower_path) || d.failed(higher_path) || lower <= higher) return;
  d.invalid(higher_path, "must be at least " + lower_path + " (" + formatNumber(lower) + "), got " +
                             formatNumber(higher));
}

void validateModels(Decoder& d, const ModelsConfig& m) {
  const std::string rv = "models.repeat_visit.";
  const RepeatVisitConfig& r = m.repeat_visit;
  checkOrder<int>(d, rv + "yellow_returns_30d", r.yellow_returns_30d, rv + "orange_returns_30d",
                  r.orange_returns_30d);
  checkOrder<int>(d, rv + "orange_returns_30d", r.orange_returns_30d, rv + "red_returns_30d",
                  r.red_returns_30d);
  checkOrder<double>(d, rv + "yellow_lambda", r.yellow_lambda, rv + "orange_lambda",
                     r.orange_lambda);
  if (!d.failed(rv + "hawkes_alpha") && !d.failed(rv + "hawkes_beta") &&
      r.hawkes_alpha >= r.hawkes_beta) {
    d.invalid(rv + "hawkes_alpha",
              "must be below hawkes_beta (" + formatNumber(r.hawkes_beta) +
                  "): with alpha/beta >= 1 each return brings on average one more, and the "
                  "intensity grows without bound; got " +
                  formatNumber(r.hawkes_alpha));
  }
  if (!d.failed(rv + "hawkes_mu") && !d.failed(rv + "yellow_lambda") &&
      r.yellow_lambda <= r.hawkes_mu) {
    d.invalid(rv + "yellow_lambda",
              "must be above hawkes_mu (" + formatNumber(r.hawkes_mu) +
                  "): the intensity never decays below the background rate, so no alert would "
                  "ever resolve; got " +
                  formatNumber(r.yellow_lambda));
  }
  const std::string gi = "models.group_incident.";
  const GroupIncidentConfig& g = m.group_incident;
  checkOrder<int>(d, gi + "yellow_persons_24h", g.yellow_persons_24h, gi + "orange_persons_24h",
                  g.orange_persons_24h);
  checkOrder<int>(d, gi + "orange_persons_24h", g.orange_persons_24h, gi + "red_persons_24h",
                  g.red_persons_24h);
  checkOrder<int>(d, gi + "yellow_persons_7d", g.yellow_persons_7d, gi + "orange_persons_7d",
                  g.orange_persons_7d);
  checkOrder<int>(d, gi + "orange_persons_7d", g.orange_persons_7d, gi + "red_persons_7d",
                  g.red_persons_7d);
  const std::string er = "models.escalation_risk.";
  const EscalationRiskConfig& e = m.escalation_risk;
  checkOrder<double>(d, er + "blue_probability", e.blue_probability, er + "yellow_probability",
                     e.yellow_probability);
  checkOrder<double>(d, er + "yellow_probability", e.yellow_probability, er + "orange_probability",
                     e.orange_probability);
  checkOrder<double>(d, er + "orange_probability", e.orange_probability, er + "red_probability",
                     e.red_probability);
  if (!e.model_file.empty()) {
    std::error_code ec;
    std::ifstream in(e.model_file);
    if (!in.is_open()) {
      d.invalid(er + "model_file",
                "cannot read the file " + inQuotes(e.model_file) + ": " + std::strerror(errno));
    } else if (std::filesystem::is_directory(e.model_file, ec)) {
      d.invalid(er + "model_file", inQuotes(e.model_file) + " is a directory, not a file");
    }
  }
  const std::string kc = "models.key_case.";
  const KeyCaseConfig& k = m.key_case;
  checkOrder<int>(d, kc + "owner_idle_days", k.owner_idle_days, kc + "owner_idle_red_days",
                  k.owner_idle_red_days);
  // The stability tiers are bounds on a falling index: red's bound is the lowest.
  const std::string st = "models.stability.";
  const StabilityConfig& s = m.stability;
  checkOrder<double>(d, st + "red_below", s.red_below, st + "orange_below", s.orange_below);
  checkOrder<double>(d, st + "orange_below", s.orange_below, st + "yellow_below", s.yellow_below);
  checkOrder<double>(d, st + "yellow_below", s.yellow_below, st + "blue_below", s.blue_below);
}

void validateHttpAndAuth(Decoder& d, const Config& c) {
  if (!c.http.listen.empty() && !isHostPort(c.http.listen)) {
    d.invalid("http.listen",
              "expected host:port with a port 0..65535 (or \"\" for no HTTP API), got " +
                  inQuotes(c.http.listen));
  }
  std::map<std::string, size_t> names;
  std::map<std::string, size_t> secrets;
  for (size_t i = 0; i < c.auth.tokens.size(); ++i) {
    const ApiTokenConfig& t = c.auth.tokens[i];
    const std::string path = indexPath("auth.tokens", i);
    if (t.name.empty()) {
      d.invalid(path + ".name", "must not be empty: it is recorded with every change");
    } else if (const auto [it, fresh] = names.emplace(t.name, i); !fresh) {
      d.invalid(path + ".name", "duplicate token name " + inQuotes(t.name) + " (also " +
                                    indexPath("auth.tokens", it->second) + ")");
    }
    if (t.token.empty() == t.token_file.empty()) {
      d.invalid(path, "give exactly one of token and token_file");
      continue;
    }
    if (!t.token.empty()) {
      if (t.token.find_first_of(" \t\r\n") != std::string::npos) {
        d.invalid(path + ".token", "must not contain spaces or line breaks");
      } else if (const auto [it, fresh] = secrets.emplace(t.token, i); !fresh) {
        d.invalid(path + ".token", "the same token as " + indexPath("auth.tokens", it->second) +
                                       ": who made a change would be ambiguous");
      }
    } else {
      std::ifstream in(t.token_file);
      std::error_code ec;
      if (!in.is_open()) {
        d.invalid(path + ".token_file",
                  "cannot read the file " + inQuotes(t.token_file) + ": " + std::strerror(errno));
      } else if (std::filesystem::is_directory(t.token_file, ec)) {
        d.invalid(path + ".token_file", inQuotes(t.token_file) + " is a directory, not a file");
      }
    }
  }
}

// `http://host:port[/path]` (Alertmanager nodes are plain HTTP: loopback or a trusted network).
bool isHttpUrl(std::string_view s) {
  constexpr std::string_view kScheme = "http://";
  if (s.substr(0, kScheme.size()) != kScheme) return false;
  std::string_view rest = s.substr(kScheme.size());
  const size_t slash = rest.find('/');
  return isHostPort(rest.substr(0, slash));
}

void validateAlerting(Decoder& d, const Config& c) {
  const std::pair<std::string_view, const TierEscalationConfig*> tiers[] = {
      {"red", &c.escalation.red},
      {"orange", &c.escalation.orange},
      {"yellow", &c.escalation.yellow},
      {"blue", &c.escalation.blue}};
  for (const auto& [name, t] : tiers) {
    const std::string path = "escalation." + std::string(name);
    if (t->chain.empty()) {
      d.invalid(path + ".chain", "must name at least one target (the first is told at firing)");
      continue;
    }
    for (size_t i = 0; i < t->chain.size(); ++i) {
      if (t->chain[i].empty()) d.invalid(indexPath(path + ".chain", i), "must not be empty");
    }
    for (size_t i = 0; i < t->notify_at_once.size(); ++i) {
      if (t->notify_at_once[i].empty()) {
        d.invalid(indexPath(path + ".notify_at_once", i), "must not be empty");
      }
    }
    if (d.failed(path + ".chain") || d.failed(path + ".after_minutes")) continue;
    if (t->after_minutes.size() + 1 != t->chain.size()) {
      d.invalid(path + ".after_minutes", "needs one entry per level after the first: " +
                                             std::to_string(t->chain.size() - 1) +
                                             " for a chain of " + std::to_string(t->chain.size()) +
                                             ", got " + std::to_string(t->after_minutes.size()));
      continue;
    }
    for (size_t i = 1; i < t->after_minutes.size(); ++i) {
      if (t->after_minutes[i] <= t->after_minutes[i - 1]) {
        d.invalid(indexPath(path + ".after_minutes", i),
                  "must be later than the level before (" +
                      std::to_string(t->after_minutes[i - 1]) + " minutes), got " +
                      std::to_string(t->after_minutes[i]));
      }
    }
  }
  for (const auto* list : {&c.grouping.parent_models, &c.grouping.member_models}) {
    const std::string path =
        list == &c.grouping.parent_models ? "grouping.parent_models" : "grouping.member_models";
    for (size_t i = 0; i < list->size(); ++i) {
      if ((*list)[i].empty()) d.invalid(indexPath(path, i), "must not be empty");
    }
  }
  const AlertmanagerConfig& am = c.alertmanager;
  std::map<std::string, size_t> urls;
  for (size_t i = 0; i < am.urls.size(); ++i) {
    const std::string path = indexPath("alertmanager.urls", i);
    if (!isHttpUrl(am.urls[i])) {
      d.invalid(path,
                "expected http://host:port with an optional path (https is not supported: "
                "use a local TLS proxy), got " +
                    inQuotes(am.urls[i]));
    } else if (const auto [it, fresh] = urls.emplace(am.urls[i], i); !fresh) {
      d.invalid(path, "the same URL as " + indexPath("alertmanager.urls", it->second));
    }
  }
  if (!d.failed("alertmanager.retry_initial_ms") && !d.failed("alertmanager.retry_max_ms") &&
      am.retry_initial_ms > am.retry_max_ms) {
    d.invalid("alertmanager.retry_max_ms", "must be at least retry_initial_ms (" +
                                               std::to_string(am.retry_initial_ms) + "), got " +
                                               std::to_string(am.retry_max_ms));
  }
  if (!am.external_url.empty() && am.external_url.substr(0, 7) != "http://" &&
      am.external_url.substr(0, 8) != "https://") {
    d.invalid("alertmanager.external_url",
              "expected an http:// or https:// URL (or \"\"), got " + inQuotes(am.external_url));
  }
}

void validate(Decoder& d, const Config& c) {
  if (c.data_dir.empty()) d.invalid("data_dir", "must not be empty");
  if (!c.metrics_listen.empty() && !isHostPort(c.metrics_listen)) {
    d.invalid("metrics.listen",
              "expected host:port with a port 0..65535 (or \"\" for no metrics), got " +
                  inQuotes(c.metrics_listen));
  }
  std::map<std::string, size_t> feed_names;
  for (size_t i = 0; i < c.feeds.size(); ++i) {
    const FeedConfig& f = c.feeds[i];
    const std::string path = indexPath("feeds", i);
    if (f.name.empty()) {
      d.invalid(path + ".name", "must not be empty");
    } else if (const auto [it, fresh] = feed_names.emplace(f.name, i); !fresh) {
      d.invalid(path + ".name", "duplicate feed name " + inQuotes(f.name) + " (also " +
                                    indexPath("feeds", it->second) + ")");
    }
    if (f.endpoint.empty()) {
      d.invalid(path + ".endpoint", "must not be empty");
    } else if (f.kind != FeedKind::kJsonl && !isZmqEndpoint(f.endpoint)) {
      d.invalid(path + ".endpoint",
                std::string(kZmqEndpointHelp) + ", got " + inQuotes(f.endpoint));
    }
    if (!f.topics.empty() && f.kind != FeedKind::kZmqSub) {
      d.invalid(path + ".topics", "only allowed for kind zmq_sub");
    }
  }
  if (!c.publish_zmq.empty() && !isZmqEndpoint(c.publish_zmq)) {
    d.invalid("publish.zmq", std::string(kZmqEndpointHelp) + " or \"\" for no publishing, got " +
                                 inQuotes(c.publish_zmq));
  }
  if (!c.clocks.holiday_calendar.empty()) {
    const std::string& file = c.clocks.holiday_calendar;
    std::error_code ec;
    std::ifstream in(file);
    if (!in.is_open()) {
      d.invalid("clocks.holiday_calendar",
                "cannot read the file " + inQuotes(file) + ": " + std::strerror(errno));
    } else if (std::filesystem::is_directory(file, ec)) {
      d.invalid("clocks.holiday_calendar", inQuotes(file) + " is a directory, not a file");
    }
  }
  std::map<std::pair<std::string, std::string>, size_t> override_keys;
  for (size_t i = 0; i < c.clocks.overrides.size(); ++i) {
    const ClockOverride& o = c.clocks.overrides[i];
    const std::string path = indexPath("clocks.overrides", i);
    // Reported while decoding; comparing half-decoded overrides would only add noise.
    if (o.agency.empty() && o.channel.empty()) continue;
    if (d.failed(path + ".agency") || d.failed(path + ".channel")) continue;
    if (const auto [it, fresh] = override_keys.emplace(std::pair(o.agency, o.channel), i); !fresh) {
      d.invalid(path, "the same agency and channel as " +
                          indexPath("clocks.overrides", it->second) +
                          ": it is not clear which should apply");
    }
  }
  validateModels(d, c.models);
  validateAlerting(d, c);
  validateHttpAndAuth(d, c);
}

// Loads and checks the operator's message templates (once, here at the edge).
void loadMessages(Decoder& d, Config& c) {
  if (c.messages.file.empty() || d.failed("messages_file")) return;
  auto catalog = MessageCatalog::loadOverride(c.messages.file);
  if (!catalog.ok()) {
    d.invalid("messages_file", std::string(catalog.status().message()));
    return;
  }
  c.messages.catalog = std::make_shared<const MessageCatalog>(std::move(*catalog));
}

// ---------------------------------------------------------------------------------------------

const std::string kDefaultsOrigin = "<embedded casewatch.yaml>";

std::optional<Node> parseDefaults(LoadContext& ctx, std::vector<ConfigError>& errors) {
  return parseDocument(embeddedDefaultConfigYaml(),
                       Loc{OriginKind::kDefaults, ctx.intern(kDefaultsOrigin), 0, 0}, errors);
}

void emitString(YAML::Emitter& e, std::string_view key, const std::string& value) {
  e << YAML::Key << std::string(key) << YAML::Value << YAML::DoubleQuoted << value;
}

std::string formatOffset(int minutes) {
  if (minutes == 0) return "Z";
  const int abs = minutes < 0 ? -minutes : minutes;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", minutes < 0 ? '-' : '+', abs / 60, abs % 60);
  return buf;
}

}  // namespace

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
  LoadContext ctx;
  std::optional<Node> tree = parseDefaults(ctx, result.errors);
  std::optional<Node> user =
      parseDocument(yaml_text, Loc{OriginKind::kFile, ctx.intern(origin), 0, 0}, result.errors);
  if (!tree || !user) return result;
  mergeInto(*tree, std::move(*user));
  for (const std::string& arg : sets) applySet(*tree, arg, ctx, result.errors);
  Decoder decoder(result.errors, /*require_every_key=*/false);
  decodeConfig(decoder, *tree, result.config);
  validate(decoder, result.config);
  loadMessages(decoder, result.config);
  return result;
}

ConfigResult loadConfigFile(const std::string& path, const std::vector<std::string>& sets) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    ConfigResult result;
    result.errors.push_back(
        {path, std::string("cannot read the config file: ") + std::strerror(errno)});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    ConfigResult result;
    result.errors.push_back({path, "cannot read the config file"});
    return result;
  }
  return loadConfig(text.str(), sets, path);
}

ConfigResult loadDefaultConfig(const std::vector<std::string>& sets) {
  return loadConfig("", sets, "<defaults>");
}

ConfigResult decodeConfigForTest(std::string_view yaml_text, bool require_every_key) {
  ConfigResult result;
  LoadContext ctx;
  std::optional<Node> tree =
      parseDocument(yaml_text, Loc{OriginKind::kFile, ctx.intern("<test>"), 0, 0}, result.errors);
  if (!tree) return result;
  Decoder decoder(result.errors, require_every_key);
  decodeConfig(decoder, *tree, result.config);
  validate(decoder, result.config);
  loadMessages(decoder, result.config);
  return result;
}

std::string formatConfigYaml(const Config& c) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  emitString(e, "data_dir", c.data_dir);
  e << YAML::Key << "metrics" << YAML::Value << YAML::BeginMap;
  emitString(e, "listen", c.metrics_listen);
  e << YAML::EndMap;
  e << YAML::Key << "feeds" << YAML::Value;
  if (c.feeds.empty()) e << YAML::Flow;  // "[]" on the key's line
  e << YAML::BeginSeq;
  for (const FeedConfig& f : c.feeds) {
    e << YAML::BeginMap;
    emitString(e, "name", f.name);
    e << YAML::Key << "kind" << YAML::Value << std::string(enumName(kFeedKinds, f.kind));
    emitString(e, "endpoint", f.endpoint);
    e << YAML::Key << "bind" << YAML::Value << f.bind;
    e << YAML::Key << "topics" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const std::string& t : f.topics) e << YAML::DoubleQuoted << t;
    e << YAML::EndSeq;
    e << YAML::Key << "rcvhwm" << YAML::Value << f.rcvhwm;
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
  e << YAML::Key << "publish" << YAML::Value << YAML::BeginMap;
  emitString(e, "zmq", c.publish_zmq);
  e << YAML::EndMap;
  emitString(e, "locale", c.locale);
  emitString(e, "messages_file", c.messages.file);
  e << YAML::Key << "log" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "format" << YAML::Value << std::string(enumName(kLogFormats, c.log_format));
  emitString(e, "level", c.log_level);
  e << YAML::EndMap;
  e << YAML::Key << "print_alerts" << YAML::Value << c.print_alerts;
  e << YAML::Key << "clock" << YAML::Value << std::string(enumName(kClockSources, c.clock));
  e << YAML::Key << "demo" << YAML::Value << c.demo;
  e << YAML::Key << "pseudonym" << YAML::Value << YAML::BeginMap;
  emitString(e, "key_file", c.pseudonym.key_file);
  emitString(e, "key_env", c.pseudonym.key_env);
  e << YAML::EndMap;
  e << YAML::Key << "ingest" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "orphan_horizon_hours" << YAML::Value << c.ingest.orphan_horizon_hours;
  e << YAML::Key << "max_message_bytes" << YAML::Value << c.ingest.max_message_bytes;
  e << YAML::Key << "dead_letter_max_bytes" << YAML::Value << c.ingest.dead_letter_max_bytes;
  e << YAML::Key << "max_persons" << YAML::Value << c.ingest.max_persons;
  e << YAML::Key << "dedup_window_days" << YAML::Value << c.ingest.dedup_window_days;
  e << YAML::EndMap;
  const ClocksConfig& k = c.clocks;
  e << YAML::Key << "clocks" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "procedural_reply_days" << YAML::Value << k.procedural_reply_days;
  e << YAML::Key << "routing_days" << YAML::Value << k.routing_days;
  e << YAML::Key << "handling_days" << YAML::Value << k.handling_days;
  e << YAML::Key << "review_days" << YAML::Value << k.review_days;
  e << YAML::Key << "recheck_days" << YAML::Value << k.recheck_days;
  e << YAML::Key << "day_count" << YAML::Value << std::string(enumName(kDayCounts, k.day_count));
  emitString(e, "holiday_calendar", k.holiday_calendar);
  emitString(e, "timezone", formatOffset(k.utc_offset_minutes));
  e << YAML::Key << "warning_days" << YAML::Value << k.warning_days;
  e << YAML::Key << "red_after_days" << YAML::Value << k.red_after_days;
  e << YAML::Key << "overrides" << YAML::Value;
  if (k.overrides.empty()) e << YAML::Flow;
  e << YAML::BeginSeq;
  for (const ClockOverride& o : k.overrides) {
    e << YAML::BeginMap;
    if (!o.agency.empty()) emitString(e, "agency", o.agency);
    if (!o.channel.empty()) emitString(e, "channel", o.channel);
    const std::pair<std::string_view, const std::optional<int>*> days[] = {
        {"procedural_reply_days", &o.procedural_reply_days},
        {"routing_days", &o.routing_days},
        {"handling_days", &o.handling_days},
        {"review_days", &o.review_days},
        {"recheck_days", &o.recheck_days}};
    for (const auto& [key, value] : days) {
      if (*value) e << YAML::Key << std::string(key) << YAML::Value << **value;
    }
    if (o.day_count) {
      e << YAML::Key << "day_count" << YAML::Value
        << std::string(enumName(kDayCounts, *o.day_count));
    }
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
  e << YAML::EndMap;
  e << YAML::Key << "store" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "commit_interval_ms" << YAML::Value << c.store.commit_interval_ms;
  e << YAML::Key << "commit_max_events" << YAML::Value << c.store.commit_max_events;
  e << YAML::Key << "fsync" << YAML::Value << c.store.fsync;
  e << YAML::EndMap;
  // Numbers in their shortest round-trip form, written plain so that they read back as numbers.
  auto number = [&](std::string_view key, double v) {
    e << YAML::Key << std::string(key) << YAML::Value << formatNumber(v);
  };
  e << YAML::Key << "http" << YAML::Value << YAML::BeginMap;
  emitString(e, "listen", c.http.listen);
  e << YAML::Key << "max_body_bytes" << YAML::Value << c.http.max_body_bytes;
  e << YAML::Key << "idle_timeout_seconds" << YAML::Value << c.http.idle_timeout_seconds;
  e << YAML::EndMap;
  e << YAML::Key << "auth" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "tokens" << YAML::Value;
  if (c.auth.tokens.empty()) e << YAML::Flow;
  e << YAML::BeginSeq;
  for (const ApiTokenConfig& t : c.auth.tokens) {
    e << YAML::BeginMap;
    emitString(e, "name", t.name);
    e << YAML::Key << "role" << YAML::Value << std::string(enumName(kApiRoles, t.role));
    if (!t.token.empty()) emitString(e, "token", t.token);
    if (!t.token_file.empty()) emitString(e, "token_file", t.token_file);
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
  e << YAML::EndMap;
  {
    // The workflow and the Alertmanager sink (config/alerting_config.h).
    auto stringList = [&](std::string_view key, const std::vector<std::string>& v) {
      e << YAML::Key << std::string(key) << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const std::string& s : v) e << YAML::DoubleQuoted << s;
      e << YAML::EndSeq;
    };
    e << YAML::Key << "workflow" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "min_hold_minutes" << YAML::Value << c.workflow.min_hold_minutes;
    e << YAML::Key << "silence_retention_days" << YAML::Value << c.workflow.silence_retention_days;
    e << YAML::EndMap;
    e << YAML::Key << "escalation" << YAML::Value << YAML::BeginMap;
    const std::pair<std::string_view, const TierEscalationConfig*> tiers[] = {
        {"red", &c.escalation.red},
        {"orange", &c.escalation.orange},
        {"yellow", &c.escalation.yellow},
        {"blue", &c.escalation.blue}};
    for (const auto& [name, t] : tiers) {
      e << YAML::Key << std::string(name) << YAML::Value << YAML::BeginMap;
      stringList("chain", t->chain);
      e << YAML::Key << "after_minutes" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (int m : t->after_minutes) e << m;
      e << YAML::EndSeq;
      e << YAML::Key << "renotify_minutes" << YAML::Value << t->renotify_minutes;
      stringList("notify_at_once", t->notify_at_once);
      e << YAML::EndMap;
    }
    e << YAML::EndMap;
    e << YAML::Key << "grouping" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "enabled" << YAML::Value << c.grouping.enabled;
    stringList("parent_models", c.grouping.parent_models);
    stringList("member_models", c.grouping.member_models);
    e << YAML::EndMap;
    e << YAML::Key << "inhibition" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "enabled" << YAML::Value << c.inhibition.enabled;
    e << YAML::Key << "min_tier" << YAML::Value << c.inhibition.min_tier;
    e << YAML::EndMap;
    const AlertmanagerConfig& am = c.alertmanager;
    e << YAML::Key << "alertmanager" << YAML::Value << YAML::BeginMap;
    stringList("urls", am.urls);
    e << YAML::Key << "resend_interval_seconds" << YAML::Value << am.resend_interval_seconds;
    e << YAML::Key << "timeout_ms" << YAML::Value << am.timeout_ms;
    e << YAML::Key << "retry_initial_ms" << YAML::Value << am.retry_initial_ms;
    e << YAML::Key << "retry_max_ms" << YAML::Value << am.retry_max_ms;
    emitString(e, "external_url", am.external_url);
    e << YAML::EndMap;
  }
  const RepeatVisitConfig& rv = c.models.repeat_visit;
  const GroupIncidentConfig& gi = c.models.group_incident;
  e << YAML::Key << "models" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "repeat_visit" << YAML::Value << YAML::BeginMap;
  number("hawkes_mu", rv.hawkes_mu);
  number("hawkes_alpha", rv.hawkes_alpha);
  number("hawkes_beta", rv.hawkes_beta);
  number("above_level_weight", rv.above_level_weight);
  e << YAML::Key << "yellow_returns_30d" << YAML::Value << rv.yellow_returns_30d;
  number("yellow_lambda", rv.yellow_lambda);
  e << YAML::Key << "orange_returns_30d" << YAML::Value << rv.orange_returns_30d;
  number("orange_lambda", rv.orange_lambda);
  e << YAML::Key << "red_returns_30d" << YAML::Value << rv.red_returns_30d;
  e << YAML::Key << "red_returns_90d" << YAML::Value << rv.red_returns_90d;
  e << YAML::Key << "quiet_days" << YAML::Value << rv.quiet_days;
  e << YAML::Key << "matter_min_persons" << YAML::Value << rv.matter_min_persons;
  e << YAML::Key << "matter_min_returns_90d" << YAML::Value << rv.matter_min_returns_90d;
  e << YAML::EndMap;
  e << YAML::Key << "group_incident" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "large_group_size" << YAML::Value << gi.large_group_size;
  e << YAML::Key << "yellow_persons_24h" << YAML::Value << gi.yellow_persons_24h;
  e << YAML::Key << "yellow_persons_7d" << YAML::Value << gi.yellow_persons_7d;
  e << YAML::Key << "orange_persons_24h" << YAML::Value << gi.orange_persons_24h;
  e << YAML::Key << "orange_persons_7d" << YAML::Value << gi.orange_persons_7d;
  e << YAML::Key << "red_persons_24h" << YAML::Value << gi.red_persons_24h;
  e << YAML::Key << "red_persons_7d" << YAML::Value << gi.red_persons_7d;
  e << YAML::Key << "ears_method" << YAML::Value << gi.ears_method;
  number("ears_alpha", gi.ears_alpha);
  e << YAML::Key << "ears_baseline" << YAML::Value << gi.ears_baseline;
  number("ears_min_sigma", gi.ears_min_sigma);
  number("cusum_k", gi.cusum_k);
  number("cusum_h", gi.cusum_h);
  number("cusum_min_baseline", gi.cusum_min_baseline);
  number("baseline_half_life_weeks", gi.baseline_half_life_weeks);
  e << YAML::Key << "quiet_days" << YAML::Value << gi.quiet_days;
  e << YAML::EndMap;
  const EscalationRiskConfig& er = c.models.escalation_risk;
  e << YAML::Key << "escalation_risk" << YAML::Value << YAML::BeginMap;
  emitString(e, "model_file", er.model_file);
  number("blue_probability", er.blue_probability);
  number("yellow_probability", er.yellow_probability);
  number("orange_probability", er.orange_probability);
  number("red_probability", er.red_probability);
  e << YAML::Key << "top_features" << YAML::Value << er.top_features;
  number("visit_half_life_days", er.visit_half_life_days);
  e << YAML::EndMap;
  const KeyCaseConfig& kc = c.models.key_case;
  e << YAML::Key << "key_case" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "repeat_tier" << YAML::Value << kc.repeat_tier;
  e << YAML::Key << "person_open_cases" << YAML::Value << kc.person_open_cases;
  e << YAML::Key << "collective_group_size" << YAML::Value << kc.collective_group_size;
  e << YAML::Key << "exit_quiet_days" << YAML::Value << kc.exit_quiet_days;
  e << YAML::Key << "unowned_orange_events" << YAML::Value << kc.unowned_orange_events;
  e << YAML::Key << "owner_idle_days" << YAML::Value << kc.owner_idle_days;
  e << YAML::Key << "owner_idle_red_days" << YAML::Value << kc.owner_idle_red_days;
  e << YAML::EndMap;
  const StabilityConfig& st = c.models.stability;
  e << YAML::Key << "stability" << YAML::Value << YAML::BeginMap;
  number("weight_blue", st.weight_blue);
  number("weight_yellow", st.weight_yellow);
  number("weight_orange", st.weight_orange);
  number("weight_red", st.weight_red);
  number("collective_factor", st.collective_factor);
  number("overdue_weight", st.overdue_weight);
  e << YAML::Key << "min_open_cases" << YAML::Value << st.min_open_cases;
  number("ledger_weight", st.ledger_weight);
  number("scale", st.scale);
  number("blue_below", st.blue_below);
  number("yellow_below", st.yellow_below);
  number("orange_below", st.orange_below);
  number("red_below", st.red_below);
  number("hysteresis", st.hysteresis);
  e << YAML::EndMap;
  e << YAML::EndMap;
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace casewatch
