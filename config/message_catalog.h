// The message templates of alert texts, as loaded and checked: every summary and reason an alert
// carries, in every language, comes from a template kept in a file (alerts/wording/messages.yaml,
// built in, English and Chinese; an operator's `messages_file` re-words it entry by entry; each of
// `messages_files` adds languages, or re-words), so that wording and translation change without a
// rebuild. Templates are fmt format strings with named placeholders, `{days}` or `{lambda:.3f}`.
//
// Languages: en and zh-CN are complete (the built-in file has both for every entry); a language a
// file adds may leave entries out, and those are worded in English (fallbacks() names them, for
// `check-config`).
//
// Each entry declares its placeholders and their kinds (int, number, text); an override may change
// the wording only. Every template is test-formatted when loaded, so a misspelt placeholder or a
// bad format spec is an error at start-up (with the entry's key), never at run time. The catalog
// only holds the templates: alerts/wording/alert_wording.h words alerts with them. It stays in
// config/ while the configuration (MessagesConfig, the `messages_file` check) names it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "base/local_text.h"

namespace casewatch {

class MessageCatalog {
 public:
  enum class ArgKind { kInt, kNumber, kText };
  struct Entry {
    std::vector<std::pair<std::string, ArgKind>> args;
    LocalText text;  // en and zh-CN always; other locales where a file gave them
    friend bool operator==(const Entry& a, const Entry& b) {
      return a.args == b.args && a.text == b.text;
    }
  };

  // The built-in catalogue (alerts/wording/messages.yaml as embedded in the binary).
  static const MessageCatalog& builtin();
  // Parses a catalogue. Over `base` (may be null), `yaml_text` may only re-word known entries;
  // without a base it defines them (with their `args`). With `new_locales`, an entry may give any
  // locale (a tag such as `fr` or `pt-BR`), which adds that language; without, only en and zh-CN.
  // Errors name the key and the origin.
  static absl::StatusOr<MessageCatalog> parse(std::string_view yaml_text, std::string_view origin,
                                              const MessageCatalog* base, bool new_locales = false);
  // The built-in catalogue with the file's entries over it (`messages_file`: en and zh-CN only).
  static absl::StatusOr<MessageCatalog> loadOverride(const std::string& path);
  // This catalogue with the file's entries over it, which may add languages (`messages_files`).
  absl::StatusOr<MessageCatalog> loadLocaleFile(const std::string& path) const;

  // The locales every entry is worded in: en, zh-CN, then the added ones by name.
  const std::vector<std::string>& locales() const { return locales_; }
  bool hasLocale(std::string_view locale) const;
  // The entries without text of their own in `locale` (worded in English), in key order.
  std::vector<std::string> fallbacks(std::string_view locale) const;

  // Entries by key, in key order.
  const std::map<std::string, Entry, std::less<>>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  const Entry* find(std::string_view key) const;
  friend bool operator==(const MessageCatalog& a, const MessageCatalog& b) {
    return a.entries_ == b.entries_ && a.locales_ == b.locales_;
  }

 private:
  std::map<std::string, Entry, std::less<>> entries_;
  std::vector<std::string> locales_ = {"en", "zh-CN"};
};

// The text of alerts/wording/messages.yaml as built into the binary (generated source,
// CMakeLists.txt).
std::string_view embeddedMessagesYaml();

}  // namespace casewatch
