// `casewatch score`: how a replay's alerts compare with the truth feedgen wrote for its feed.
//
//   casewatch feedgen --seed S --recurring-matters N --out FEED.jsonl --truth-out TRUTH.jsonl
//   casewatchd replay FEED.jsonl --alerts-out ALERTS.jsonl
//   casewatch score --truth TRUTH.jsonl --alerts ALERTS.jsonl [--feed FEED.jsonl] [--json]
//
// Prints recall and false alarms of the recurring_matter model (tools/score/truth_score.h);
// --feed also counts the ordinary matters of the feed. --min-returns-30d / --min-returns-90d give
// the model's minimum counts when the replay's configuration changed them (for "detectable").
// Exit codes: 0; 2 for a bad file line; 1 when a file cannot be read.
#pragma once

#include <CLI/CLI.hpp>

namespace casewatch {
void addScoreCommand(CLI::App& app);
}  // namespace casewatch
