// Under systemd, a service's stderr goes to journald, which reads a leading "<N>" (sd-daemon.h's
// SD_ERR, SD_WARNING, ...) as the line's syslog priority and strips it: `journalctl -p warning`
// then finds the warnings. This formatter puts that prefix in front of another formatter's line
// (text or JSON; journald stores the line without it). Only for a stderr that is the journal
// stream (journalStreamIsStderr()): anywhere else "<6>" would be noise.
//
// Thread-safety: as any spdlog formatter.
#pragma once

#include <memory>

#include <spdlog/formatter.h>

namespace casewatch {

// The journald prefix for a spdlog level: critical <2>, error <3>, warn <4>, info <6>,
// debug and trace <7>.
const char* journaldPriorityPrefix(spdlog::level::level_enum level);

// True when JOURNAL_STREAM (set by systemd for a unit whose output goes to the journal) names
// the device and inode of this process's stderr, as sd-daemon(3) recommends checking.
bool journalStreamIsStderr();

class JournaldPriorityFormatter final : public spdlog::formatter {
 public:
  explicit JournaldPriorityFormatter(std::unique_ptr<spdlog::formatter> line);
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  std::unique_ptr<spdlog::formatter> line_;
};

}  // namespace casewatch
