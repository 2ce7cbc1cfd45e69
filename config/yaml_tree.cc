#include "config/yaml_tree.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <utility>

namespace casewatch {

std::string locationSuffix(const ConfigLoc& loc) {
  if (loc.origin == nullptr) return "";
  switch (loc.kind) {
    case ConfigOriginKind::kDefaults:
      return "";  // the operator did not write it; the path says enough
    case ConfigOriginKind::kFile:
      if (loc.line == 0) return " (in " + *loc.origin + ")";
      return " (at " + *loc.origin + ":" + std::to_string(loc.line) + ":" +
             std::to_string(loc.col) + ")";
    case ConfigOriginKind::kSet:
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

std::string describeNonPlain(const ConfigNode& n) {
  if (n.kind == ConfigNode::Kind::kScalar && !n.plain) {
    return "the quoted string " + inQuotes(n.scalar) + " (remove the quotes)";
  }
  return describeNode(n);
}

std::string describeNode(const ConfigNode& n) {
  switch (n.kind) {
    case ConfigNode::Kind::kNull:
      return "nothing (null)";
    case ConfigNode::Kind::kMap:
      return "a map";
    case ConfigNode::Kind::kSeq:
      return "a list";
    case ConfigNode::Kind::kScalar:
      return inQuotes(n.scalar);
  }
  return "?";
}

namespace {

ConfigLoc locOf(const YAML::Node& y, const ConfigLoc& base) {
  ConfigLoc loc = base;
  const YAML::Mark mark = y.Mark();
  if (base.kind == ConfigOriginKind::kFile && !mark.is_null()) {
    loc.line = mark.line + 1;
    loc.col = mark.column + 1;
  }
  return loc;
}

ConfigNode convert(const YAML::Node& y, const ConfigLoc& base, const std::string& path,
                   std::vector<ConfigError>& errors) {
  ConfigNode n;
  n.loc = locOf(y, base);
  switch (y.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      n.kind = ConfigNode::Kind::kNull;
      break;
    case YAML::NodeType::Scalar:
      n.kind = ConfigNode::Kind::kScalar;
      n.scalar = y.Scalar();
      n.plain = y.Tag() == "?";
      break;
    case YAML::NodeType::Sequence: {
      n.kind = ConfigNode::Kind::kSeq;
      size_t i = 0;
      for (const YAML::Node& item : y) {
        n.seq.push_back(convert(item, base, indexPath(path, i), errors));
        ++i;
      }
      break;
    }
    case YAML::NodeType::Map: {
      n.kind = ConfigNode::Kind::kMap;
      for (const auto& kv : y) {
        const ConfigLoc key_loc = locOf(kv.first, base);
        if (!kv.first.IsScalar()) {
          errors.push_back({path.empty() ? "<top level>" : path,
                            "a key must be a plain string" + locationSuffix(key_loc)});
          continue;
        }
        const std::string key = kv.first.Scalar();
        const std::string key_path = childPath(path, key);
        bool duplicate = false;
        for (const ConfigMapEntry& e : n.map) duplicate = duplicate || e.key == key;
        if (duplicate) {
          // yaml-cpp keeps both; silently using either would hide a mistake.
          errors.push_back({key_path, "duplicate key" + locationSuffix(key_loc)});
          continue;
        }
        ConfigNode value = convert(kv.second, base, key_path, errors);
        // yaml-cpp marks an empty value at the next token; the key is where the operator looks.
        if (value.kind == ConfigNode::Kind::kNull) value.loc = key_loc;
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
std::optional<ConfigNode> parseYaml(std::string_view text, const ConfigLoc& base,
                                    const std::string& path, const std::string& set_arg,
                                    std::vector<ConfigError>& errors) {
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

}  // namespace

std::optional<ConfigNode> parseConfigDocument(std::string_view text, const ConfigLoc& base,
                                              std::vector<ConfigError>& errors) {
  std::optional<ConfigNode> doc = parseYaml(text, base, "", "", errors);
  if (!doc) return std::nullopt;
  if (doc->kind == ConfigNode::Kind::kNull) {
    doc->kind = ConfigNode::Kind::kMap;
  } else if (doc->kind != ConfigNode::Kind::kMap) {
    errors.push_back(
        {*base.origin, "expected a map of settings at the top level, got " + describeNode(*doc)});
    return std::nullopt;
  }
  return doc;
}

void mergeInto(ConfigNode& base, ConfigNode&& over) {
  if (base.kind == ConfigNode::Kind::kMap && over.kind == ConfigNode::Kind::kNull) return;
  if (base.kind == ConfigNode::Kind::kMap && over.kind == ConfigNode::Kind::kMap) {
    for (ConfigMapEntry& e : over.map) {
      ConfigMapEntry* found = nullptr;
      for (ConfigMapEntry& b : base.map) {
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

namespace {

std::optional<size_t> parseIndex(std::string_view s) {
  size_t v = 0;
  if (s.empty()) return std::nullopt;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

bool applySet(ConfigNode& root, const std::string& arg, ConfigOrigins& origins,
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

  ConfigLoc base{ConfigOriginKind::kSet, origins.intern(error_path), 0, 0};
  ConfigNode value;
  if (value_text.empty()) {
    // `--set metrics.listen=` means the empty string, not null.
    value.kind = ConfigNode::Kind::kScalar;
    value.loc = base;
  } else {
    std::vector<ConfigError> value_errors;
    std::optional<ConfigNode> parsed =
        parseYaml(value_text, base, std::string(key_path), error_path, value_errors);
    if (!parsed || !value_errors.empty()) {
      for (ConfigError& e : value_errors) errors.push_back({error_path, e.message});
      return false;
    }
    value = std::move(*parsed);
  }

  ConfigNode* cur = &root;
  std::string shown;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& seg = segments[i];
    const bool last = i + 1 == segments.size();
    if (cur->kind == ConfigNode::Kind::kNull) {
      // An empty section: give it the shape the path asks for.
      cur->kind = parseIndex(seg) ? ConfigNode::Kind::kSeq : ConfigNode::Kind::kMap;
    }
    ConfigNode* next = nullptr;
    if (cur->kind == ConfigNode::Kind::kScalar) {
      return fail("cannot go into " + (shown.empty() ? std::string("the top level") : shown) +
                  ": it is a single value, not a map or list");
    } else if (cur->kind == ConfigNode::Kind::kMap) {
      for (ConfigMapEntry& e : cur->map) {
        if (e.key == seg) next = &e.value;
      }
      if (next == nullptr) {
        // A new key; if it is not one the loader knows, validation reports it as unknown.
        cur->map.push_back({seg, base, ConfigNode{}});
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

}  // namespace casewatch
