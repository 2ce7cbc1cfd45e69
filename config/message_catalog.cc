#include "config/message_catalog.h"

#include <fmt/args.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "base/str_cat.h"

namespace casewatch {
namespace {

std::string where(std::string_view origin, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  if (m.line < 0) return std::string(origin);
  return strCat(origin, ":", m.line + 1);
}

bool kindFromName(std::string_view s, MessageCatalog::ArgKind& out) {
  if (s == "int")
    out = MessageCatalog::ArgKind::kInt;
  else if (s == "number")
    out = MessageCatalog::ArgKind::kNumber;
  else if (s == "text")
    out = MessageCatalog::ArgKind::kText;
  else
    return false;
  return true;
}

// Formats `tpl` with a sample value of every declared placeholder: a misspelt name or a format
// spec that does not fit the kind fails here, at load time.
std::string tryFormat(const std::string& tpl, const MessageCatalog::Entry& e) {
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const auto& [name, kind] : e.args) {
    switch (kind) {
      case MessageCatalog::ArgKind::kInt:
        store.push_back(fmt::arg(name.c_str(), int64_t{12}));
        break;
      case MessageCatalog::ArgKind::kNumber:
        store.push_back(fmt::arg(name.c_str(), 1.25));
        break;
      case MessageCatalog::ArgKind::kText:
        store.push_back(fmt::arg(name.c_str(), std::string_view("x")));
        break;
    }
  }
  try {
    (void)fmt::vformat(tpl, store);
  } catch (const fmt::format_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

const MessageCatalog& MessageCatalog::builtin() {
  static const MessageCatalog kBuiltin = [] {
    auto c = parse(embeddedMessagesYaml(), "<built-in messages>", nullptr);
    // The built-in file is checked by the build's tests; a broken one is a programming error.
    if (!c.ok()) {
      fmt::print(stderr, "casewatch: the built-in messages are broken: {}\n", c.status().message());
      std::abort();
    }
    return std::move(*c);
  }();
  return kBuiltin;
}

absl::StatusOr<MessageCatalog> MessageCatalog::parse(std::string_view yaml_text,
                                                     std::string_view origin,
                                                     const MessageCatalog* base) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(strCat(origin, ": not YAML: ", e.what()));
  }
  MessageCatalog out;
  if (base != nullptr) out = *base;
  if (root.IsNull()) return out;
  if (!root.IsMap()) {
    return absl::InvalidArgumentError(strCat(where(origin, root), ": expected a map of messages"));
  }
  for (const auto& item : root) {
    const std::string key = item.first.as<std::string>("");
    const YAML::Node& v = item.second;
    const std::string at = strCat(where(origin, item.first), ": ", key);
    if (!v.IsMap()) return absl::InvalidArgumentError(strCat(at, ": expected a map"));
    Entry e;
    if (base != nullptr) {
      const Entry* known = base->find(key);
      if (known == nullptr) return absl::InvalidArgumentError(strCat(at, ": unknown message"));
      e = *known;
    }
    for (const auto& field : v) {
      const std::string name = field.first.as<std::string>("");
      if (name == "en" || name == "zh-CN") {
        if (!field.second.IsScalar()) {
          return absl::InvalidArgumentError(strCat(at, ".", name, ": expected a string"));
        }
        (name == "en" ? e.text.en : e.text.zh) = field.second.as<std::string>();
      } else if (name == "args" && base == nullptr) {
        if (!field.second.IsMap()) {
          return absl::InvalidArgumentError(
              strCat(at, ".args: expected a map of placeholder: int|number|text"));
        }
        for (const auto& arg : field.second) {
          ArgKind kind;
          const std::string kind_name = arg.second.as<std::string>("");
          if (!kindFromName(kind_name, kind)) {
            return absl::InvalidArgumentError(strCat(at, ".args.", arg.first.as<std::string>(""),
                                                     ": expected int, number or text; got \"",
                                                     kind_name, "\""));
          }
          e.args.emplace_back(arg.first.as<std::string>(""), kind);
        }
      } else {
        return absl::InvalidArgumentError(
            strCat(at, ".", name, ": unknown key (expected ",
                   base == nullptr ? "args, en, zh-CN" : "en, zh-CN; args are fixed", ")"));
      }
    }
    if (e.text.en.empty() || e.text.zh.empty()) {
      return absl::InvalidArgumentError(strCat(at, ": needs both en and zh-CN"));
    }
    for (const auto* lang : {"en", "zh-CN"}) {
      const std::string& tpl = std::string_view(lang) == "en" ? e.text.en : e.text.zh;
      if (std::string err = tryFormat(tpl, e); !err.empty()) {
        std::string names;
        for (const auto& a : e.args) names += (names.empty() ? "" : ", ") + a.first;
        return absl::InvalidArgumentError(strCat(
            at, ".", lang, ": ", err, " (placeholders: ", names.empty() ? "none" : names, ")"));
      }
    }
    out.entries_[key] = std::move(e);
  }
  return out;
}

absl::StatusOr<MessageCatalog> MessageCatalog::loadOverride(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(strCat(path, ": cannot be read"));
  std::stringstream buf;
  buf << in.rdbuf();
  return parse(buf.str(), path, &builtin());
}

const MessageCatalog::Entry* MessageCatalog::find(std::string_view key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace casewatch
