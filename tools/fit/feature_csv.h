// Reading the prepared table of `casewatch fit escalation --features FILE.csv`: a header row naming
// the columns, one of them `y` (the 0/1 label), every other column a numeric feature; one row per
// observation. Fields are split on commas, trimmed of spaces, tabs and a trailing CR, and may be
// wrapped in double quotes (no embedded commas). Blank lines are skipped.
//
// Every error names the line (1-based, the header is line 1) and the column:
// `line 7, column "days_overdue": "n/a" is not a number`.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>

#include "absl/status/statusor.h"

namespace casewatch::fit {

struct FeatureTable {
  std::vector<std::string> names;  // the feature columns, in file order (y left out)
  Eigen::MatrixXd x;               // rows × names.size()
  Eigen::VectorXd y;               // 0/1
};

absl::StatusOr<FeatureTable> parseFeatureCsv(std::string_view text);

}  // namespace casewatch::fit
