// The message templates of alert texts: every summary and reason an alert carries, in English and
// Chinese, comes from a template kept in a file (config/messages.yaml, built in; an operator's
// `messages_file` overrides it entry by entry), so that wording and translation change without a
// rebuild. Templates are fmt format strings with named placeholders, `{days}` or `{lambda:.3f}`.
//
// Each entry declares its placeholders and their kinds (int, number, text); an override may change
// the wording only. Every template is test-formatted when loaded, so a misspelt placeholder or a
// bad format spec is an error at start-up (with the entry's key), never at run time. render() is
// called on the hot path: it never throws; a key the catalog lacks renders as "[key]" (a bug that
// the models' tests catch).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace casewatch {

// A text in both languages of alerts.
struct LocalText {
  std::string en;
  std::string zh;  // zh-CN
  friend bool operator==(const LocalText&, const LocalText&) = default;
};

// One placeholder's value. `name` must outlive the render() call (a string literal).
struct MessageArg {
  const char* name;
  std::variant<int64_t, double, std::string_view, const LocalText*> value;

  template <class T>
  requires std::is_integral_v<T> MessageArg(const char* n, T v)
      : name(n), value(static_cast<int64_t>(v)) {}
  template <class T>
  requires std::is_floating_point_v<T> MessageArg(const char* n, T v)
      : name(n), value(static_cast<double>(v)) {}
  MessageArg(const char* n, std::string_view v) : name(n), value(v) {}
  MessageArg(const char* n, const std::string& v) : name(n), value(std::string_view(v)) {}
  MessageArg(const char* n, const char* v) : name(n), value(std::string_view(v)) {}
  // A value that is itself worded per language (a step's or a tier's name).
  MessageArg(const char* n, const LocalText& v) : name(n), value(&v) {}
};

class MessageCatalog {
 public:
  enum class ArgKind { kInt, kNumber, kText };
  // A template split once, at load, into literal text and placeholders, so that rendering only
  // appends (no parsing of the template, no argument store: fmt's dynamic named-argument store
  // cost about 2 µs per alert text in models_bench, more than the models' own work).
  struct Piece {
    std::string literal;  // text before the placeholder (braces unescaped)
    int arg = -1;         // index into Entry::args; -1 = none (the template's tail)
    std::string spec;     // "{}" or "{:.3f}": the placeholder's own format
  };
  struct Entry {
    std::vector<std::pair<std::string, ArgKind>> args;
    LocalText text;
    std::vector<Piece> en_pieces, zh_pieces;  // derived from `text`
    friend bool operator==(const Entry& a, const Entry& b) {
      return a.args == b.args && a.text == b.text;
    }
  };

  // The built-in catalogue (config/messages.yaml as embedded in the binary).
  static const MessageCatalog& builtin();
  // Parses a catalogue. Over `base` (may be null), `yaml_text` may only re-word known entries;
  // without a base it defines them (with their `args`). Errors name the key and the origin.
  static absl::StatusOr<MessageCatalog> parse(std::string_view yaml_text, std::string_view origin,
                                              const MessageCatalog* base);
  // The built-in catalogue with the file's entries over it.
  static absl::StatusOr<MessageCatalog> loadOverride(const std::string& path);

  // Both languages of the entry `key` with `args` substituted. Never throws.
  LocalText render(std::string_view key, std::initializer_list<MessageArg> args = {}) const;

  size_t size() const { return entries_.size(); }
  const Entry* find(std::string_view key) const;
  friend bool operator==(const MessageCatalog& a, const MessageCatalog& b) {
    return a.entries_ == b.entries_;
  }

 private:
  std::map<std::string, Entry, std::less<>> entries_;
};

// The text of config/messages.yaml as built into the binary (generated source, CMakeLists.txt).
std::string_view embeddedMessagesYaml();

}  // namespace casewatch
