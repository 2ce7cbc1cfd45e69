#include "tools/shards/shards_command.h"

#include <algorithm>
#include <cstdio>
#include <future>
#include <memory>

#include "base/str_cat.h"
#include "base/time.h"
#include "tools/client/api_client.h"
#include "tools/client/client_commands.h"

namespace casewatch {
namespace client {
namespace {

using Json = nlohmann::json;

constexpr int kExitUsage = 2;
constexpr int kExitShardFailed = 3;
// The tiers listed, in the order they are listed.
constexpr const char* kTiers[] = {"red", "orange"};

std::string text(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return "";
  return j[key].get<std::string>();
}

int tierRank(const Json& a) {
  const std::string t = text(a, "tier");
  for (size_t i = 0; i < std::size(kTiers); ++i) {
    if (t == kTiers[i]) return static_cast<int>(i);
  }
  return static_cast<int>(std::size(kTiers));
}

// starts_at as an instant (offsets differ between shards); unparsable ones last.
TimeMs startOf(const Json& a) {
  return parseRfc3339(text(a, "starts_at")).value_or(std::numeric_limits<TimeMs>::max());
}

// One shard's red and orange alerts, asked in two requests (the API filters one tier at a time).
ShardAnswer ask(std::string name, std::string url, const std::string& token, int timeout) {
  ShardAnswer out;
  out.name = std::move(name);
  out.url = std::move(url);
  out.alerts = Json::array();
  auto endpoint = parseApiUrl(out.url);
  if (!endpoint.ok()) {
    out.error = std::string(endpoint.status().message());
    return out;
  }
  ApiClient api(*endpoint, token, timeout);
  for (const char* tier : kTiers) {
    auto reply = api.request("GET", strCat("/api/v1/alerts?tier=", tier, "&limit=10000"));
    if (!reply.ok()) {
      out.error = std::string(reply.status().message());
      return out;
    }
    const Json answer = Json::parse(reply->body, nullptr, false);
    if (reply->status != 200) {
      const std::string why = answer.is_object() ? text(answer, "error") : "";
      out.error = strCat("HTTP ", reply->status, why.empty() ? "" : " ", why);
      return out;
    }
    if (!answer.is_object() || !answer.contains("alerts") || !answer["alerts"].is_array()) {
      out.error = "the answer is not an alert list";
      return out;
    }
    for (const Json& a : answer["alerts"]) out.alerts.push_back(a);
  }
  out.ok = true;
  return out;
}

std::string summaryOf(const Json& a, const std::string& locale) {
  if (!a.contains("summary") || !a["summary"].is_object()) return "";
  std::string s = text(a["summary"], locale.c_str());
  return s.empty() ? text(a["summary"], "en") : s;
}

}  // namespace

bool parseShardArgument(const std::string& arg, std::string& name, std::string& url) {
  const size_t eq = arg.find('=');
  const size_t scheme = arg.find("://");
  if (eq != std::string::npos && (scheme == std::string::npos || eq < scheme)) {
    name = arg.substr(0, eq);
    url = arg.substr(eq + 1);
    if (name.empty()) return false;
  } else {
    url = arg;
    name.clear();
  }
  auto endpoint = parseApiUrl(url);
  if (!endpoint.ok()) return false;
  if (name.empty()) name = strCat(endpoint->host, ":", endpoint->port, endpoint->base_path);
  return true;
}

Json mergeShardAlerts(const std::vector<ShardAnswer>& answers) {
  Json all = Json::array();
  for (const ShardAnswer& s : answers) {
    if (!s.ok) continue;
    for (const Json& a : s.alerts) {
      Json row = a;
      row["shard"] = s.name;
      all.push_back(std::move(row));
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const Json& a, const Json& b) {
    const int ta = tierRank(a), tb = tierRank(b);
    if (ta != tb) return ta < tb;
    const TimeMs sa = startOf(a), sb = startOf(b);
    if (sa != sb) return sa < sb;  // older first: the longest-standing risk on top
    if (text(a, "shard") != text(b, "shard")) return text(a, "shard") < text(b, "shard");
    return text(a, "alert_id") < text(b, "alert_id");
  });
  return all;
}

std::string formatShardAlerts(const std::vector<ShardAnswer>& answers, const std::string& locale) {
  std::string out;
  const Json all = mergeShardAlerts(answers);
  size_t name_width = 5;
  for (const ShardAnswer& s : answers) name_width = std::max(name_width, s.name.size());
  if (all.empty()) {
    strAppend(out, "No red or orange alerts.\n");
  } else {
    const std::string row =
        strCat("{:<6} {:<", name_width, "} {:<25} {:<15} {:<26} {:<8} {:<13} {:<16} {}\n");
    strAppend(out, fmt::format(fmt::runtime(row), "TIER", "SHARD", "SINCE", "MODEL", "SUBJECT",
                               "REGION", "STATUS", "ID", "SUMMARY"));
    for (const Json& a : all) {
      const std::string subject =
          a.contains("subject") ? strCat(text(a["subject"], "kind"), ":", text(a["subject"], "id"))
                                : "";
      strAppend(out, fmt::format(fmt::runtime(row), text(a, "tier"), text(a, "shard"),
                                 text(a, "starts_at"), text(a, "model"), subject, text(a, "region"),
                                 text(a, "status"), text(a, "alert_id"), summaryOf(a, locale)));
    }
  }
  size_t red = 0;
  for (const Json& a : all) red += text(a, "tier") == "red";
  size_t answered = 0;
  for (const ShardAnswer& s : answers) answered += s.ok;
  strAppend(out, red, " red, ", all.size() - red, " orange from ", answered, " of ", answers.size(),
            answers.size() == 1 ? " shard" : " shards", "\n");
  for (const ShardAnswer& s : answers) {
    if (!s.ok) strAppend(out, "shard ", s.name, " (", s.url, ") did not answer: ", s.error, "\n");
  }
  return out;
}

Json shardAlertsJson(const std::vector<ShardAnswer>& answers) {
  Json doc;
  doc["alerts"] = mergeShardAlerts(answers);
  doc["shards"] = Json::array();
  for (const ShardAnswer& s : answers) {
    Json j = {{"name", s.name}, {"url", s.url}, {"ok", s.ok}};
    if (s.ok) {
      size_t red = 0;
      for (const Json& a : s.alerts) red += text(a, "tier") == "red";
      j["red"] = red;
      j["orange"] = s.alerts.size() - red;
    } else {
      j["error"] = s.error;
    }
    doc["shards"].push_back(std::move(j));
  }
  return doc;
}

}  // namespace client

void addShardsCommand(CLI::App& app) {
  struct Options : client::TokenOptions {
    std::vector<std::string> shards;
    bool json = false;
    std::string locale = "en";
    int timeout = 10;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "shards",
      "List the red and orange alerts of several regional shards together (by tier, then age)");
  cmd->add_option("shards", o->shards,
                  "Each shard's HTTP API base URL, optionally named: NAME=http://host:port")
      ->required();
  client::addTokenOptions(cmd, *o);
  cmd->add_flag("--json", o->json, "Print {\"alerts\": [...], \"shards\": [...]} as JSON");
  cmd->add_option("--locale", o->locale, "Language of summaries: en, zh-CN or an added locale")
      ->capture_default_str();
  cmd->add_option("--timeout", o->timeout, "Seconds to wait for each shard")
      ->check(CLI::Range(1, 300))
      ->capture_default_str();
  cmd->callback([o] {
    auto token = client::tokenOf(*o);
    if (!token.ok()) {
      std::fprintf(stderr, "casewatch: %s\n", std::string(token.status().message()).c_str());
      throw CLI::RuntimeError(client::kExitUsage);
    }
    std::vector<std::pair<std::string, std::string>> targets;
    for (const std::string& arg : o->shards) {
      std::string name, url;
      if (!client::parseShardArgument(arg, name, url)) {
        std::fprintf(stderr, "casewatch: %s: expected [NAME=]http://host[:port][/prefix]\n",
                     arg.c_str());
        throw CLI::RuntimeError(client::kExitUsage);
      }
      targets.emplace_back(std::move(name), std::move(url));
    }
    // Every shard at once: one that hangs costs --timeout, not --timeout per shard.
    std::vector<std::future<client::ShardAnswer>> pending;
    for (auto& [name, url] : targets) {
      pending.push_back(std::async(std::launch::async, client::ask, name, url, *token, o->timeout));
    }
    std::vector<client::ShardAnswer> answers;
    for (auto& f : pending) answers.push_back(f.get());
    bool all_ok = true;
    for (const client::ShardAnswer& s : answers) {
      if (s.ok) continue;
      all_ok = false;
      std::fprintf(stderr, "casewatch: shard %s (%s): %s\n", s.name.c_str(), s.url.c_str(),
                   s.error.c_str());
    }
    if (o->json) {
      std::printf("%s\n", client::shardAlertsJson(answers).dump().c_str());
    } else {
      std::fputs(client::formatShardAlerts(answers, o->locale).c_str(), stdout);
    }
    if (!all_ok) throw CLI::RuntimeError(client::kExitShardFailed);
  });
}

}  // namespace casewatch
