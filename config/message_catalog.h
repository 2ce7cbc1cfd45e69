// The message templates of alert texts, as loaded and checked: every summary and reason an alert
// carries, in English and Chinese, comes from a template kept in a file
// (alerts/wording/messages.yaml, built in; an operator's `messages_file` overrides it entry by
// entry), so that wording and translation change without a rebuild. Templates are fmt format
// strings with named placeholders, `{days}` or `{lambda:.3f}`.
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

namespace casewatch {

// A text in both languages of alerts.
struct LocalText {
  std::string en;
  std::string zh;  // zh-CN
  friend bool operator==(const LocalText&, const LocalText&) = default;
};

class MessageCatalog {
 public:
  enum class ArgKind { kInt, kNumber, kText };
  struct Entry {
    std::vector<std::pair<std::string, ArgKind>> args;
    LocalText text;
    friend bool operator==(const Entry& a, const Entry& b) {
      return a.args == b.args && a.text == b.text;
    }
  };

  // The built-in catalogue (alerts/wording/messages.yaml as embedded in the binary).
  static const MessageCatalog& builtin();
  // Parses a catalogue. Over `base` (may be null), `yaml_text` may only re-word known entries;
  // without a base it defines them (with their `args`). Errors name the key and the origin.
  static absl::StatusOr<MessageCatalog> parse(std::string_view yaml_text, std::string_view origin,
                                              const MessageCatalog* base);
  // The built-in catalogue with the file's entries over it.
  static absl::StatusOr<MessageCatalog> loadOverride(const std::string& path);

  // Entries by key, in key order.
  const std::map<std::string, Entry, std::less<>>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  const Entry* find(std::string_view key) const;
  friend bool operator==(const MessageCatalog& a, const MessageCatalog& b) {
    return a.entries_ == b.entries_;
  }

 private:
  std::map<std::string, Entry, std::less<>> entries_;
};

// The text of alerts/wording/messages.yaml as built into the binary (generated source,
// CMakeLists.txt).
std::string_view embeddedMessagesYaml();

}  // namespace casewatch
