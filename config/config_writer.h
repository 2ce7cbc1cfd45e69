// Writing a configuration back as YAML, in the same shape the loader reads (check-config
// --print): each component writes its own section with these calls, without seeing yaml-cpp.
// Loading the text gives back an equal configuration.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace YAML {
class Emitter;
}

namespace casewatch {

class ConfigWriter {
 public:
  // What a secret (an inline token) is written as when secrets are redacted.
  static constexpr std::string_view kRedacted = "<redacted>";
  // Opens the top-level map. With `redact_secrets`, secret() writes kRedacted for a value (for
  // showing a configuration: check-config --print); without, the value (a round trip).
  explicit ConfigWriter(bool redact_secrets = false);
  ~ConfigWriter();
  ConfigWriter(const ConfigWriter&) = delete;
  ConfigWriter& operator=(const ConfigWriter&) = delete;

  // `key:` followed by a nested map, up to the matching endMap().
  void beginMap(std::string_view key);
  void endMap();
  // `key:` followed by a list of maps (each beginItem() ... endItem()); "[]" when `empty`.
  void beginList(std::string_view key, bool empty);
  void endList();
  void beginItem();
  void endItem();

  void string(std::string_view key, const std::string& value);  // always quoted
  // A secret: like string(), or kRedacted (when redacting and `value` is not empty).
  void secret(std::string_view key, const std::string& value);
  void name(std::string_view key, std::string_view value);  // plain: an enum's name
  void integer(std::string_view key, long long value);
  void boolean(std::string_view key, bool value);
  // Shortest round-trip form, written plain so that it reads back as a number.
  void number(std::string_view key, double value);
  void strings(std::string_view key, const std::vector<std::string>& values);  // [ "a", "b" ]
  void integers(std::string_view key, const std::vector<int>& values);         // [ 1, 2 ]

  // The whole document (closes the top-level map), ending in a newline.
  std::string text();

 private:
  std::unique_ptr<YAML::Emitter> e_;
  bool redact_secrets_;
};

}  // namespace casewatch
