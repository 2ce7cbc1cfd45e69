#include "tools/fit/feature_csv.h"

#include <charconv>
#include <cmath>
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

}  // namespace

absl::StatusOr<FeatureTable> parseFeatureCsv(std::string_view text) {
  FeatureTable t;
  std::vector<std::string> header;
  int y_col = -1;
  std::vector<std::vector<double>> rows;
  std::vector<double> labels;
  int line_no = 0;
  for (size_t pos = 0; pos <= text.size();) {
    const size_t nl = text.find('\n', pos);
    const std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (blank(line)) continue;
    const std::vector<std::string_view> fields = split(line);
    if (header.empty()) {
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
      continue;
    }
    if (fields.size() != header.size()) {
      return absl::InvalidArgumentError(strCat("line ", line_no, ": expected ", header.size(),
                                               " fields as in the header, got ", fields.size()));
    }
    std::vector<double> row;
    row.reserve(t.names.size());
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
        labels.push_back(v);
      } else {
        row.push_back(v);
      }
    }
    rows.push_back(std::move(row));
  }
  if (header.empty()) return absl::InvalidArgumentError("line 1: the file is empty (no header)");
  if (rows.empty()) return absl::InvalidArgumentError("the file has a header but no rows");
  const auto n = static_cast<Eigen::Index>(rows.size());
  const auto p = static_cast<Eigen::Index>(t.names.size());
  t.x.resize(n, p);
  t.y.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < p; ++j) {
      t.x(i, j) = rows[static_cast<size_t>(i)][static_cast<size_t>(j)];
    }
    t.y[i] = labels[static_cast<size_t>(i)];
  }
  return t;
}

}  // namespace casewatch::fit
