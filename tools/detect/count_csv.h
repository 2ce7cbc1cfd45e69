// Reading the `t,count` CSV that `casewatch detect` takes: a header row naming the columns `t` and
// `count` (in any order; other columns are ignored), then one row per time step. Fields are split
// on commas, trimmed of spaces, tabs and a trailing CR, and may be wrapped in double quotes (no
// embedded commas). Blank lines are skipped. A count must be a finite number >= 0.
//
// Every error names the line (1-based, the header is line 1) and the column, so that an analyst
// can fix the file: `line 7, column "count": "n/a" is not a number`.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace casewatch::detect {

struct CountRow {
  std::string t;  // as written
  double count = 0;
  int line = 0;
};

// InvalidArgument with the line and column on any problem; an empty table (a header and no rows)
// is valid.
absl::StatusOr<std::vector<CountRow>> parseCountsCsv(std::string_view text);

}  // namespace casewatch::detect
