#include "config/config_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace casewatch {
namespace {

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

}  // namespace

void ConfigDecoder::error(const std::string& path, const std::string& message,
                          const ConfigLoc& loc) {
  errors_.push_back({path, message + locationSuffix(loc)});
  failed_.insert(path);
}

void ConfigDecoder::invalid(const std::string& path, const std::string& message) {
  if (failed_.count(path) != 0) return;
  // A key left out has no location of its own: point at the nearest enclosing value.
  for (std::string p = path;;) {
    if (const auto it = locs_.find(p); it != locs_.end()) return error(path, message, it->second);
    const size_t cut = p.find_last_of(".[");
    if (cut == std::string::npos || cut == 0) break;
    p.resize(cut);
  }
  error(path, message, ConfigLoc{});
}

std::string formatNumber(double v) {
  return fmt::format("{}", v);
}

bool decodeString(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                  std::string& out) {
  if (n.kind != ConfigNode::Kind::kScalar) {
    std::string hint;
    if (n.kind == ConfigNode::Kind::kNull) hint = "; write \"\" for an empty one";
    // `--set metrics.listen=[::1]:9464` reads as a YAML list: say how to pass text.
    if (n.loc.kind == ConfigOriginKind::kSet) hint = "; quote the value to pass it as text";
    d.error(path, "expected a string, got " + describeNode(n) + hint, n.loc);
    return false;
  }
  out = n.scalar;
  return true;
}

bool decodeBool(ConfigDecoder& d, const ConfigNode& n, const std::string& path, bool& out) {
  if (n.kind == ConfigNode::Kind::kScalar && n.plain) {
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

bool decodeInteger(ConfigDecoder& d, const ConfigNode& n, const std::string& path, long long lo,
                   long long hi, long long& out) {
  std::optional<long long> v;
  if (n.kind == ConfigNode::Kind::kScalar && n.plain && !n.scalar.empty()) {
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

bool decodeNumber(ConfigDecoder& d, const ConfigNode& n, const std::string& path, double lo,
                  double hi, double& out) {
  std::optional<double> v;
  if (n.kind == ConfigNode::Kind::kScalar && n.plain && !n.scalar.empty()) {
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

MapReader::MapReader(ConfigDecoder& d, const ConfigNode& node, std::string path)
    : d_(d), node_(node), path_(std::move(path)) {
  if (node.kind != ConfigNode::Kind::kMap && node.kind != ConfigNode::Kind::kNull) {
    d_.error(path_.empty() ? "<top level>" : path_, "expected a map, got " + describeNode(node),
             node.loc);
    valid_ = false;
  }
}

MapReader::~MapReader() {
  if (!valid_) return;
  for (const ConfigMapEntry& e : node_.map) {
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

const ConfigNode* MapReader::find(std::string_view key) const {
  for (const ConfigMapEntry& e : node_.map) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

const ConfigNode* MapReader::take(std::string_view key) {
  known_.emplace(key);
  if (!valid_) return nullptr;
  for (const ConfigMapEntry& e : node_.map) {
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

void MapReader::read(std::string_view key, std::string& out) {
  if (const ConfigNode* n = take(key)) decodeString(d_, *n, pathOf(key), out);
}

void MapReader::read(std::string_view key, bool& out) {
  if (const ConfigNode* n = take(key)) decodeBool(d_, *n, pathOf(key), out);
}

void MapReader::read(std::string_view key, int& out, int lo, int hi) {
  long long v = 0;
  if (const ConfigNode* n = take(key); n && decodeInteger(d_, *n, pathOf(key), lo, hi, v)) {
    out = static_cast<int>(v);
  }
}

void MapReader::read(std::string_view key, std::optional<int>& out, int lo, int hi) {
  long long v = 0;
  if (const ConfigNode* n = take(key); n && decodeInteger(d_, *n, pathOf(key), lo, hi, v)) {
    out = static_cast<int>(v);
  }
}

void MapReader::read(std::string_view key, double& out, double lo, double hi) {
  double v = 0;
  if (const ConfigNode* n = take(key); n && decodeNumber(d_, *n, pathOf(key), lo, hi, v)) out = v;
}

void MapReader::read(std::string_view key, size_t& out, long long lo, long long hi) {
  long long v = 0;
  if (const ConfigNode* n = take(key); n && decodeInteger(d_, *n, pathOf(key), lo, hi, v)) {
    out = static_cast<size_t>(v);
  }
}

void MapReader::read(std::string_view key, std::vector<std::string>& out) {
  if (const ConfigNode* n = take(key)) {
    decodeList(d_, *n, pathOf(key), out,
               [&](const ConfigNode& t, const std::string& p, std::string& s) {
                 decodeString(d_, t, p, s);
               });
  }
}

void MapReader::readChoice(std::string_view key, std::string& out, const EnumTable<int>& table) {
  int ignored = 0;
  if (const ConfigNode* n = take(key); n && decodeEnum(d_, *n, pathOf(key), table, ignored)) {
    out = n->scalar;
  }
}

void checkReadableFile(ConfigDecoder& d, const std::string& path, const std::string& file) {
  std::error_code ec;
  std::ifstream in(file);
  if (!in.is_open()) {
    d.invalid(path, "cannot read the file " + inQuotes(file) + ": " + std::strerror(errno));
  } else if (std::filesystem::is_directory(file, ec)) {
    d.invalid(path, inQuotes(file) + " is a directory, not a file");
  }
}

}  // namespace casewatch
