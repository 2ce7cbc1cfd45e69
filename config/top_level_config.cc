#include "config/top_level_config.h"

#include <memory>

#include "config/address_checks.h"
#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {
namespace {

const EnumTable<LogFormat> kLogFormats = {{"text", LogFormat::kText}, {"json", LogFormat::kJson}};
const EnumTable<LogLevel> kLogLevels = {{"trace", LogLevel::kTrace},
                                        {"debug", LogLevel::kDebug},
                                        {"info", LogLevel::kInfo},
                                        {"warn", LogLevel::kWarn},
                                        {"error", LogLevel::kError}};
const EnumTable<ClockSource> kClockSources = {{"wall", ClockSource::kWall},
                                              {"event", ClockSource::kEvent}};
const EnumTable<Locale> kLocales = {{"en", Locale::kEn}, {"zh-CN", Locale::kZhCn}};

}  // namespace

std::string_view logLevelName(LogLevel level) {
  return enumName(kLogLevels, level);
}

std::string_view localeName(Locale locale) {
  return enumName(kLocales, locale);
}

void decodeConfig(MapReader& r, TopLevelConfig& c) {
  r.read("data_dir", c.data_dir);
  if (const ConfigNode* n = r.take("metrics")) {
    MapReader m(r.decoder(), *n, r.pathOf("metrics"));
    m.read("listen", c.metrics_listen);
  }
  r.read("locale", c.locale, kLocales);
  r.read("messages_file", c.messages.file);
  if (const ConfigNode* n = r.take("log")) {
    MapReader m(r.decoder(), *n, r.pathOf("log"));
    m.read("format", c.log_format, kLogFormats);
    m.read("level", c.log_level, kLogLevels);
  }
  r.read("clock", c.clock, kClockSources);
  r.read("demo", c.demo);
}

void validateConfig(ConfigDecoder& d, const std::string& path, TopLevelConfig& c) {
  if (c.data_dir.empty()) d.invalid(childPath(path, "data_dir"), "must not be empty");
  if (!c.metrics_listen.empty() && !isHostPort(c.metrics_listen)) {
    d.invalid(childPath(path, "metrics.listen"),
              "expected host:port with a port 0..65535 (or \"\" for no metrics), got " +
                  inQuotes(c.metrics_listen));
  }
  // The operator's message templates are loaded and checked once, here at the edge.
  const std::string messages = childPath(path, "messages_file");
  if (c.messages.file.empty() || d.failed(messages)) return;
  auto catalog = MessageCatalog::loadOverride(c.messages.file);
  if (!catalog.ok()) {
    d.invalid(messages, std::string(catalog.status().message()));
    return;
  }
  c.messages.catalog = std::make_shared<const MessageCatalog>(std::move(*catalog));
}

void writeConfig(ConfigWriter& w, const TopLevelConfig& c) {
  w.string("data_dir", c.data_dir);
  w.beginMap("metrics");
  w.string("listen", c.metrics_listen);
  w.endMap();
  w.string("locale", std::string(localeName(c.locale)));
  w.string("messages_file", c.messages.file);
  w.beginMap("log");
  w.name("format", enumName(kLogFormats, c.log_format));
  w.string("level", std::string(logLevelName(c.log_level)));
  w.endMap();
  w.name("clock", enumName(kClockSources, c.clock));
  w.boolean("demo", c.demo);
}

}  // namespace casewatch
