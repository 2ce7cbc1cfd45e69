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
// The language of printed alerts; decoded once, so a bad name fails at start-up.
enum class Locale { kEn, kZhCn };

std::string_view logLevelName(LogLevel level);  // "trace" ... "error" (spdlog's names)
std::string_view localeName(Locale locale);     // "en", "zh-CN"

struct TopLevelConfig {
  std::string data_dir = "./var/casewatch";
  std::string metrics_listen = "127.0.0.1:9464";  // `metrics.listen`
  Locale locale = Locale::kEn;
  MessagesConfig messages;  // `messages_file`
  LogFormat log_format = LogFormat::kText;
  LogLevel log_level = LogLevel::kInfo;
  ClockSource clock = ClockSource::kWall;
  bool demo = false;  // demo mode: the built-in pseudonym key is allowed
  friend bool operator==(const TopLevelConfig&, const TopLevelConfig&) = default;
};

// The top-level keys, read from the top-level map `r` (which the caller also hands to the
// sections); checked (this loads and checks messages_file); written back.
void decodeConfig(MapReader& r, TopLevelConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, TopLevelConfig& c);
void writeConfig(ConfigWriter& w, const TopLevelConfig& c);

}  // namespace casewatch
