// `casewatch feedgen`: writes a seeded, realistic petition feed as JSON Lines (a file or stdout)
// and/or publishes it on ZeroMQ, with an optional ground-truth file for scoring the daemon.
// The command's logic is runFeedgen(), callable in-process by tests; main() only wires the CLI.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "tools/feedgen/feedgen_options.h"

namespace casewatch::feedgen {

struct FeedgenRun {
  FeedgenOptions generator;
  std::string start = "2026-01-05";  // parsed into generator.start
  std::string out;               // JSON Lines file; "-" = stdout; empty = stdout unless publishing
  std::string truth;             // ground-truth JSON Lines file; empty = none
  std::string publish;           // ZeroMQ endpoint; empty = none
  double rate = 0;               // events per second when publishing; 0 = unlimited
  bool bind = false;             // bind the PUSH socket instead of connecting
  bool connect = false;          // --connect (the default; excludes --bind)
  int linger_ms = 30000;         // wait this long at the end for the queue to drain
  std::string curve_key;         // --curve-key: this publisher's secret key file
  std::string curve_server_key;  // --curve-server-key: the daemon feed's public key file
  std::string curve_clients;     // --curve-clients: with --bind, the client keys admitted
};

// Runs the command; returns the process exit code (0 = success). Errors go to stderr.
int runFeedgen(FeedgenRun run);

}  // namespace casewatch::feedgen

namespace casewatch {
// Registers the `feedgen` subcommand (tools/main.cc's command table).
void addFeedgenCommand(CLI::App& app);
}  // namespace casewatch
