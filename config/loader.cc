#include "config/loader.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <utility>

#include "base/time.h"
#include "config/address_checks.h"
#include "config/config_reader.h"
#include "config/config_writer.h"
#include "config/yaml_tree.h"

namespace casewatch {
namespace {

const EnumTable<FeedKind> kFeedKinds = {
    {"zmq_pull", FeedKind::kZmqPull}, {"zmq_sub", FeedKind::kZmqSub}, {"jsonl", FeedKind::kJsonl}};
const EnumTable<LogFormat> kLogFormats = {{"text", LogFormat::kText}, {"json", LogFormat::kJson}};
const EnumTable<ClockSource> kClockSources = {{"wall", ClockSource::kWall},
                                              {"event", ClockSource::kEvent}};
const EnumTable<DayCount> kDayCounts = {{"calendar", DayCount::kCalendar},
                                        {"working", DayCount::kWorking}};
// Strings kept as strings in Config, but only these values are accepted.
const EnumTable<int> kLocales = {{"en", 0}, {"zh-CN", 1}};
const EnumTable<int> kLogLevels = {
    {"trace", 0}, {"debug", 1}, {"info", 2}, {"warn", 3}, {"error", 4}};
const EnumTable<int> kChannels = {{"visit", 0}, {"letter", 1}, {"online", 2}, {"phone", 3}};
const EnumTable<ApiRole> kApiRoles = {{"viewer", ApiRole::kViewer},
                                      {"duty_officer", ApiRole::kDutyOfficer},
                                      {"leader", ApiRole::kLeader}};

void decodeFeed(ConfigDecoder& d, const ConfigNode& n, const std::string& path, FeedConfig& f) {
  MapReader r(d, n, path);
  r.read("name", f.name);
  r.read("kind", f.kind, kFeedKinds);
  r.read("endpoint", f.endpoint);
  r.read("bind", f.bind);
  if (const ConfigNode* topics = r.take("topics")) {
    decodeList(d, *topics, r.pathOf("topics"), f.topics,
               [&](const ConfigNode& t, const std::string& p, std::string& out) {
                 decodeString(d, t, p, out);
               });
  }
  r.read("rcvhwm", f.rcvhwm, 0, INT_MAX);
}

constexpr std::string_view kOverrideKeys[] = {"procedural_reply_days", "routing_days",
                                              "handling_days",         "review_days",
                                              "recheck_days",          "day_count"};

void decodeOverride(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                    ClockOverride& o) {
  MapReader r(d, n, path);
  r.read("agency", o.agency);
  r.readChoice("channel", o.channel, kChannels);
  r.read("procedural_reply_days", o.procedural_reply_days, 1, kMaxDays);
  r.read("routing_days", o.routing_days, 1, kMaxDays);
  r.read("handling_days", o.handling_days, 1, kMaxDays);
  r.read("review_days", o.review_days, 1, kMaxDays);
  r.read("recheck_days", o.recheck_days, 1, kMaxDays);
  r.read("day_count", o.day_count, kDayCounts);
  // Checked on what was written rather than on what decoded, so that a bad value is one error.
  const ConfigNode* channel = r.find("channel");
  if (o.agency.empty() && (channel == nullptr || channel->kind != ConfigNode::Kind::kScalar ||
                           channel->scalar.empty())) {
    d.error(path, "an override must name an agency, a channel or both", n.loc);
  }
  bool sets_any = false;
  for (std::string_view key : kOverrideKeys) sets_any = sets_any || r.find(key) != nullptr;
  if (!sets_any) {
    d.error(path,
            "an override must set at least one of procedural_reply_days, routing_days, "
            "handling_days, review_days, recheck_days, day_count",
            n.loc);
  }
}

void decodeClocks(ConfigDecoder& d, const ConfigNode& n, const std::string& path, ClocksConfig& c) {
  MapReader r(d, n, path);
  r.read("procedural_reply_days", c.procedural_reply_days, 1, kMaxDays);
  r.read("routing_days", c.routing_days, 1, kMaxDays);
  r.read("handling_days", c.handling_days, 1, kMaxDays);
  r.read("review_days", c.review_days, 1, kMaxDays);
  r.read("recheck_days", c.recheck_days, 1, kMaxDays);
  r.read("day_count", c.day_count, kDayCounts);
  r.read("holiday_calendar", c.holiday_calendar);
  if (const ConfigNode* tz = r.take("timezone")) {
    std::string text;
    if (decodeString(d, *tz, r.pathOf("timezone"), text)) {
      if (const std::optional<int> offset = parseUtcOffset(text)) {
        c.utc_offset_minutes = *offset;
      } else {
        d.error(r.pathOf("timezone"),
                "expected a UTC offset such as \"+08:00\", \"-05:30\" or \"Z\", got " +
                    describeNode(*tz),
                tz->loc);
      }
    }
  }
  r.read("warning_days", c.warning_days, 0, 365);
  r.read("red_after_days", c.red_after_days, 0, kMaxDays);
  if (const ConfigNode* overrides = r.take("overrides")) {
    decodeList(d, *overrides, r.pathOf("overrides"), c.overrides,
               [&](const ConfigNode& item, const std::string& p, ClockOverride& o) {
                 decodeOverride(d, item, p, o);
               });
  }
}

const EnumTable<int> kEarsMethods = {{"c1", 1}, {"c2", 2}, {"c3", 3}};

void decodeRepeatVisit(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                       RepeatVisitConfig& c) {
  MapReader r(d, n, path);
  r.read("hawkes_mu", c.hawkes_mu, 0, 100);
  r.read("hawkes_alpha", c.hawkes_alpha, 0, 100);
  r.read("hawkes_beta", c.hawkes_beta, 1e-6, 100);
  r.read("above_level_weight", c.above_level_weight, 1, 100);
  r.read("yellow_returns_30d", c.yellow_returns_30d, 1, 10000);
  r.read("yellow_lambda", c.yellow_lambda, 0, 1000);
  r.read("orange_returns_30d", c.orange_returns_30d, 1, 10000);
  r.read("orange_lambda", c.orange_lambda, 0, 1000);
  r.read("red_returns_30d", c.red_returns_30d, 1, 10000);
  r.read("red_returns_90d", c.red_returns_90d, 1, 10000);
  r.read("quiet_days", c.quiet_days, 1, kMaxDays);
  r.read("matter_min_persons", c.matter_min_persons, 2, 10000);
  r.read("matter_min_returns_90d", c.matter_min_returns_90d, 1, 10000);
}

void decodeEscalationRisk(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                          EscalationRiskConfig& c) {
  MapReader r(d, n, path);
  r.read("model_file", c.model_file);
  r.read("blue_probability", c.blue_probability, 0, 1);
  r.read("yellow_probability", c.yellow_probability, 0, 1);
  r.read("orange_probability", c.orange_probability, 0, 1);
  r.read("red_probability", c.red_probability, 0, 1);
  r.read("top_features", c.top_features, 1, 20);
  r.read("visit_half_life_days", c.visit_half_life_days, 0.1, 3650);
}

void decodeGroupIncident(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                         GroupIncidentConfig& c) {
  MapReader r(d, n, path);
  r.read("large_group_size", c.large_group_size, 2, 1000000);
  r.read("yellow_persons_24h", c.yellow_persons_24h, 2, 1000000);
  r.read("yellow_persons_7d", c.yellow_persons_7d, 2, 1000000);
  r.read("orange_persons_24h", c.orange_persons_24h, 2, 1000000);
  r.read("orange_persons_7d", c.orange_persons_7d, 2, 1000000);
  r.read("red_persons_24h", c.red_persons_24h, 2, 1000000);
  r.read("red_persons_7d", c.red_persons_7d, 2, 1000000);
  r.readChoice("ears_method", c.ears_method, kEarsMethods);
  r.read("ears_alpha", c.ears_alpha, 1e-9, 0.5);
  r.read("ears_baseline", c.ears_baseline, 3, 365);
  r.read("ears_min_sigma", c.ears_min_sigma, 0, 1000);
  r.read("cusum_k", c.cusum_k, 1.01, 100);
  r.read("cusum_h", c.cusum_h, 0.01, 1000);
  r.read("cusum_min_baseline", c.cusum_min_baseline, 1e-6, 1000);
  r.read("baseline_half_life_weeks", c.baseline_half_life_weeks, 0.1, 520);
  r.read("quiet_days", c.quiet_days, 1, kMaxDays);
}

const EnumTable<int> kRepeatTiers = {{"yellow", 2}, {"orange", 3}, {"red", 4}};

void decodeKeyCase(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                   KeyCaseConfig& c) {
  MapReader r(d, n, path);
  r.readChoice("repeat_tier", c.repeat_tier, kRepeatTiers);
  r.read("person_open_cases", c.person_open_cases, 2, 10000);
  r.read("collective_group_size", c.collective_group_size, 2, 1000000);
  r.read("exit_quiet_days", c.exit_quiet_days, 1, kMaxDays);
  r.read("unowned_orange_events", c.unowned_orange_events, 1, 10000);
  r.read("owner_idle_days", c.owner_idle_days, 1, kMaxDays);
  r.read("owner_idle_red_days", c.owner_idle_red_days, 1, kMaxDays);
}

void decodeStability(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                     StabilityConfig& c) {
  MapReader r(d, n, path);
  r.read("weight_blue", c.weight_blue, 0, 1000);
  r.read("weight_yellow", c.weight_yellow, 0, 1000);
  r.read("weight_orange", c.weight_orange, 0, 1000);
  r.read("weight_red", c.weight_red, 0, 1000);
  r.read("collective_factor", c.collective_factor, 0, 1000);
  r.read("overdue_weight", c.overdue_weight, 0, 100000);
  r.read("min_open_cases", c.min_open_cases, 1, 1000000);
  r.read("ledger_weight", c.ledger_weight, 0, 1000);
  r.read("scale", c.scale, 0.001, 1e9);
  r.read("blue_below", c.blue_below, 0, 100);
  r.read("yellow_below", c.yellow_below, 0, 100);
  r.read("orange_below", c.orange_below, 0, 100);
  r.read("red_below", c.red_below, 0, 100);
  r.read("hysteresis", c.hysteresis, 0, 50);
}

void decodeHttp(ConfigDecoder& d, const ConfigNode& n, const std::string& path, HttpConfig& c) {
  MapReader r(d, n, path);
  r.read("listen", c.listen);
  r.read("max_body_bytes", c.max_body_bytes, 1, 1024 * 1024);
  r.read("idle_timeout_seconds", c.idle_timeout_seconds, 1, 86400);
}

void decodeApiToken(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                    ApiTokenConfig& t) {
  MapReader r(d, n, path);
  r.read("name", t.name);
  r.read("role", t.role, kApiRoles);
  r.read("token", t.token);
  r.read("token_file", t.token_file);
}

void decodeAuth(ConfigDecoder& d, const ConfigNode& n, const std::string& path, AuthConfig& c) {
  MapReader r(d, n, path);
  if (const ConfigNode* tokens = r.take("tokens")) {
    decodeList(d, *tokens, r.pathOf("tokens"), c.tokens,
               [&](const ConfigNode& item, const std::string& p, ApiTokenConfig& t) {
                 decodeApiToken(d, item, p, t);
               });
  }
}

// --- the duty officers' workflow and the Alertmanager sink (config/alerting_config.h) ---

const EnumTable<int> kAlertTiers = {{"blue", 1}, {"yellow", 2}, {"orange", 3}, {"red", 4}};
constexpr int kMaxMinutes = 366 * 24 * 60;

void decodeTierEscalation(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                          TierEscalationConfig& c) {
  MapReader r(d, n, path);
  r.read("chain", c.chain);
  if (const ConfigNode* a = r.take("after_minutes")) {
    decodeList(d, *a, r.pathOf("after_minutes"), c.after_minutes,
               [&](const ConfigNode& t, const std::string& p, int& out) {
                 long long v = 0;
                 if (decodeInteger(d, t, p, 1, kMaxMinutes, v)) out = static_cast<int>(v);
               });
  }
  r.read("renotify_minutes", c.renotify_minutes, 0, kMaxMinutes);
  r.read("notify_at_once", c.notify_at_once);
}

void decodeAlerting(ConfigDecoder& d, MapReader& r, Config& c) {
  if (const ConfigNode* n = r.take("workflow")) {
    MapReader m(d, *n, "workflow");
    m.read("min_hold_minutes", c.workflow.min_hold_minutes, 0, 7 * 24 * 60);
    m.read("silence_retention_days", c.workflow.silence_retention_days, 1, kMaxDays);
  }
  if (const ConfigNode* n = r.take("escalation")) {
    MapReader m(d, *n, "escalation");
    const std::pair<std::string_view, TierEscalationConfig*> tiers[] = {
        {"red", &c.escalation.red},
        {"orange", &c.escalation.orange},
        {"yellow", &c.escalation.yellow},
        {"blue", &c.escalation.blue}};
    for (const auto& [name, tier] : tiers) {
      if (const ConfigNode* t = m.take(name)) decodeTierEscalation(d, *t, m.pathOf(name), *tier);
    }
  }
  if (const ConfigNode* n = r.take("grouping")) {
    MapReader m(d, *n, "grouping");
    m.read("enabled", c.grouping.enabled);
    m.read("parent_models", c.grouping.parent_models);
    m.read("member_models", c.grouping.member_models);
  }
  if (const ConfigNode* n = r.take("inhibition")) {
    MapReader m(d, *n, "inhibition");
    m.read("enabled", c.inhibition.enabled);
    m.readChoice("min_tier", c.inhibition.min_tier, kAlertTiers);
  }
  if (const ConfigNode* n = r.take("alertmanager")) {
    MapReader m(d, *n, "alertmanager");
    m.read("urls", c.alertmanager.urls);
    m.read("resend_interval_seconds", c.alertmanager.resend_interval_seconds, 1, 3600);
    m.read("timeout_ms", c.alertmanager.timeout_ms, 10, 600000);
    m.read("retry_initial_ms", c.alertmanager.retry_initial_ms, 1, 3600000);
    m.read("retry_max_ms", c.alertmanager.retry_max_ms, 1, 3600000);
    m.read("external_url", c.alertmanager.external_url);
  }
}

void decodeConfig(ConfigDecoder& d, const ConfigNode& root, Config& c) {
  MapReader r(d, root, "");
  r.read("data_dir", c.data_dir);
  if (const ConfigNode* n = r.take("metrics")) {
    MapReader m(d, *n, "metrics");
    m.read("listen", c.metrics_listen);
  }
  if (const ConfigNode* n = r.take("feeds")) {
    decodeList(d, *n, "feeds", c.feeds,
               [&](const ConfigNode& item, const std::string& p, FeedConfig& f) {
                 decodeFeed(d, item, p, f);
               });
  }
  if (const ConfigNode* n = r.take("publish")) {
    MapReader m(d, *n, "publish");
    m.read("zmq", c.publish_zmq);
  }
  r.readChoice("locale", c.locale, kLocales);
  r.read("messages_file", c.messages.file);
  if (const ConfigNode* n = r.take("log")) {
    MapReader m(d, *n, "log");
    m.read("format", c.log_format, kLogFormats);
    m.readChoice("level", c.log_level, kLogLevels);
  }
  r.read("print_alerts", c.print_alerts);
  r.read("clock", c.clock, kClockSources);
  r.read("demo", c.demo);
  if (const ConfigNode* n = r.take("pseudonym")) {
    MapReader m(d, *n, "pseudonym");
    m.read("key_file", c.pseudonym.key_file);
    m.read("key_env", c.pseudonym.key_env);
  }
  if (const ConfigNode* n = r.take("ingest")) {
    MapReader m(d, *n, "ingest");
    m.read("orphan_horizon_hours", c.ingest.orphan_horizon_hours, 0, 8760);
    m.read("max_message_bytes", c.ingest.max_message_bytes, 1, kUnbounded);
    m.read("dead_letter_max_bytes", c.ingest.dead_letter_max_bytes, 1, kUnbounded);
    m.read("max_persons", c.ingest.max_persons, 1, kUnbounded);
    m.read("dedup_window_days", c.ingest.dedup_window_days, 1, 3650);
  }
  if (const ConfigNode* n = r.take("clocks")) decodeClocks(d, *n, "clocks", c.clocks);
  if (const ConfigNode* n = r.take("store")) {
    MapReader m(d, *n, "store");
    m.read("commit_interval_ms", c.store.commit_interval_ms, 1, 10000);
    m.read("commit_max_events", c.store.commit_max_events, 1, 1000000);
    m.read("fsync", c.store.fsync);
  }
  if (const ConfigNode* n = r.take("http")) decodeHttp(d, *n, "http", c.http);
  if (const ConfigNode* n = r.take("auth")) decodeAuth(d, *n, "auth", c.auth);
  decodeAlerting(d, r, c);
  if (const ConfigNode* n = r.take("models")) {
    MapReader m(d, *n, "models");
    if (const ConfigNode* rv = m.take("repeat_visit")) {
      decodeRepeatVisit(d, *rv, "models.repeat_visit", c.models.repeat_visit);
    }
    if (const ConfigNode* gi = m.take("group_incident")) {
      decodeGroupIncident(d, *gi, "models.group_incident", c.models.group_incident);
    }
    if (const ConfigNode* er = m.take("escalation_risk")) {
      decodeEscalationRisk(d, *er, "models.escalation_risk", c.models.escalation_risk);
    }
    if (const ConfigNode* kc = m.take("key_case")) {
      decodeKeyCase(d, *kc, "models.key_case", c.models.key_case);
    }
    if (const ConfigNode* st = m.take("stability")) {
      decodeStability(d, *st, "models.stability", c.models.stability);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Checks that span keys or need more than the type.

void validateModels(ConfigDecoder& d, const ModelsConfig& m) {
  const std::string rv = "models.repeat_visit.";
  const RepeatVisitConfig& r = m.repeat_visit;
  checkOrder<int>(d, rv + "yellow_returns_30d", r.yellow_returns_30d, rv + "orange_returns_30d",
                  r.orange_returns_30d);
  checkOrder<int>(d, rv + "orange_returns_30d", r.orange_returns_30d, rv + "red_returns_30d",
                  r.red_returns_30d);
  checkOrder<double>(d, rv + "yellow_lambda", r.yellow_lambda, rv + "orange_lambda",
                     r.orange_lambda);
  if (!d.failed(rv + "hawkes_alpha") && !d.failed(rv + "hawkes_beta") &&
      r.hawkes_alpha >= r.hawkes_beta) {
    d.invalid(rv + "hawkes_alpha",
              "must be below hawkes_beta (" + formatNumber(r.hawkes_beta) +
                  "): with alpha/beta >= 1 each return brings on average one more, and the "
                  "intensity grows without bound; got " +
                  formatNumber(r.hawkes_alpha));
  }
  if (!d.failed(rv + "hawkes_mu") && !d.failed(rv + "yellow_lambda") &&
      r.yellow_lambda <= r.hawkes_mu) {
    d.invalid(rv + "yellow_lambda",
              "must be above hawkes_mu (" + formatNumber(r.hawkes_mu) +
                  "): the intensity never decays below the background rate, so no alert would "
                  "ever resolve; got " +
                  formatNumber(r.yellow_lambda));
  }
  const std::string gi = "models.group_incident.";
  const GroupIncidentConfig& g = m.group_incident;
  checkOrder<int>(d, gi + "yellow_persons_24h", g.yellow_persons_24h, gi + "orange_persons_24h",
                  g.orange_persons_24h);
  checkOrder<int>(d, gi + "orange_persons_24h", g.orange_persons_24h, gi + "red_persons_24h",
                  g.red_persons_24h);
  checkOrder<int>(d, gi + "yellow_persons_7d", g.yellow_persons_7d, gi + "orange_persons_7d",
                  g.orange_persons_7d);
  checkOrder<int>(d, gi + "orange_persons_7d", g.orange_persons_7d, gi + "red_persons_7d",
                  g.red_persons_7d);
  const std::string er = "models.escalation_risk.";
  const EscalationRiskConfig& e = m.escalation_risk;
  checkOrder<double>(d, er + "blue_probability", e.blue_probability, er + "yellow_probability",
                     e.yellow_probability);
  checkOrder<double>(d, er + "yellow_probability", e.yellow_probability, er + "orange_probability",
                     e.orange_probability);
  checkOrder<double>(d, er + "orange_probability", e.orange_probability, er + "red_probability",
                     e.red_probability);
  if (!e.model_file.empty()) checkReadableFile(d, er + "model_file", e.model_file);
  const std::string kc = "models.key_case.";
  const KeyCaseConfig& k = m.key_case;
  checkOrder<int>(d, kc + "owner_idle_days", k.owner_idle_days, kc + "owner_idle_red_days",
                  k.owner_idle_red_days);
  // The stability tiers are bounds on a falling index: red's bound is the lowest.
  const std::string st = "models.stability.";
  const StabilityConfig& s = m.stability;
  checkOrder<double>(d, st + "red_below", s.red_below, st + "orange_below", s.orange_below);
  checkOrder<double>(d, st + "orange_below", s.orange_below, st + "yellow_below", s.yellow_below);
  checkOrder<double>(d, st + "yellow_below", s.yellow_below, st + "blue_below", s.blue_below);
}

void validateHttpAndAuth(ConfigDecoder& d, const Config& c) {
  if (!c.http.listen.empty() && !isHostPort(c.http.listen)) {
    d.invalid("http.listen",
              "expected host:port with a port 0..65535 (or \"\" for no HTTP API), got " +
                  inQuotes(c.http.listen));
  }
  std::map<std::string, size_t> names;
  std::map<std::string, size_t> secrets;
  for (size_t i = 0; i < c.auth.tokens.size(); ++i) {
    const ApiTokenConfig& t = c.auth.tokens[i];
    const std::string path = indexPath("auth.tokens", i);
    if (t.name.empty()) {
      d.invalid(path + ".name", "must not be empty: it is recorded with every change");
    } else if (const auto [it, fresh] = names.emplace(t.name, i); !fresh) {
      d.invalid(path + ".name", "duplicate token name " + inQuotes(t.name) + " (also " +
                                    indexPath("auth.tokens", it->second) + ")");
    }
    if (t.token.empty() == t.token_file.empty()) {
      d.invalid(path, "give exactly one of token and token_file");
      continue;
    }
    if (!t.token.empty()) {
      if (t.token.find_first_of(" \t\r\n") != std::string::npos) {
        d.invalid(path + ".token", "must not contain spaces or line breaks");
      } else if (const auto [it, fresh] = secrets.emplace(t.token, i); !fresh) {
        d.invalid(path + ".token", "the same token as " + indexPath("auth.tokens", it->second) +
                                       ": who made a change would be ambiguous");
      }
    } else {
      checkReadableFile(d, path + ".token_file", t.token_file);
    }
  }
}

void validateAlerting(ConfigDecoder& d, const Config& c) {
  const std::pair<std::string_view, const TierEscalationConfig*> tiers[] = {
      {"red", &c.escalation.red},
      {"orange", &c.escalation.orange},
      {"yellow", &c.escalation.yellow},
      {"blue", &c.escalation.blue}};
  for (const auto& [name, t] : tiers) {
    const std::string path = "escalation." + std::string(name);
    if (t->chain.empty()) {
      d.invalid(path + ".chain", "must name at least one target (the first is told at firing)");
      continue;
    }
    for (size_t i = 0; i < t->chain.size(); ++i) {
      if (t->chain[i].empty()) d.invalid(indexPath(path + ".chain", i), "must not be empty");
    }
    for (size_t i = 0; i < t->notify_at_once.size(); ++i) {
      if (t->notify_at_once[i].empty()) {
        d.invalid(indexPath(path + ".notify_at_once", i), "must not be empty");
      }
    }
    if (d.failed(path + ".chain") || d.failed(path + ".after_minutes")) continue;
    if (t->after_minutes.size() + 1 != t->chain.size()) {
      d.invalid(path + ".after_minutes", "needs one entry per level after the first: " +
                                             std::to_string(t->chain.size() - 1) +
                                             " for a chain of " + std::to_string(t->chain.size()) +
                                             ", got " + std::to_string(t->after_minutes.size()));
      continue;
    }
    for (size_t i = 1; i < t->after_minutes.size(); ++i) {
      if (t->after_minutes[i] <= t->after_minutes[i - 1]) {
        d.invalid(indexPath(path + ".after_minutes", i),
                  "must be later than the level before (" +
                      std::to_string(t->after_minutes[i - 1]) + " minutes), got " +
                      std::to_string(t->after_minutes[i]));
      }
    }
  }
  for (const auto* list : {&c.grouping.parent_models, &c.grouping.member_models}) {
    const std::string path =
        list == &c.grouping.parent_models ? "grouping.parent_models" : "grouping.member_models";
    for (size_t i = 0; i < list->size(); ++i) {
      if ((*list)[i].empty()) d.invalid(indexPath(path, i), "must not be empty");
    }
  }
  const AlertmanagerConfig& am = c.alertmanager;
  std::map<std::string, size_t> urls;
  for (size_t i = 0; i < am.urls.size(); ++i) {
    const std::string path = indexPath("alertmanager.urls", i);
    if (!isHttpUrl(am.urls[i])) {
      d.invalid(path,
                "expected http://host:port with an optional path (https is not supported: "
                "use a local TLS proxy), got " +
                    inQuotes(am.urls[i]));
    } else if (const auto [it, fresh] = urls.emplace(am.urls[i], i); !fresh) {
      d.invalid(path, "the same URL as " + indexPath("alertmanager.urls", it->second));
    }
  }
  if (!d.failed("alertmanager.retry_initial_ms") && !d.failed("alertmanager.retry_max_ms") &&
      am.retry_initial_ms > am.retry_max_ms) {
    d.invalid("alertmanager.retry_max_ms", "must be at least retry_initial_ms (" +
                                               std::to_string(am.retry_initial_ms) + "), got " +
                                               std::to_string(am.retry_max_ms));
  }
  if (!am.external_url.empty() && am.external_url.substr(0, 7) != "http://" &&
      am.external_url.substr(0, 8) != "https://") {
    d.invalid("alertmanager.external_url",
              "expected an http:// or https:// URL (or \"\"), got " + inQuotes(am.external_url));
  }
}

void validate(ConfigDecoder& d, const Config& c) {
  if (c.data_dir.empty()) d.invalid("data_dir", "must not be empty");
  if (!c.metrics_listen.empty() && !isHostPort(c.metrics_listen)) {
    d.invalid("metrics.listen",
              "expected host:port with a port 0..65535 (or \"\" for no metrics), got " +
                  inQuotes(c.metrics_listen));
  }
  std::map<std::string, size_t> feed_names;
  for (size_t i = 0; i < c.feeds.size(); ++i) {
    const FeedConfig& f = c.feeds[i];
    const std::string path = indexPath("feeds", i);
    if (f.name.empty()) {
      d.invalid(path + ".name", "must not be empty");
    } else if (const auto [it, fresh] = feed_names.emplace(f.name, i); !fresh) {
      d.invalid(path + ".name", "duplicate feed name " + inQuotes(f.name) + " (also " +
                                    indexPath("feeds", it->second) + ")");
    }
    if (f.endpoint.empty()) {
      d.invalid(path + ".endpoint", "must not be empty");
    } else if (f.kind != FeedKind::kJsonl && !isZmqEndpoint(f.endpoint)) {
      d.invalid(path + ".endpoint",
                std::string(kZmqEndpointHelp) + ", got " + inQuotes(f.endpoint));
    }
    if (!f.topics.empty() && f.kind != FeedKind::kZmqSub) {
      d.invalid(path + ".topics", "only allowed for kind zmq_sub");
    }
  }
  if (!c.publish_zmq.empty() && !isZmqEndpoint(c.publish_zmq)) {
    d.invalid("publish.zmq", std::string(kZmqEndpointHelp) + " or \"\" for no publishing, got " +
                                 inQuotes(c.publish_zmq));
  }
  if (!c.clocks.holiday_calendar.empty()) {
    checkReadableFile(d, "clocks.holiday_calendar", c.clocks.holiday_calendar);
  }
  std::map<std::pair<std::string, std::string>, size_t> override_keys;
  for (size_t i = 0; i < c.clocks.overrides.size(); ++i) {
    const ClockOverride& o = c.clocks.overrides[i];
    const std::string path = indexPath("clocks.overrides", i);
    // Reported while decoding; comparing half-decoded overrides would only add noise.
    if (o.agency.empty() && o.channel.empty()) continue;
    if (d.failed(path + ".agency") || d.failed(path + ".channel")) continue;
    if (const auto [it, fresh] = override_keys.emplace(std::pair(o.agency, o.channel), i); !fresh) {
      d.invalid(path, "the same agency and channel as " +
                          indexPath("clocks.overrides", it->second) +
                          ": it is not clear which should apply");
    }
  }
  validateModels(d, c.models);
  validateAlerting(d, c);
  validateHttpAndAuth(d, c);
}

// Loads and checks the operator's message templates (once, here at the edge).
void loadMessages(ConfigDecoder& d, Config& c) {
  if (c.messages.file.empty() || d.failed("messages_file")) return;
  auto catalog = MessageCatalog::loadOverride(c.messages.file);
  if (!catalog.ok()) {
    d.invalid("messages_file", std::string(catalog.status().message()));
    return;
  }
  c.messages.catalog = std::make_shared<const MessageCatalog>(std::move(*catalog));
}

// ---------------------------------------------------------------------------------------------

std::string formatOffset(int minutes) {
  if (minutes == 0) return "Z";
  const int abs = minutes < 0 ? -minutes : minutes;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", minutes < 0 ? '-' : '+', abs / 60, abs % 60);
  return buf;
}

const std::string kDefaultsOrigin = "<embedded casewatch.yaml>";

std::optional<ConfigNode> parseDefaults(ConfigOrigins& ctx, std::vector<ConfigError>& errors) {
  return parseConfigDocument(
      embeddedDefaultConfigYaml(),
      ConfigLoc{ConfigOriginKind::kDefaults, ctx.intern(kDefaultsOrigin), 0, 0}, errors);
}

}  // namespace

std::string ConfigResult::describe() const {
  std::string out;
  for (const ConfigError& e : errors) {
    if (!out.empty()) out += '\n';
    out += e.path;
    out += ": ";
    out += e.message;
  }
  return out;
}

ConfigResult loadConfig(std::string_view yaml_text, const std::vector<std::string>& sets,
                        std::string_view origin) {
  ConfigResult result;
  ConfigOrigins ctx;
  std::optional<ConfigNode> tree = parseDefaults(ctx, result.errors);
  std::optional<ConfigNode> user = parseConfigDocument(
      yaml_text, ConfigLoc{ConfigOriginKind::kFile, ctx.intern(origin), 0, 0}, result.errors);
  if (!tree || !user) return result;
  mergeInto(*tree, std::move(*user));
  for (const std::string& arg : sets) applySet(*tree, arg, ctx, result.errors);
  ConfigDecoder decoder(result.errors, /*require_every_key=*/false);
  decodeConfig(decoder, *tree, result.config);
  validate(decoder, result.config);
  loadMessages(decoder, result.config);
  return result;
}

ConfigResult loadConfigFile(const std::string& path, const std::vector<std::string>& sets) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    ConfigResult result;
    result.errors.push_back(
        {path, std::string("cannot read the config file: ") + std::strerror(errno)});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    ConfigResult result;
    result.errors.push_back({path, "cannot read the config file"});
    return result;
  }
  return loadConfig(text.str(), sets, path);
}

ConfigResult loadDefaultConfig(const std::vector<std::string>& sets) {
  return loadConfig("", sets, "<defaults>");
}

ConfigResult decodeConfigForTest(std::string_view yaml_text, bool require_every_key) {
  ConfigResult result;
  ConfigOrigins ctx;
  std::optional<ConfigNode> tree = parseConfigDocument(
      yaml_text, ConfigLoc{ConfigOriginKind::kFile, ctx.intern("<test>"), 0, 0}, result.errors);
  if (!tree) return result;
  ConfigDecoder decoder(result.errors, require_every_key);
  decodeConfig(decoder, *tree, result.config);
  validate(decoder, result.config);
  loadMessages(decoder, result.config);
  return result;
}

std::string formatConfigYaml(const Config& c) {
  ConfigWriter w;
  w.string("data_dir", c.data_dir);
  w.beginMap("metrics");
  w.string("listen", c.metrics_listen);
  w.endMap();
  w.beginList("feeds", c.feeds.empty());
  for (const FeedConfig& f : c.feeds) {
    w.beginItem();
    w.string("name", f.name);
    w.name("kind", enumName(kFeedKinds, f.kind));
    w.string("endpoint", f.endpoint);
    w.boolean("bind", f.bind);
    w.strings("topics", f.topics);
    w.integer("rcvhwm", f.rcvhwm);
    w.endItem();
  }
  w.endList();
  w.beginMap("publish");
  w.string("zmq", c.publish_zmq);
  w.endMap();
  w.string("locale", c.locale);
  w.string("messages_file", c.messages.file);
  w.beginMap("log");
  w.name("format", enumName(kLogFormats, c.log_format));
  w.string("level", c.log_level);
  w.endMap();
  w.boolean("print_alerts", c.print_alerts);
  w.name("clock", enumName(kClockSources, c.clock));
  w.boolean("demo", c.demo);
  w.beginMap("pseudonym");
  w.string("key_file", c.pseudonym.key_file);
  w.string("key_env", c.pseudonym.key_env);
  w.endMap();
  w.beginMap("ingest");
  w.integer("orphan_horizon_hours", c.ingest.orphan_horizon_hours);
  w.integer("max_message_bytes", c.ingest.max_message_bytes);
  w.integer("dead_letter_max_bytes", c.ingest.dead_letter_max_bytes);
  w.integer("max_persons", c.ingest.max_persons);
  w.integer("dedup_window_days", c.ingest.dedup_window_days);
  w.endMap();
  const ClocksConfig& k = c.clocks;
  w.beginMap("clocks");
  w.integer("procedural_reply_days", k.procedural_reply_days);
  w.integer("routing_days", k.routing_days);
  w.integer("handling_days", k.handling_days);
  w.integer("review_days", k.review_days);
  w.integer("recheck_days", k.recheck_days);
  w.name("day_count", enumName(kDayCounts, k.day_count));
  w.string("holiday_calendar", k.holiday_calendar);
  w.string("timezone", formatOffset(k.utc_offset_minutes));
  w.integer("warning_days", k.warning_days);
  w.integer("red_after_days", k.red_after_days);
  w.beginList("overrides", k.overrides.empty());
  for (const ClockOverride& o : k.overrides) {
    w.beginItem();
    if (!o.agency.empty()) w.string("agency", o.agency);
    if (!o.channel.empty()) w.string("channel", o.channel);
    const std::pair<std::string_view, const std::optional<int>*> days[] = {
        {"procedural_reply_days", &o.procedural_reply_days},
        {"routing_days", &o.routing_days},
        {"handling_days", &o.handling_days},
        {"review_days", &o.review_days},
        {"recheck_days", &o.recheck_days}};
    for (const auto& [key, value] : days) {
      if (*value) w.integer(key, **value);
    }
    if (o.day_count) {
      w.name("day_count", enumName(kDayCounts, *o.day_count));
    }
    w.endItem();
  }
  w.endList();
  w.endMap();
  w.beginMap("store");
  w.integer("commit_interval_ms", c.store.commit_interval_ms);
  w.integer("commit_max_events", c.store.commit_max_events);
  w.boolean("fsync", c.store.fsync);
  w.endMap();
  w.beginMap("http");
  w.string("listen", c.http.listen);
  w.integer("max_body_bytes", c.http.max_body_bytes);
  w.integer("idle_timeout_seconds", c.http.idle_timeout_seconds);
  w.endMap();
  w.beginMap("auth");
  w.beginList("tokens", c.auth.tokens.empty());
  for (const ApiTokenConfig& t : c.auth.tokens) {
    w.beginItem();
    w.string("name", t.name);
    w.name("role", enumName(kApiRoles, t.role));
    if (!t.token.empty()) w.string("token", t.token);
    if (!t.token_file.empty()) w.string("token_file", t.token_file);
    w.endItem();
  }
  w.endList();
  w.endMap();
  {
    // The workflow and the Alertmanager sink (config/alerting_config.h).
    w.beginMap("workflow");
    w.integer("min_hold_minutes", c.workflow.min_hold_minutes);
    w.integer("silence_retention_days", c.workflow.silence_retention_days);
    w.endMap();
    w.beginMap("escalation");
    const std::pair<std::string_view, const TierEscalationConfig*> tiers[] = {
        {"red", &c.escalation.red},
        {"orange", &c.escalation.orange},
        {"yellow", &c.escalation.yellow},
        {"blue", &c.escalation.blue}};
    for (const auto& [name, t] : tiers) {
      w.beginMap(name);
      w.strings("chain", t->chain);
      w.integers("after_minutes", t->after_minutes);
      w.integer("renotify_minutes", t->renotify_minutes);
      w.strings("notify_at_once", t->notify_at_once);
      w.endMap();
    }
    w.endMap();
    w.beginMap("grouping");
    w.boolean("enabled", c.grouping.enabled);
    w.strings("parent_models", c.grouping.parent_models);
    w.strings("member_models", c.grouping.member_models);
    w.endMap();
    w.beginMap("inhibition");
    w.boolean("enabled", c.inhibition.enabled);
    w.name("min_tier", c.inhibition.min_tier);
    w.endMap();
    const AlertmanagerConfig& am = c.alertmanager;
    w.beginMap("alertmanager");
    w.strings("urls", am.urls);
    w.integer("resend_interval_seconds", am.resend_interval_seconds);
    w.integer("timeout_ms", am.timeout_ms);
    w.integer("retry_initial_ms", am.retry_initial_ms);
    w.integer("retry_max_ms", am.retry_max_ms);
    w.string("external_url", am.external_url);
    w.endMap();
  }
  const RepeatVisitConfig& rv = c.models.repeat_visit;
  const GroupIncidentConfig& gi = c.models.group_incident;
  w.beginMap("models");
  w.beginMap("repeat_visit");
  w.number("hawkes_mu", rv.hawkes_mu);
  w.number("hawkes_alpha", rv.hawkes_alpha);
  w.number("hawkes_beta", rv.hawkes_beta);
  w.number("above_level_weight", rv.above_level_weight);
  w.integer("yellow_returns_30d", rv.yellow_returns_30d);
  w.number("yellow_lambda", rv.yellow_lambda);
  w.integer("orange_returns_30d", rv.orange_returns_30d);
  w.number("orange_lambda", rv.orange_lambda);
  w.integer("red_returns_30d", rv.red_returns_30d);
  w.integer("red_returns_90d", rv.red_returns_90d);
  w.integer("quiet_days", rv.quiet_days);
  w.integer("matter_min_persons", rv.matter_min_persons);
  w.integer("matter_min_returns_90d", rv.matter_min_returns_90d);
  w.endMap();
  w.beginMap("group_incident");
  w.integer("large_group_size", gi.large_group_size);
  w.integer("yellow_persons_24h", gi.yellow_persons_24h);
  w.integer("yellow_persons_7d", gi.yellow_persons_7d);
  w.integer("orange_persons_24h", gi.orange_persons_24h);
  w.integer("orange_persons_7d", gi.orange_persons_7d);
  w.integer("red_persons_24h", gi.red_persons_24h);
  w.integer("red_persons_7d", gi.red_persons_7d);
  w.name("ears_method", gi.ears_method);
  w.number("ears_alpha", gi.ears_alpha);
  w.integer("ears_baseline", gi.ears_baseline);
  w.number("ears_min_sigma", gi.ears_min_sigma);
  w.number("cusum_k", gi.cusum_k);
  w.number("cusum_h", gi.cusum_h);
  w.number("cusum_min_baseline", gi.cusum_min_baseline);
  w.number("baseline_half_life_weeks", gi.baseline_half_life_weeks);
  w.integer("quiet_days", gi.quiet_days);
  w.endMap();
  const EscalationRiskConfig& er = c.models.escalation_risk;
  w.beginMap("escalation_risk");
  w.string("model_file", er.model_file);
  w.number("blue_probability", er.blue_probability);
  w.number("yellow_probability", er.yellow_probability);
  w.number("orange_probability", er.orange_probability);
  w.number("red_probability", er.red_probability);
  w.integer("top_features", er.top_features);
  w.number("visit_half_life_days", er.visit_half_life_days);
  w.endMap();
  const KeyCaseConfig& kc = c.models.key_case;
  w.beginMap("key_case");
  w.name("repeat_tier", kc.repeat_tier);
  w.integer("person_open_cases", kc.person_open_cases);
  w.integer("collective_group_size", kc.collective_group_size);
  w.integer("exit_quiet_days", kc.exit_quiet_days);
  w.integer("unowned_orange_events", kc.unowned_orange_events);
  w.integer("owner_idle_days", kc.owner_idle_days);
  w.integer("owner_idle_red_days", kc.owner_idle_red_days);
  w.endMap();
  const StabilityConfig& st = c.models.stability;
  w.beginMap("stability");
  w.number("weight_blue", st.weight_blue);
  w.number("weight_yellow", st.weight_yellow);
  w.number("weight_orange", st.weight_orange);
  w.number("weight_red", st.weight_red);
  w.number("collective_factor", st.collective_factor);
  w.number("overdue_weight", st.overdue_weight);
  w.integer("min_open_cases", st.min_open_cases);
  w.number("ledger_weight", st.ledger_weight);
  w.number("scale", st.scale);
  w.number("blue_below", st.blue_below);
  w.number("yellow_below", st.yellow_below);
  w.number("orange_below", st.orange_below);
  w.number("red_below", st.red_below);
  w.number("hysteresis", st.hysteresis);
  w.endMap();
  w.endMap();
  return w.text();
}

}  // namespace casewatch
