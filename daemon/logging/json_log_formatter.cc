#include "daemon/logging/json_log_formatter.h"

#include <string>

#include <nlohmann/json.hpp>

namespace casewatch {

JsonLogFormatter::JsonLogFormatter()
    : ts_("%Y-%m-%dT%H:%M:%S.%e%z", spdlog::pattern_time_type::local, "") {}

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  ts_buf_.clear();
  ts_.format(msg, ts_buf_);
  const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
  // ordered_json keeps the fields in this order (ts first reads best in a terminal).
  nlohmann::ordered_json record;
  record["ts"] = std::string(ts_buf_.data(), ts_buf_.size());
  record["level"] = std::string(level.data(), level.size());
  record["logger"] = std::string(msg.logger_name.data(), msg.logger_name.size());
  record["msg"] = std::string(msg.payload.data(), msg.payload.size());
  // replace: invalid UTF-8 becomes U+FFFD instead of throwing; ensure_ascii off keeps Chinese
  // readable. dump() escapes '"', '\\' and every control character, so no raw newline remains.
  const std::string line =
      record.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  dest.append(line.data(), line.data() + line.size());
  dest.push_back('\n');
  msg.color_range_start = msg.color_range_end = 0;  // no colours in JSON
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace casewatch
