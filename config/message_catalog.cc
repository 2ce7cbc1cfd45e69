#include "config/message_catalog.h"

#include <fmt/args.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <iterator>
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

// Splits a template (already checked by tryFormat) into pieces; "" on success, else why not.
std::string compile(const std::string& tpl, const MessageCatalog::Entry& e,
                    std::vector<MessageCatalog::Piece>& out) {
  out.clear();
  MessageCatalog::Piece p;
  for (size_t i = 0; i < tpl.size(); ++i) {
    const char c = tpl[i];
    if ((c == '{' || c == '}') && i + 1 < tpl.size() && tpl[i + 1] == c) {
      p.literal += c;  // "{{" or "}}"
      ++i;
      continue;
    }
    if (c != '{') {
      p.literal += c;
      continue;
    }
    const size_t close = tpl.find('}', i);
    if (close == std::string::npos) return "an unclosed placeholder";
    const std::string inner = tpl.substr(i + 1, close - i - 1);
    const size_t colon = inner.find(':');
    const std::string name = inner.substr(0, colon);
    p.arg = -1;
    for (size_t k = 0; k < e.args.size(); ++k) {
      if (e.args[k].first == name) p.arg = static_cast<int>(k);
    }
    if (p.arg < 0) return strCat("unknown placeholder {", name, "}");
    p.spec = colon == std::string::npos ? "{}" : strCat("{", inner.substr(colon), "}");
    out.push_back(std::move(p));
    p = MessageCatalog::Piece();
    i = close;
  }
  out.push_back(std::move(p));  // the tail
  return "";
}

// Appends one placeholder's value, converted to the entry's declared kind (so that the spec that
// passed the load-time check fits).
template <bool kZh>
void appendValue(std::string& out, const MessageCatalog::Piece& p, MessageCatalog::ArgKind kind,
                 const MessageArg& a) {
  auto put = [&](const auto& v) {
    fmt::format_to(std::back_inserter(out), fmt::runtime(p.spec), v);
  };
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, const LocalText*>) {
          put(std::string_view(kZh ? v->zh : v->en));
        } else if constexpr (std::is_same_v<V, int64_t>) {
          if (kind == MessageCatalog::ArgKind::kNumber)
            put(static_cast<double>(v));
          else
            put(v);
        } else if constexpr (std::is_same_v<V, double>) {
          if (kind == MessageCatalog::ArgKind::kInt)
            put(static_cast<int64_t>(std::llround(v)));
          else
            put(v);
        } else {
          put(v);
        }
      },
      a.value);
}

// Renders one language; false when an argument the template needs was not passed.
template <bool kZh>
bool renderOne(const MessageCatalog::Entry& e, const std::vector<MessageCatalog::Piece>& pieces,
               std::initializer_list<MessageArg> args, std::string& out) {
  for (const MessageCatalog::Piece& p : pieces) {
    out += p.literal;
    if (p.arg < 0) continue;
    const auto& [name, kind] = e.args[static_cast<size_t>(p.arg)];
    const MessageArg* found = nullptr;
    for (const MessageArg& a : args) {
      if (name == a.name) found = &a;
    }
    if (found == nullptr) return false;
    appendValue<kZh>(out, p, kind, *found);
  }
  return true;
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
    for (const auto* lang : {"en", "zh-CN"}) {
      const bool en = std::string_view(lang) == "en";
      if (std::string err = compile(en ? e.text.en : e.text.zh, e, en ? e.en_pieces : e.zh_pieces);
          !err.empty()) {
        return absl::InvalidArgumentError(strCat(at, ".", lang, ": ", err));
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

LocalText MessageCatalog::render(std::string_view key,
                                 std::initializer_list<MessageArg> args) const {
  const Entry* e = find(key);
  if (e == nullptr) {
    std::string missing = strCat("[", key, "]");
    return LocalText{missing, missing};
  }
  if (e->args.empty()) return e->text;
  LocalText out;
  out.en.reserve(e->text.en.size() + 32);
  out.zh.reserve(e->text.zh.size() + 32);
  try {
    if (renderOne<false>(*e, e->en_pieces, args, out.en) &&
        renderOne<true>(*e, e->zh_pieces, args, out.zh)) {
      return out;
    }
  } catch (const fmt::format_error&) {
  }
  // A placeholder the code did not pass (a bug): the template as it stands says enough.
  return e->text;
}

}  // namespace casewatch
