#include "tools/client/client_commands.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>

#include "base/str_cat.h"
#include "base/time.h"
#include "tools/client/api_client.h"

namespace casewatch {
namespace client {
namespace {

using Json = nlohmann::json;

constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;

struct CommonOptions : TokenOptions {
  std::string url = "http://127.0.0.1:9470";
  bool json = false;
  std::string locale = "en";
};

void addCommon(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("--url", o.url, "Base URL of casewatchd's HTTP API")->capture_default_str();
  addTokenOptions(cmd, o);
  cmd->add_flag("--json", o.json, "Print the API's JSON answer as is");
  cmd->add_option("--locale", o.locale,
                  "Language of summaries: en, zh-CN or a locale the daemon's templates add "
                  "(English where an alert has none)")
      ->capture_default_str();
}

std::string str(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return "";
  const Json& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

}  // namespace

void addTokenOptions(CLI::App* cmd, TokenOptions& o) {
  auto* file = cmd->add_option("--token-file", o.token_file,
                               "File holding the API token (default: $CASEWATCH_TOKEN)");
  cmd->add_option("--token", o.token,
                  "API token on the command line: visible to every user in `ps`; prefer "
                  "$CASEWATCH_TOKEN or --token-file")
      ->excludes(file);
}

absl::StatusOr<std::string> tokenOf(const TokenOptions& o) {
  if (!o.token_file.empty()) {
    std::ifstream in(o.token_file);
    if (!in) return absl::NotFoundError(strCat("--token-file: cannot read ", o.token_file));
    std::stringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    return token;
  }
  if (!o.token.empty()) {
    std::fprintf(stderr,
                 "casewatch: warning: --token shows in `ps` to every user of this host; use "
                 "CASEWATCH_TOKEN or --token-file\n");
    return o.token;
  }
  const char* env = std::getenv("CASEWATCH_TOKEN");
  return std::string(env != nullptr ? env : "");
}

namespace {

// Sends the request and prints the outcome; returns the exit code. `render` formats a 2xx answer.
int call(const CommonOptions& o, const std::string& method, const std::string& path,
         const std::string& body, const std::function<std::string(const Json&)>& render) {
  auto endpoint = parseApiUrl(o.url);
  if (!endpoint.ok()) {
    std::fprintf(stderr, "casewatch: %s\n", std::string(endpoint.status().message()).c_str());
    return kExitUsage;
  }
  auto got = tokenOf(o);
  if (!got.ok()) {
    std::fprintf(stderr, "casewatch: %s\n", std::string(got.status().message()).c_str());
    return kExitUsage;
  }
  const std::string token = std::move(*got);
  ApiClient api(*endpoint, token);
  auto reply = api.request(method, path, body);
  if (!reply.ok()) {
    std::fprintf(stderr, "casewatch: %s\n", std::string(reply.status().message()).c_str());
    return kExitUsage;
  }
  const Json answer = Json::parse(reply->body, nullptr, false);
  if (reply->status >= 300) {
    std::string message = answer.is_object() ? str(answer, "error") : reply->body;
    std::fprintf(stderr, "casewatch: %d %s\n", reply->status, message.c_str());
    if (reply->status == 401 && token.empty()) {
      std::fprintf(stderr, "casewatch: give a token with CASEWATCH_TOKEN or --token-file\n");
    }
    return kExitRefused;
  }
  if (o.json) {
    std::printf("%s\n", reply->body.c_str());
    return 0;
  }
  if (answer.is_discarded()) {
    std::fprintf(stderr, "casewatch: the answer is not JSON\n");
    return kExitUsage;
  }
  std::fputs(render(answer).c_str(), stdout);
  return 0;
}

void exitWith(int rc) {
  if (rc != 0) throw CLI::RuntimeError(rc);
}

std::string summaryOf(const Json& a, const std::string& locale) {
  if (a.contains("summary") && a["summary"].is_object()) {
    std::string s = str(a["summary"], locale.c_str());
    if (!s.empty()) return s;
    return str(a["summary"], "en");
  }
  return "";
}

std::string subjectOf(const Json& a) {
  if (!a.contains("subject")) return "";
  return str(a["subject"], "kind") + ":" + str(a["subject"], "id");
}

}  // namespace

std::string formatAlerts(const Json& answer, const std::string& locale) {
  std::string out;
  const Json& alerts = answer.contains("alerts") ? answer["alerts"] : Json::array();
  if (alerts.empty()) return "No alerts.\n";
  strAppend(out, fmt::format("{:<7} {:<13} {:<16} {:<26} {:<25} {:<16} {}\n", "TIER", "STATUS",
                             "MODEL", "SUBJECT", "UPDATED", "ID", "SUMMARY"));
  for (const Json& a : alerts) {
    strAppend(out, fmt::format("{:<7} {:<13} {:<16} {:<26} {:<25} {:<16} {}\n", str(a, "tier"),
                               str(a, "status"), str(a, "model"), subjectOf(a),
                               str(a, "updated_at"), str(a, "alert_id"), summaryOf(a, locale)));
  }
  strAppend(out, alerts.size(), alerts.size() == 1 ? " alert\n" : " alerts\n");
  return out;
}

std::string formatAlertDetail(const Json& answer, const std::string& locale) {
  std::string out;
  const Json& a = answer.contains("alert") ? answer["alert"] : Json::object();
  strAppend(out, "alert ", str(a, "alert_id"), "  ", str(a, "tier"), "  ", str(a, "status"), "  ",
            str(a, "model"), "  ", subjectOf(a), "\n");
  strAppend(out, "  ", summaryOf(a, locale), "\n");
  for (const char* key : {"region", "agency", "category", "starts_at", "updated_at", "score"}) {
    if (a.contains(key)) strAppend(out, "  ", fmt::format("{:<11}", key), str(a, key), "\n");
  }
  if (a.contains("reasons")) {
    strAppend(out, "  reasons:\n");
    const std::string text_key = "text_" + locale;
    for (const Json& r : a["reasons"]) {
      std::string text = str(r, text_key.c_str());
      if (text.empty()) text = str(r, "text_en");
      if (text.empty()) text = str(r, "text");
      strAppend(out, "    - ", str(r, "code"), " = ", str(r, "value"), ": ", text, "\n");
    }
  }
  if (a.contains("actions") && !a["actions"].empty()) {
    strAppend(out, "  actions:");
    for (const Json& x : a["actions"])
      strAppend(out, " ", x.is_string() ? x.get<std::string>() : "");
    strAppend(out, "\n");
  }
  if (a.contains("ack")) {
    strAppend(out, "  acknowledged by ", str(a["ack"], "by"), " at ", str(a["ack"], "at"),
              str(a["ack"], "note").empty() ? "" : ": " + str(a["ack"], "note"), "\n");
  }
  if (a.contains("escalation")) {
    strAppend(out, "  escalated to ", str(a["escalation"], "target"), " (level ",
              str(a["escalation"], "level"), ") at ", str(a["escalation"], "at"), "\n");
  }
  if (answer.contains("history")) {
    strAppend(out, "history:\n");
    for (const Json& h : answer["history"]) {
      strAppend(out, "  ", str(h, "at"), "  ", fmt::format("{:<15}", str(h, "change")), " ",
                fmt::format("{:<7}", str(h, "tier")), " by ", str(h, "by"),
                str(h, "note").empty() ? "" : ": " + str(h, "note"), "\n");
    }
  }
  return out;
}

std::string formatSilences(const Json& answer) {
  std::string out;
  const Json& list = answer.contains("silences") ? answer["silences"] : Json::array();
  if (list.empty()) return "No silences.\n";
  for (const Json& s : list) {
    std::string matchers;
    for (const Json& m : s.value("matchers", Json::array())) {
      strAppend(matchers, matchers.empty() ? "" : ", ", str(m, "name"),
                m.value("is_regex", false) ? "=~" : "=", str(m, "value"));
    }
    strAppend(out, str(s, "id"), "  ", str(s, "status"), "  until ", str(s, "ends_at"), "  by ",
              str(s, "created_by"), "  {", matchers, "}  ", str(s, "comment"), "\n");
  }
  return out;
}

std::string formatDeadLetters(const Json& answer) {
  std::string out;
  const Json& list = answer.contains("dead_letters") ? answer["dead_letters"] : Json::array();
  if (list.empty()) return "No dead letters.\n";
  for (const Json& d : list) {
    std::string raw = str(d, "raw");
    if (raw.size() > 120) raw = raw.substr(0, 117) + "...";
    for (char& c : raw) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    strAppend(out, str(d, "received_at"), "  ", str(d, "feed"), "  ", str(d, "reason"), "  ",
              str(d, "detail"), "\n    ", raw, "\n");
  }
  return out;
}

std::string formatLedger(const Json& answer) {
  std::string out;
  const Json& list = answer.contains("ledger") ? answer["ledger"] : Json::array();
  if (list.empty()) return "The key-case ledger is empty.\n";
  for (const Json& e : list) {
    std::string reasons;
    for (const Json& r : e.value("reasons", Json::array())) {
      strAppend(reasons, reasons.empty() ? "" : ", ",
                r.is_string() ? r.get<std::string>() : r.dump());
    }
    const std::string owner = str(e, "owner");
    strAppend(out, str(e, "case_id"), "  ", str(e, "region"), "  ", str(e, "agency"), "  owner ",
              owner.empty() ? "-" : owner, "  since ", str(e, "since"), "  [", reasons, "]\n");
  }
  return out;
}

long long parseDuration(const std::string& text) {
  long long total = 0;
  size_t i = 0;
  if (text.empty()) return -1;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
    if (j == i || j == text.size() || j - i > 9) return -1;
    const long long n = std::atoll(text.substr(i, j - i).c_str());
    switch (text[j]) {
      case 's':
        total += n * kMsPerSecond;
        break;
      case 'm':
        total += n * kMsPerMinute;
        break;
      case 'h':
        total += n * kMsPerHour;
        break;
      case 'd':
        total += n * kMsPerDay;
        break;
      default:
        return -1;
    }
    i = j + 1;
  }
  return total > 0 ? total : -1;
}

Json parseMatcher(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return Json();
  Json m;
  m["name"] = text.substr(0, eq);
  const bool regex = eq + 1 < text.size() && text[eq + 1] == '~';
  m["value"] = text.substr(eq + 1 + (regex ? 1 : 0));
  m["is_regex"] = regex;
  return m;
}

}  // namespace client

using client::CommonOptions;

void addAlertsCommand(CLI::App& app) {
  struct Options : CommonOptions {
    std::string id, status, tier, model, region, agency;
    int limit = 0;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "alerts", "List the active alerts (newest first), or show one alert with its history");
  cmd->add_option("id", o->id, "An alert_id: show that alert and its history");
  cmd->add_option("--status", o->status, "firing, acknowledged, escalated, silenced or resolved");
  cmd->add_option("--tier", o->tier, "blue, yellow, orange or red");
  cmd->add_option("--model", o->model, "e.g. overdue, repeat_visit, group_incident");
  cmd->add_option("--region", o->region, "Region code");
  cmd->add_option("--agency", o->agency, "Agency");
  cmd->add_option("--limit", o->limit, "At most this many alerts");
  client::addCommon(cmd, *o);
  cmd->callback([o] {
    if (!o->id.empty()) {
      return client::exitWith(client::call(
          *o, "GET", "/api/v1/alerts/" + client::urlEncode(o->id), "",
          [&](const nlohmann::json& j) { return client::formatAlertDetail(j, o->locale); }));
    }
    std::string query;
    auto add = [&](const char* key, const std::string& value) {
      if (!value.empty())
        strAppend(query, query.empty() ? "?" : "&", key, "=", client::urlEncode(value));
    };
    add("status", o->status);
    add("tier", o->tier);
    add("model", o->model);
    add("region", o->region);
    add("agency", o->agency);
    if (o->limit != 0) add("limit", std::to_string(o->limit));
    client::exitWith(
        client::call(*o, "GET", "/api/v1/alerts" + query, "",
                     [&](const nlohmann::json& j) { return client::formatAlerts(j, o->locale); }));
  });
}

namespace {

void addAlertAction(CLI::App& app, const std::string& name, const std::string& help,
                    const std::string& action, bool takes_note, const std::string& done) {
  struct Options : CommonOptions {
    std::string id, note;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(name, help);
  cmd->add_option("id", o->id, "The alert_id")->required();
  if (takes_note) cmd->add_option("--note", o->note, "A note recorded with the change");
  client::addCommon(cmd, *o);
  cmd->callback([o, action, takes_note, done] {
    std::string body;
    if (takes_note) {
      nlohmann::json j;
      j["note"] = o->note;
      body = j.dump();
    }
    client::exitWith(client::call(*o, "POST",
                                  "/api/v1/alerts/" + client::urlEncode(o->id) + "/" + action, body,
                                  [&](const nlohmann::json& j) {
                                    const nlohmann::json& a = j.contains("alert") ? j["alert"] : j;
                                    return strCat(done, " ", client::str(a, "alert_id"), " (now ",
                                                  client::str(a, "status"), ")\n");
                                  }));
  });
}

}  // namespace

void addAckCommand(CLI::App& app) {
  addAlertAction(app, "ack", "Acknowledge an alert (recorded with your token's name)", "ack", true,
                 "Acknowledged");
}

void addUnackCommand(CLI::App& app) {
  addAlertAction(app, "unack", "Take an acknowledgement back", "unack", false, "Unacknowledged");
}

void addResolveCommand(CLI::App& app) {
  addAlertAction(app, "resolve", "Resolve an alert by hand", "resolve", true, "Resolved");
}

void addSilenceCommand(CLI::App& app) {
  struct Options : CommonOptions {
    std::vector<std::string> matchers;
    std::string comment, duration, until, expire;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "silence", "Silence alerts matching labels for a while, or expire a silence (--expire ID)");
  cmd->add_option("--match", o->matchers,
                  "NAME=VALUE or NAME=~REGEX (repeatable); labels: alertname, model, tier, "
                  "severity, subject_kind, subject_id, region, agency, category");
  cmd->add_option("--comment", o->comment, "Why (required)");
  cmd->add_option("--for", o->duration, "How long, e.g. 2h, 90m, 1d (from the daemon's now)");
  cmd->add_option("--until", o->until, "Until this RFC 3339 time");
  cmd->add_option("--expire", o->expire, "Expire the silence with this id instead");
  client::addCommon(cmd, *o);
  cmd->callback([o] {
    if (!o->expire.empty()) {
      return client::exitWith(client::call(
          *o, "DELETE", "/api/v1/silences/" + client::urlEncode(o->expire), "",
          [&](const nlohmann::json&) { return strCat("Expired silence ", o->expire, "\n"); }));
    }
    nlohmann::json body;
    body["matchers"] = nlohmann::json::array();
    for (const std::string& m : o->matchers) {
      nlohmann::json matcher = client::parseMatcher(m);
      if (matcher.is_null()) {
        std::fprintf(stderr, "casewatch: --match %s: expected NAME=VALUE or NAME=~REGEX\n",
                     m.c_str());
        return client::exitWith(client::kExitUsage);
      }
      body["matchers"].push_back(matcher);
    }
    if (o->matchers.empty() || o->comment.empty() || o->duration.empty() == o->until.empty()) {
      std::fprintf(stderr,
                   "casewatch: silence needs --match (one or more), --comment, and one of "
                   "--for or --until\n");
      return client::exitWith(client::kExitUsage);
    }
    body["comment"] = o->comment;
    if (!o->until.empty()) {
      body["ends_at"] = o->until;
    } else {
      const long long ms = client::parseDuration(o->duration);
      if (ms < 0) {
        std::fprintf(stderr, "casewatch: --for %s: expected e.g. 2h, 90m, 1d12h\n",
                     o->duration.c_str());
        return client::exitWith(client::kExitUsage);
      }
      // The daemon's clock may be event time (replay, demo): count from its now, not ours.
      TimeMs now = 0;
      CommonOptions quiet = *o;
      quiet.json = false;
      int rc = client::call(quiet, "GET", "/api/v1/silences", "", [&](const nlohmann::json& j) {
        if (j.contains("now") && j["now"].is_string())
          now = parseRfc3339(j["now"].get<std::string>()).value_or(0);
        return std::string();
      });
      if (rc != 0) return client::exitWith(rc);
      if (now == 0) {
        std::fprintf(stderr, "casewatch: the daemon did not say its time; use --until\n");
        return client::exitWith(client::kExitUsage);
      }
      body["ends_at"] = formatRfc3339(now + ms, 0);
    }
    client::exitWith(
        client::call(*o, "POST", "/api/v1/silences", body.dump(), [](const nlohmann::json& j) {
          const nlohmann::json& s = j.contains("silence") ? j["silence"] : j;
          return strCat("Silence ", client::str(s, "id"), " until ", client::str(s, "ends_at"),
                        "\n");
        }));
  });
}

void addSilencesCommand(CLI::App& app) {
  auto o = std::make_shared<CommonOptions>();
  CLI::App* cmd = app.add_subcommand("silences", "List the silences");
  client::addCommon(cmd, *o);
  cmd->callback([o] {
    client::exitWith(client::call(*o, "GET", "/api/v1/silences", "", client::formatSilences));
  });
}

void addDeadLettersCommand(CLI::App& app) {
  struct Options : CommonOptions {
    int limit = 20;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd =
      app.add_subcommand("dead-letters", "List rejected events with their reasons (newest first)");
  cmd->add_option("--limit", o->limit, "At most this many")->capture_default_str();
  client::addCommon(cmd, *o);
  cmd->callback([o] {
    client::exitWith(client::call(*o, "GET",
                                  "/api/v1/dead-letters?limit=" + std::to_string(o->limit), "",
                                  client::formatDeadLetters));
  });
}

void addLedgerCommand(CLI::App& app) {
  auto o = std::make_shared<CommonOptions>();
  CLI::App* cmd =
      app.add_subcommand("ledger", "Show the key-case ledger (台账) with reasons and owners");
  client::addCommon(cmd, *o);
  cmd->callback([o] {
    client::exitWith(client::call(*o, "GET", "/api/v1/ledger", "", client::formatLedger));
  });
}

}  // namespace casewatch
