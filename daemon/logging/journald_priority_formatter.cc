#include "daemon/logging/journald_priority_formatter.h"

#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace casewatch {

const char* journaldPriorityPrefix(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return SD_CRIT;
    case spdlog::level::err:
      return SD_ERR;
    case spdlog::level::warn:
      return SD_WARNING;
    case spdlog::level::info:
      return SD_INFO;
    default:
      return SD_DEBUG;
  }
}

bool journalStreamIsStderr() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  uintmax_t dev = 0, ino = 0;
  if (std::sscanf(stream, "%" SCNuMAX ":%" SCNuMAX, &dev, &ino) != 2) return false;
  struct stat st {};
  if (fstat(2, &st) != 0) return false;
  return static_cast<uintmax_t>(st.st_dev) == dev && static_cast<uintmax_t>(st.st_ino) == ino;
}

JournaldPriorityFormatter::JournaldPriorityFormatter(std::unique_ptr<spdlog::formatter> line)
    : line_(std::move(line)) {}

void JournaldPriorityFormatter::format(const spdlog::details::log_msg& msg,
                                       spdlog::memory_buf_t& dest) {
  const char* prefix = journaldPriorityPrefix(msg.level);
  const size_t n = std::strlen(prefix);
  dest.append(prefix, prefix + n);
  // The inner formatter's colour range is an offset into `dest`, so the prefix is accounted for.
  line_->format(msg, dest);
}

std::unique_ptr<spdlog::formatter> JournaldPriorityFormatter::clone() const {
  return std::make_unique<JournaldPriorityFormatter>(line_->clone());
}

}  // namespace casewatch
