#include "daemon/logging/log_setup.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

#include "daemon/logging/journald_priority_formatter.h"
#include "daemon/logging/json_log_formatter.h"

namespace casewatch {

std::unique_ptr<spdlog::formatter> makeLogFormatter(LogFormat format, bool journald) {
  std::unique_ptr<spdlog::formatter> line;
  if (format == LogFormat::kJson) {
    line = std::make_unique<JsonLogFormatter>();
  } else {
    line = std::make_unique<spdlog::pattern_formatter>("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  }
  if (journald) line = std::make_unique<JournaldPriorityFormatter>(std::move(line));
  return line;
}

void setUpLogging(LogFormat format, LogLevel level) {
  auto logger = spdlog::stderr_color_mt("casewatchd");
  logger->set_formatter(makeLogFormatter(format, journalStreamIsStderr()));
  logger->set_level(spdlog::level::from_str(std::string(logLevelName(level))));
  spdlog::set_default_logger(logger);
}

}  // namespace casewatch
