#include "config/message_catalog.h"

#include <fmt/args.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
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

// A locale tag as BCP 47 writes the common ones: a language of 2-3 lower-case letters, then
// subtags of 2-8 letters or digits ("fr", "pt-BR", "zh-Hant-TW").
bool isLocaleTag(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && s[i] >= 'a' && s[i] <= 'z') ++i;
  if (i < 2 || i > 3) return false;
  while (i < s.size()) {
    if (s[i] != '-') return false;
    const size_t start = ++i;
    while (i < s.size() && std::isalnum(static_cast<unsigned char>(s[i]))) ++i;
    if (i - start < 2 || i - start > 8) return false;
  }
  return true;
}

absl::StatusOr<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(strCat(path, ": cannot be read"));
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
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
                                                     const MessageCatalog* base, bool new_locales) {
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
      if (name == "args" && base == nullptr) {
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
      } else if (name == "en" || name == "zh-CN" || (new_locales && isLocaleTag(name))) {
        if (!field.second.IsScalar()) {
          return absl::InvalidArgumentError(strCat(at, ".", name, ": expected a string"));
        }
        e.text.set(name, field.second.as<std::string>());
        if (!out.hasLocale(name)) {
          out.locales_.push_back(name);
          std::sort(out.locales_.begin(), out.locales_.end(), LocalText::localeBefore);
        }
      } else {
        return absl::InvalidArgumentError(
            strCat(at, ".", name, ": unknown key (expected ",
                   base == nullptr ? "args, en, zh-CN"
                   : new_locales   ? "en, zh-CN or a locale such as fr or pt-BR; args are fixed"
                                   : "en, zh-CN; args are fixed",
                   ")"));
      }
    }
    const std::string* en = e.text.find("en");
    const std::string* zh = e.text.find("zh-CN");
    if (en == nullptr || en->empty() || zh == nullptr || zh->empty()) {
      return absl::InvalidArgumentError(strCat(at, ": needs both en and zh-CN"));
    }
    for (const auto& [lang, tpl] : e.text) {
      if (tpl.empty()) return absl::InvalidArgumentError(strCat(at, ".", lang, ": is empty"));
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
  auto text = readFile(path);
  if (!text.ok()) return text.status();
  return parse(*text, path, &builtin());
}

absl::StatusOr<MessageCatalog> MessageCatalog::loadLocaleFile(const std::string& path) const {
  auto text = readFile(path);
  if (!text.ok()) return text.status();
  return parse(*text, path, this, /*new_locales=*/true);
}

bool MessageCatalog::hasLocale(std::string_view locale) const {
  return std::find(locales_.begin(), locales_.end(), locale) != locales_.end();
}

std::vector<std::string> MessageCatalog::fallbacks(std::string_view locale) const {
  std::vector<std::string> out;
  for (const auto& [key, e] : entries_) {
    if (e.text.find(locale) == nullptr) out.push_back(key);
  }
  return out;
}

const MessageCatalog::Entry* MessageCatalog::find(std::string_view key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace casewatch
