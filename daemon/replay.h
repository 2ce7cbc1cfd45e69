// `casewatchd replay`: the whole pipeline on event time, as fast as it can, over a JSON Lines file
// or standard input. The clock follows the events' `ts` and ends at the last event (or at --until).
// Every alert change is written as a JSON line (the alert contract). Nothing is written to the
// data_dir: replay is for back-filling and checking history without touching a live store.
#pragma once

#include <string>

#include "daemon/daemon_config.h"

namespace casewatch {

struct ReplayOptions {
  std::string input;       // file path or "-"
  std::string alerts_out;  // file path or "-"; empty = no alert output
  std::string until;       // RFC 3339; empty = the last event
  bool print_alerts = false;
  bool quiet = false;  // no summary on stderr
};

// Returns the process exit code (0 ok, 1 input error, 2 bad arguments).
int runReplay(const Config& config, const ReplayOptions& options);

}  // namespace casewatch
