#include "tools/fit/feature_csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <set>

#include "base/str_cat.h"
#include "tools/csv/csv_line.h"

namespace casewatch::fit {
namespace {

using csv::blank;
using csv::quoted;
using csv::split;
using csv::trim;

bool parseNumber(std::string_view s, double& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// The fast path for a plain row (what a program writes: numbers and commas, maybe a trailing CR):
// each number is read where it stands and must end at the comma; nothing is split or trimmed.
// Anything else (blanks, quotes, a bad number, a wrong field count, a y not 0/1) returns false and
// the general path below reads the row again and gives the error; both read the same values.
// Measured on 100,000 × 20 (25 MB): the whole command 0.189 → 0.174 s of CPU (medians of 7).
bool readPlainRow(std::string_view line, size_t fields, size_t y_col, Eigen::MatrixXd& x,
                  Eigen::VectorXd& y, Eigen::Index row) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const char* p = line.data();
  const char* const end = p + line.size();
  Eigen::Index col = 0;
  for (size_t i = 0; i < fields; ++i) {
    if (p != end && *p == '+') ++p;
    double v = 0;
    const auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc() || next == p || !std::isfinite(v)) return false;
    if (i + 1 < fields ? next == end || *next != ',' : next != end) return false;
    if (i == y_col) {
      if (v != 0 && v != 1) return false;
      y[row] = v;
    } else {
      x(row, col++) = v;
    }
    p = next + 1;
  }
  return true;
}

// The lines from `pos` to the end (the last one may lack its '\n'): at least the rows to come.
size_t linesFrom(std::string_view text, size_t pos) {
  size_t lines = 0;
  while (pos < text.size()) {
    const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
    ++lines;
    if (nl == nullptr) break;
    pos = static_cast<size_t>(static_cast<const char*>(nl) - text.data()) + 1;
  }
  return lines;
}

}  // namespace

absl::StatusOr<FeatureTable> parseFeatureCsv(std::string_view text) {
  FeatureTable t;
  std::vector<std::string> header;
  int y_col = -1;
  // Rows go straight into t.x, sized once from the lines after the header (an upper bound: blank
  // lines are skipped): no vector per row and none per line, which were 600,000 allocations for
  // 100,000 rows × 21 fields.
  Eigen::Index rows = 0;
  std::vector<std::string_view> fields;
  int line_no = 0;
  for (size_t pos = 0; pos <= text.size();) {
    const size_t nl = text.find('\n', pos);
    const std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (blank(line)) continue;
    if (header.empty()) {
      split(line, fields);
      std::set<std::string_view> seen;
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].empty()) {
          return absl::InvalidArgumentError(
              strCat("line ", line_no, ": column ", i + 1, " of the header has no name"));
        }
        if (!seen.insert(fields[i]).second) {
          return absl::InvalidArgumentError(
              strCat("line ", line_no, ": column ", quoted(fields[i]), " appears twice"));
        }
        header.emplace_back(fields[i]);
        if (fields[i] == "y") {
          y_col = static_cast<int>(i);
        } else {
          t.names.emplace_back(fields[i]);
        }
      }
      if (y_col < 0) {
        return absl::InvalidArgumentError(
            strCat("line ", line_no, ": the header has no column \"y\" (the 0/1 label), got ",
                   quoted(trim(line))));
      }
      if (t.names.empty()) {
        return absl::InvalidArgumentError(
            strCat("line ", line_no, ": the header has no feature column besides \"y\""));
      }
      const auto bound = static_cast<Eigen::Index>(linesFrom(text, std::min(pos, text.size())));
      t.x.resize(bound, static_cast<Eigen::Index>(t.names.size()));
      t.y.resize(bound);
      continue;
    }
    if (readPlainRow(line, header.size(), static_cast<size_t>(y_col), t.x, t.y, rows)) {
      ++rows;
      continue;
    }
    split(line, fields);
    if (fields.size() != header.size()) {
      return absl::InvalidArgumentError(strCat("line ", line_no, ": expected ", header.size(),
                                               " fields as in the header, got ", fields.size()));
    }
    Eigen::Index col = 0;
    for (size_t i = 0; i < fields.size(); ++i) {
      double v = 0;
      if (!parseNumber(fields[i], v) || !std::isfinite(v)) {
        return absl::InvalidArgumentError(strCat("line ", line_no, ", column ", quoted(header[i]),
                                                 ": ", quoted(fields[i]),
                                                 " is not a finite number"));
      }
      if (static_cast<int>(i) == y_col) {
        if (v != 0 && v != 1) {
          return absl::InvalidArgumentError(
              strCat("line ", line_no, ", column \"y\": ", quoted(fields[i]), " is not 0 or 1"));
        }
        t.y[rows] = v;
      } else {
        t.x(rows, col++) = v;
      }
    }
    ++rows;
  }
  if (header.empty()) return absl::InvalidArgumentError("line 1: the file is empty (no header)");
  if (rows == 0) return absl::InvalidArgumentError("the file has a header but no rows");
  if (rows < t.x.rows()) {
    t.x.conservativeResize(rows, Eigen::NoChange);
    t.y.conservativeResize(rows);
  }
  return t;
}

}  // namespace casewatch::fit
