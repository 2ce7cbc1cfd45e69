// `log.format: json`: each log record as exactly one JSON object on one line,
// {"ts":"2024-05-01T08:00:00.123+08:00","level":"info","logger":"casewatchd","msg":"..."},
// whatever the message holds: quotes, backslashes, newlines and other control characters are
// escaped, non-ASCII text (Chinese) is kept as UTF-8, and bytes that are not valid UTF-8 become
// U+FFFD, so a log shipper can parse every line. (A spdlog pattern cannot escape `%v`.)
//
// Thread-safety: as any spdlog formatter, used under its sink's lock; clone() for another sink.
#pragma once

#include <memory>

#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>

namespace casewatch {

class JsonLogFormatter final : public spdlog::formatter {
 public:
  JsonLogFormatter();
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  // The timestamp only: RFC 3339 local time with milliseconds and the offset.
  spdlog::pattern_formatter ts_;
  spdlog::memory_buf_t ts_buf_;
};

}  // namespace casewatch
