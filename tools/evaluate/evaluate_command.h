// `casewatch evaluate`: how far each model can be trusted on a history.
//
//   casewatch evaluate --history FILE.jsonl [--config FILE] [--set key=value]...
//                      [--model-file MODEL.json] [--every-days 10] [--horizon-days 30]
//                      [--json] [--rows-out FILE.csv]
//
// Replays the history through the daemon's own Pipeline on event time, as `casewatchd replay`
// does (every configured model; the configuration as casewatchd reads it), and prints, per model,
// the figures of tools/evaluate/evaluation.h. The escalation model is the configured one:
// --model-file (or models.escalation_risk.model_file) pins it, so that a model fitted on one
// history is judged on another; without one it learns as the daemon does (rows, refits on event
// time every learn.refit_every_days, the gates), its fits run in line, and every score is then made
// by the coefficients fitted on the past only. --json prints the figures as one JSON object
// (tests);
// --rows-out writes the escalation checkpoints (features, score, y) as CSV.
//
// Exit codes: 0; 2 for a bad option or configuration; 1 when the history cannot be read.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace casewatch::evaluate {

struct EvaluateRun {
  std::string history;
  std::string config;  // "" = the built-in defaults
  std::vector<std::string> sets;
  std::string model_file;
  int every_days = 10;
  int horizon_days = 30;
  bool json = false;
  std::string rows_out;
};

// The report (JSON with run.json, text otherwise) or an error naming what was wrong; `code` the
// exit code.
std::string evaluateHistory(const EvaluateRun& run, int& code);
int runEvaluate(const EvaluateRun& run);

}  // namespace casewatch::evaluate

namespace casewatch {
void addEvaluateCommand(CLI::App& app);
}  // namespace casewatch
