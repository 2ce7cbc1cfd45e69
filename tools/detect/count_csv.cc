#include "tools/detect/count_csv.h"

#include <charconv>
#include <cmath>

#include "tools/csv/csv_line.h"

namespace casewatch::detect {

using csv::blank;
using csv::quoted;
using csv::split;
using csv::trim;

absl::StatusOr<std::vector<CountRow>> parseCountsCsv(std::string_view text) {
  std::vector<CountRow> rows;
  int line_no = 0;
  int t_col = -1, count_col = -1;
  size_t columns = 0;
  bool header = false;
  for (size_t pos = 0; pos <= text.size();) {
    const size_t nl = text.find('\n', pos);
    const std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (blank(line)) continue;
    const std::vector<std::string_view> fields = split(line);
    if (!header) {
      header = true;
      columns = fields.size();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i] == "t" && t_col < 0) t_col = static_cast<int>(i);
        if (fields[i] == "count" && count_col < 0) count_col = static_cast<int>(i);
      }
      std::string missing;
      if (t_col < 0) missing = "\"t\"";
      if (count_col < 0) missing += missing.empty() ? "\"count\"" : " and \"count\"";
      if (!missing.empty()) {
        return absl::InvalidArgumentError(
            "line " + std::to_string(line_no) + ": the header has no column " + missing +
            " (expected a header row \"t,count\", got " + quoted(trim(line)) + ")");
      }
      continue;
    }
    if (fields.size() != columns) {
      return absl::InvalidArgumentError("line " + std::to_string(line_no) + ": expected " +
                                        std::to_string(columns) + " fields as in the header, got " +
                                        std::to_string(fields.size()));
    }
    CountRow row;
    row.line = line_no;
    row.t = std::string(fields[static_cast<size_t>(t_col)]);
    if (row.t.empty()) {
      return absl::InvalidArgumentError("line " + std::to_string(line_no) +
                                        ", column \"t\": empty");
    }
    const std::string_view c = fields[static_cast<size_t>(count_col)];
    const auto [ptr, ec] = std::from_chars(c.data(), c.data() + c.size(), row.count);
    if (c.empty() || ec != std::errc() || ptr != c.data() + c.size() || !std::isfinite(row.count)) {
      return absl::InvalidArgumentError("line " + std::to_string(line_no) +
                                        ", column \"count\": " + quoted(c) + " is not a number");
    }
    if (row.count < 0) {
      return absl::InvalidArgumentError("line " + std::to_string(line_no) + ", column \"count\": " +
                                        quoted(c) + " is negative; counts are >= 0");
    }
    rows.push_back(std::move(row));
  }
  if (!header)
    return absl::InvalidArgumentError("line 1: the file is empty (no header \"t,count\")");
  return rows;
}

}  // namespace casewatch::detect
