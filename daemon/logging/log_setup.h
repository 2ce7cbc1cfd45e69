// The daemon's logger: stderr, text or JSON lines (`log.format`), and under systemd the journald
// priority prefix on every line (journald_priority_formatter.h).
#pragma once

#include <memory>

#include <spdlog/formatter.h>

#include "config/top_level_config.h"

namespace casewatch {

// The formatter for `format`; with `journald`, each line starts with its priority ("<4>").
std::unique_ptr<spdlog::formatter> makeLogFormatter(LogFormat format, bool journald);

// Makes the default logger "casewatchd" on stderr at `level`; colours only on a terminal, the
// journald prefix only when stderr is the journal stream.
void setUpLogging(LogFormat format, LogLevel level);

}  // namespace casewatch
