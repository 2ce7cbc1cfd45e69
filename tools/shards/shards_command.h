// `casewatch shards`: the red and orange alerts of several regional shards in one list, for the
// level above them (a city over its counties, a province over its cities; docs/deployment.md).
//
//   casewatch shards [NAME=]URL... [--token-file F] [--json] [--locale L] [--timeout S]
//
// Asks every shard's HTTP API at once (GET /api/v1/alerts?tier=red and ?tier=orange, the token
// taken as by the other client commands) and prints one list sorted by tier (red first), then by
// age (the oldest first), then shard and alert id, each row naming its shard (NAME, or the URL's
// host:port). A shard that does not answer, refuses (e.g. 401) or answers garbage is reported and
// the others are still listed. Exit codes: 0 every shard answered; 2 bad arguments; 3 at least
// one shard did not answer (its reason on stderr and, with --json, in `shards`).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace casewatch {

void addShardsCommand(CLI::App& app);

namespace client {

// One shard's answer: its red and orange alerts, or why there are none.
struct ShardAnswer {
  std::string name;
  std::string url;
  bool ok = false;
  std::string error;      // when !ok
  nlohmann::json alerts;  // an array of the API's alert objects
};

// "name=http://..." or "http://..." (named by its host:port); false when malformed.
bool parseShardArgument(const std::string& arg, std::string& name, std::string& url);
// Every answered shard's alerts, each with its "shard", sorted by tier, age, shard and id.
nlohmann::json mergeShardAlerts(const std::vector<ShardAnswer>& answers);
// The merged list as the command prints it (plain text), with a line per shard that failed.
std::string formatShardAlerts(const std::vector<ShardAnswer>& answers, const std::string& locale);
// The --json document: {"alerts": [...], "shards": [{"name", "url", "ok", "error", "red",
// "orange"}]}.
nlohmann::json shardAlertsJson(const std::vector<ShardAnswer>& answers);

}  // namespace client
}  // namespace casewatch
