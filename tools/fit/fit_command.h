// `casewatch fit`: the analyst commands that fit the statistical models' parameters.
//
//   casewatch fit escalation --features FILE.csv --out MODEL.json [--l2 L] [--holdout F] [--seed S]
//   casewatch fit escalation --history FILE.jsonl --horizon-days H --out MODEL.json [--l2 L] ...
//   casewatch fit hawkes --history FILE.jsonl --out FILE.json [--utc-offset-minutes M]
//
// fit escalation: a logistic regression by IRLS (models/stats/logistic_regression.h). With
// --features, a prepared table (tools/fit/feature_csv.h: header row, the 0/1 column `y`, every
// other column a numeric feature; an intercept is added); a constant or separating column is an
// error naming it. With --history, rows and labels are built from an event history by the daemon's
// own feature code (tools/fit/escalation_history.h documents the label, "taken to a higher level
// within H days"; rows at each case's registration and every --row-every-days D (10) days of its
// life, as the daemon's self-fit takes them); there a feature column that is constant or (with --l2
// 0) alone separates the classes in the training part is left out and listed under
// "dropped_features" with the reason (e.g. a category the history never has), and the daemon gives
// it coefficient 0. A seeded part of the rows (--holdout, default 0.2; by case with --history, so
// that the rows of one case stay together) is held out: the fit uses the rest, and "auc" and
// "calibration" (deciles of the predicted probability: mean predicted against observed rate) are
// measured on the held-out part. MODEL.json: {"model": "escalation_risk", "features": [...],
// "coefficients": {"intercept": b0, "<feature>": b, ...}, "std_errors": {same keys},
// "horizon_days": H (null with --features), "l2", "auc" (null when the held-out part lacks a
// class), "calibration": [{"count", "min_predicted", "max_predicted", "mean_predicted",
// "observed_rate"}], "dropped_features", "training": {...}, "holdout": {...}}.
//
// fit hawkes: μ, α, β (per day) of the repeat-visit process by maximum likelihood
// (models/stats/hawkes_fit.h): one stream per (person, matter) pair, its contacts being every
// `visit` and `case.registered` naming the person and the matter, at most one per local day (the
// first), as models/repeat_visit counts them; each stream is conditioned on its first contact and
// observed to the last event of the history. Output: {"mu", "alpha", "beta", "std_errors": {"mu",
// "alpha", "beta"} (null where the Hessian gives none), "branching_ratio", "log_likelihood",
// "streams", "returns", "time_unit": "day"}.
//
// Exit codes: 0; 2 for bad input (an option, a line, a column, a degenerate fit), the reason on
// stderr; 1 when a file cannot be read or written.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/status/statusor.h"
#include "models/stats/hawkes_fit.h"

namespace casewatch::fit {

struct EscalationFitRun {
  std::string features;  // CSV path ("-" = stdin); exactly one of features and history
  std::string history;   // JSON Lines path ("-" = stdin)
  std::string out;       // MODEL.json path ("-" = stdout)
  double l2 = 0;
  std::optional<int> horizon_days;  // required with --history
  int row_every_days = 10;          // with --history: the row schedule
  double holdout = 0.2;
  uint64_t seed = 1;
};

// The MODEL.json text, or InvalidArgument / FailedPrecondition describing the bad input.
absl::StatusOr<std::string> fitEscalationFromCsv(const EscalationFitRun& run, std::string_view csv);
absl::StatusOr<std::string> fitEscalationFromHistory(const EscalationFitRun& run,
                                                     std::istream& history);
int runFitEscalation(const EscalationFitRun& run);

struct HawkesFitRun {
  std::string history;
  std::string out;
  int utc_offset_minutes = 8 * 60;
  double above_level_weight = 1.5;  // as models.repeat_visit.above_level_weight
};

// The (person, matter) streams of a history, in days: the repeat_visit model's own contacts
// (models/repeat_visit/repeat_contacts.h), weighted as it weighs them.
absl::StatusOr<std::vector<HawkesStream>> hawkesStreamsFromHistory(std::istream& history,
                                                                   int utc_offset_minutes,
                                                                   double above_level_weight = 1.5);
absl::StatusOr<std::string> fitHawkesFromHistory(const HawkesFitRun& run, std::istream& history);
int runFitHawkes(const HawkesFitRun& run);

}  // namespace casewatch::fit

namespace casewatch {
// Registers the `fit` subcommand (tools/main.cc's command table).
void addFitCommand(CLI::App& app);
}  // namespace casewatch
