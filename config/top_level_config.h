// The top-level keys of the configuration: where data lives, logging, the clock, the language of
// printed alerts, metrics, demo mode and the message templates. The sections of the components sit
// beside them, each owned by its component (<component>_config.h); the daemon puts them together
// (daemon/daemon_config.h). Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

enum class LogFormat { kText, kJson };
enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError };
enum class ClockSource { kWall, kEvent };
// The language of printed alerts and of each reason's `text`: any locale the message templates
// provide ("en", "zh-CN", or one a `messages_files` file adds), checked once at load, so a bad
// name fails at start-up.
using Locale = std::string;

std::string_view logLevelName(LogLevel level);  // "trace" ... "error" (spdlog's names)
// The locale's tag (the identity: kept for the callers written when Locale was an enum).
inline std::string_view localeName(const Locale& locale) {
  return locale;
}

struct TopLevelConfig {
  std::string data_dir = "./var/casewatch";
  std::string metrics_listen = "127.0.0.1:9464";  // `metrics.listen`
  Locale locale = "en";
  MessagesConfig messages;  // `messages_file`, `messages_files`
  LogFormat log_format = LogFormat::kText;
  LogLevel log_level = LogLevel::kInfo;
  ClockSource clock = ClockSource::kWall;
  bool demo = false;  // demo mode: the built-in pseudonym key is allowed
  friend bool operator==(const TopLevelConfig&, const TopLevelConfig&) = default;
};

// The top-level keys, read from the top-level map `r` (which the caller also hands to the
// sections; decoding loads and checks the message templates, then `locale` against the locales
// they provide); checked; written back.
void decodeConfig(MapReader& r, TopLevelConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, TopLevelConfig& c);
void writeConfig(ConfigWriter& w, const TopLevelConfig& c);

}  // namespace casewatch
