// The `casewatch` subcommands that talk to a running daemon's HTTP API v1 (a thin client: every
// decision is the daemon's; this formats requests and answers):
//
//   casewatch alerts [ID] [--status S] [--tier T] [--model M] [--region R] [--agency A] [--limit N]
//   casewatch ack ID [--note TEXT]        casewatch unack ID        casewatch resolve ID [--note
//   TEXT] casewatch silence --match NAME=VALUE [--match NAME=~REGEX ...] --comment TEXT
//                     (--for 2h | --until RFC3339)
//   casewatch silence --expire ID         casewatch silences
//   casewatch dead-letters [--limit N]    casewatch ledger
//
// Every command takes --url (default http://127.0.0.1:9470), the token from the environment
// variable CASEWATCH_TOKEN or --token-file (--token works too, with a warning: it shows in `ps`)
// and --json (print the API's JSON as is). --locale (en, zh-CN or an
// added locale such as fr) picks the language of summaries. Exit codes: 0 done; 1 the API refused
// (the status and its error message on stderr); 2 bad arguments or the daemon cannot be reached.
#pragma once

#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace casewatch {

void addAlertsCommand(CLI::App& app);
void addAckCommand(CLI::App& app);
void addUnackCommand(CLI::App& app);
void addResolveCommand(CLI::App& app);
void addSilenceCommand(CLI::App& app);
void addSilencesCommand(CLI::App& app);
void addDeadLettersCommand(CLI::App& app);
void addLedgerCommand(CLI::App& app);

namespace client {

// How every client command takes the API token (the `shards` command too).
struct TokenOptions {
  std::string token;       // --token: works, but shows in ps (warned)
  std::string token_file;  // --token-file
};
void addTokenOptions(CLI::App* cmd, TokenOptions& o);
// The token: --token-file, else --token (with a warning: the command line is public on the
// host), else $CASEWATCH_TOKEN; "" = none. An unreadable file is an error.
absl::StatusOr<std::string> tokenOf(const TokenOptions& o);

// Plain-text renderings of API answers (exposed for tests).
std::string formatAlerts(const nlohmann::json& answer, const std::string& locale);
std::string formatAlertDetail(const nlohmann::json& answer, const std::string& locale);
std::string formatSilences(const nlohmann::json& answer);
std::string formatDeadLetters(const nlohmann::json& answer);
std::string formatLedger(const nlohmann::json& answer);
// "90m", "2h", "1d12h", "45s" -> milliseconds; -1 when malformed or zero.
long long parseDuration(const std::string& text);
// "name=value" or "name=~regex" -> {"name", "value", "is_regex"}; null json when malformed.
nlohmann::json parseMatcher(const std::string& text);

}  // namespace client
}  // namespace casewatch
