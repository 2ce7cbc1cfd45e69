// `casewatch detect`: runs an aberration detector over a historical daily count series, for
// analysts tuning thresholds. The same statistics code as the daemon's group_incident model
// (models/stats/).
//
//   casewatch detect --method ears-c1|ears-c2|ears-c3|cusum --counts FILE.csv [--alpha A]
//                    [--baseline B] [--min-sigma S] [--k K] [--h H] [--half-life-weeks W]
//                    [--min-baseline L]
//
// Input: CSV with a header `t,count` (tools/detect/count_csv.h); "-" reads standard input.
// Output: JSON Lines on stdout, one per input row in order:
//   {"t": …, "observed": n, "upperbound": number or null, "alarm": true|false}
// `t` is echoed as a number when it is an integer, else as a string.
// EARS (models/stats/ears.h, exactly R's surveillance::earsC): --baseline B (default 7, >= 3),
// --alpha (default 0.001 for C1/C2, 0.025 for C3, as R), --min-sigma (default 0). The upper bound
// is null for the first B (C1), B + 2 (C2) or B + 4 (C3) rows, and where R's bound is NaN (C3 with
// a zero standard deviation and min-sigma 0; R's alarm is NA there, reported as false). cusum
// (models/stats/poisson_cusum.h): the first --baseline rows (default 28) only train the per-weekday
// baseline (upperbound null); after that the upper bound is the largest count that does not alarm,
// and alarm = S > h. Weekdays come from `t` when every t is a date (YYYY-MM-DD, or RFC 3339);
// otherwise row i is weekday i mod 7. --k (default 2), --h (default 5),
// --half-life-weeks (default 8), --min-baseline (default 0.1).
// Exit codes: 0; 2 for bad input (the file, a row, a column, an option value), with the reason on
// stderr; 1 when the file cannot be read or the output cannot be written.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "absl/status/statusor.h"

namespace casewatch::detect {

struct DetectRun {
  std::string method;  // ears-c1, ears-c2, ears-c3, cusum
  std::string counts;  // file path, "-" = stdin
  std::optional<double> alpha;
  std::optional<int> baseline;
  double min_sigma = 0;
  double k = 2.0;
  double h = 5.0;
  double half_life_weeks = 8;
  double min_baseline = 0.1;
};

// The JSON Lines for the CSV text, or InvalidArgument naming the problem (option, line, column).
absl::StatusOr<std::string> detectJsonLines(const DetectRun& run, std::string_view csv);

// Runs the command: reads the file, writes stdout; returns the exit code. Errors go to stderr.
int runDetect(const DetectRun& run);

}  // namespace casewatch::detect

namespace casewatch {
// Registers the `detect` subcommand (tools/main.cc's command table).
void addDetectCommand(CLI::App& app);
}  // namespace casewatch
