#include "config/top_level_config.h"

#include <memory>

#include "base/str_cat.h"
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

// The operator's message templates, loaded and checked once, here at the edge: `messages_file`
// (en / zh-CN re-wording) over the built-in ones, then each of `messages_files` in order (which
// may add languages). False when a file was refused (its error is reported at its key).
bool loadMessages(MapReader& r, MessagesConfig& m) {
  ConfigDecoder& d = r.decoder();
  const std::string file_path = r.pathOf("messages_file");
  const std::string files_path = r.pathOf("messages_files");
  if (d.failed(file_path) || d.failed(files_path)) return false;
  if (m.file.empty() && m.files.empty()) return true;
  absl::StatusOr<MessageCatalog> catalog = MessageCatalog::builtin();
  if (!m.file.empty()) {
    catalog = MessageCatalog::loadOverride(m.file);
    if (!catalog.ok()) {
      d.invalid(file_path, std::string(catalog.status().message()));
      return false;
    }
  }
  for (size_t i = 0; i < m.files.size(); ++i) {
    catalog = catalog->loadLocaleFile(m.files[i]);
    if (!catalog.ok()) {
      d.invalid(indexPath(files_path, i), std::string(catalog.status().message()));
      return false;
    }
  }
  m.catalog = std::make_shared<const MessageCatalog>(std::move(*catalog));
  return true;
}

}  // namespace

std::string_view logLevelName(LogLevel level) {
  return enumName(kLogLevels, level);
}

void decodeConfig(MapReader& r, TopLevelConfig& c) {
  r.read("data_dir", c.data_dir);
  if (const ConfigNode* n = r.take("metrics")) {
    MapReader m(r.decoder(), *n, r.pathOf("metrics"));
    m.read("listen", c.metrics_listen);
  }
  r.read("messages_file", c.messages.file);
  r.read("messages_files", c.messages.files);
  const bool messages_ok = loadMessages(r, c.messages);
  if (const ConfigNode* n = r.take("locale")) {
    const MessageCatalog& catalog = c.messages.get();
    if (n->kind == ConfigNode::Kind::kScalar && catalog.hasLocale(n->scalar)) {
      c.locale = n->scalar;
    } else if (messages_ok || n->kind != ConfigNode::Kind::kScalar) {
      // (A locale a refused file would have added is not a second error.)
      std::string names;
      for (const std::string& l : catalog.locales()) strAppend(names, names.empty() ? "" : ", ", l);
      r.decoder().error(r.pathOf("locale"),
                        "expected one of " + names + "; got " + describeNode(*n), n->loc);
    }
  }
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
}

void writeConfig(ConfigWriter& w, const TopLevelConfig& c) {
  w.string("data_dir", c.data_dir);
  w.beginMap("metrics");
  w.string("listen", c.metrics_listen);
  w.endMap();
  w.string("locale", c.locale);
  w.string("messages_file", c.messages.file);
  w.strings("messages_files", c.messages.files);
  w.beginMap("log");
  w.name("format", enumName(kLogFormats, c.log_format));
  w.string("level", std::string(logLevelName(c.log_level)));
  w.endMap();
  w.name("clock", enumName(kClockSources, c.clock));
  w.boolean("demo", c.demo);
}

}  // namespace casewatch
