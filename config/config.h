// The daemon's configuration as typed structs: parsed and validated once, at the edge
// (config/loader.h), then handed read-only to the components that need it. No component reads
// YAML. Every key, its default and its meaning are documented in config/casewatch.yaml, which is
// also the embedded default configuration.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/alerting_config.h"
#include "config/message_catalog.h"

namespace casewatch {

enum class FeedKind { kZmqPull, kZmqSub, kJsonl };
enum class LogFormat { kText, kJson };
enum class ClockSource { kWall, kEvent };
enum class DayCount { kCalendar, kWorking };

struct FeedConfig {
  std::string name;
  FeedKind kind = FeedKind::kZmqPull;
  std::string endpoint;             // zmq endpoint, or a file path / "-" for jsonl
  bool bind = true;                 // zmq: bind (true) or connect (false)
  std::vector<std::string> topics;  // zmq_sub: prefix filters; empty = everything
  int rcvhwm = 100000;              // zmq receive high-water mark (messages)
  friend bool operator==(const FeedConfig&, const FeedConfig&) = default;
};

struct PseudonymConfig {
  std::string key_file;                             // secret material; read once at start-up
  std::string key_env = "CASEWATCH_PSEUDONYM_KEY";  // environment variable, used if set
  friend bool operator==(const PseudonymConfig&, const PseudonymConfig&) = default;
};

struct IngestConfig {
  int orphan_horizon_hours = 72;  // how long an event may wait for its case.registered
  size_t max_message_bytes = 64 * 1024;
  size_t dead_letter_max_bytes = 2048;  // raw bytes kept per dead letter
  size_t max_persons = 1000;
  int dedup_window_days = 365;  // an event id is remembered for 1 to 2 windows of event time
  friend bool operator==(const IngestConfig&, const IngestConfig&) = default;
};

struct ClockOverride {
  std::string agency;   // empty = any agency
  std::string channel;  // empty = any channel
  std::optional<int> procedural_reply_days;
  std::optional<int> routing_days;
  std::optional<int> handling_days;
  std::optional<int> review_days;
  std::optional<int> recheck_days;
  std::optional<DayCount> day_count;
  friend bool operator==(const ClockOverride&, const ClockOverride&) = default;
};

struct ClocksConfig {
  int procedural_reply_days = 7;
  int routing_days = 15;
  int handling_days = 60;
  int review_days = 30;
  int recheck_days = 30;
  DayCount day_count = DayCount::kCalendar;
  std::string holiday_calendar;     // file of days off / adjusted working days; empty = none
  int utc_offset_minutes = 8 * 60;  // `timezone: "+08:00"`
  int warning_days = 2;             // yellow when due within this many days
  int red_after_days = 7;           // red when missed by more than this many days
  std::vector<ClockOverride> overrides;
  friend bool operator==(const ClocksConfig&, const ClocksConfig&) = default;
};

struct StoreConfig {
  int commit_interval_ms = 5;       // group commit: a batch at least this often
  size_t commit_max_events = 4096;  // ... or when this many events are waiting
  bool fsync = true;                // fdatasync each batch (off only for benchmarks)
  friend bool operator==(const StoreConfig&, const StoreConfig&) = default;
};

// models.repeat_visit: persons who keep coming back on the same matter (models/repeat_visit/).
// Rates are per day; a "return" is a contact (visit or new registration) after the first one on
// the matter, counted once per local day.
struct RepeatVisitConfig {
  double hawkes_mu = 0.002;         // background rate of returns per day (Hawkes μ)
  double hawkes_alpha = 0.05;       // jump of the rate per return (Hawkes α)
  double hawkes_beta = 0.1;         // decay of a jump per day (Hawkes β; α/β < 1)
  double above_level_weight = 1.5;  // weight of a contact lodged above the competent level
  int yellow_returns_30d = 3;
  double yellow_lambda = 0.25;
  int orange_returns_30d = 5;
  double orange_lambda = 0.4;
  int red_returns_30d = 8;
  int red_returns_90d = 12;
  int quiet_days = 30;             // resolve after this long without a return (and λ < yellow)
  int matter_min_persons = 3;      // matter alert: this many persons ...
  int matter_min_returns_90d = 2;  // ... each with this many returns in 90 days
  friend bool operator==(const RepeatVisitConfig&, const RepeatVisitConfig&) = default;
};

// models.group_incident: collective petitions per (region, matter) (models/group_incident/).
struct GroupIncidentConfig {
  int large_group_size = 5;    // one visit or case with group_size >= this is a signal
  int yellow_persons_24h = 5;  // distinct persons on the matter in the region, per tier
  int yellow_persons_7d = 10;
  int orange_persons_24h = 15;
  int orange_persons_7d = 30;
  int red_persons_24h = 30;
  int red_persons_7d = 60;
  std::string ears_method = "c2";  // c1, c2 or c3 (R surveillance::earsC)
  double ears_alpha = 0.001;
  int ears_baseline = 7;
  double ears_min_sigma = 1.0;
  double cusum_k = 2.0;  // λ1 = k·λ0
  double cusum_h = 5.0;
  double cusum_min_baseline = 0.1;  // floor of λ0 per day
  double baseline_half_life_weeks = 8;
  int quiet_days = 7;  // resolve after this long without a contact on the matter
  friend bool operator==(const GroupIncidentConfig&, const GroupIncidentConfig&) = default;
};

// models.escalation_risk: P(a case is taken to a higher level within the model file's horizon),
// a logistic regression whose coefficients come from `casewatch fit escalation`
// (models/escalation_risk/).
struct EscalationRiskConfig {
  std::string model_file;         // MODEL.json; "" = the model is off (and costs nothing)
  double blue_probability = 0.2;  // tier thresholds on the probability, non-decreasing
  double yellow_probability = 0.35;
  double orange_probability = 0.5;
  double red_probability = 0.7;
  int top_features = 3;              // contributions named in each alert
  double visit_half_life_days = 30;  // decay of the visit_intensity feature
  friend bool operator==(const EscalationRiskConfig&, const EscalationRiskConfig&) = default;
};

// models.key_case: the key-case ledger (台账) and its alerts (models/key_case/).
struct KeyCaseConfig {
  std::string repeat_tier = "orange";  // enter when the person's repeat_visit tier on the matter
                                       // reaches this (yellow, orange, red)
  int person_open_cases = 3;           // enter when one person has at least this many open cases
  int collective_group_size = 5;       // enter when the case's group_size is at least this
  int exit_quiet_days = 90;            // leave after closed and quiet (no event) for this many days
  int unowned_orange_events = 3;  // no leader: yellow from the first new event, orange from this
  int owner_idle_days = 30;       // orange when the owner has not acted for this many days ...
  int owner_idle_red_days = 60;   // ... red from this many
  friend bool operator==(const KeyCaseConfig&, const KeyCaseConfig&) = default;
};

// models.stability: a per-region stability index from the other models' alerts (models/stability/).
struct StabilityConfig {
  double weight_blue = 1;  // pressure points per open alert per 100 open cases, by tier
  double weight_yellow = 2;
  double weight_orange = 4;
  double weight_red = 8;
  double collective_factor = 3;  // group_incident alerts weigh this many times more
  double overdue_weight = 20;    // pressure points for an overdue share of 100% of open cases
  double ledger_weight = 1;      // pressure points per ledgered case per 100 open cases
  int min_open_cases = 100;      // the per-case densities divide by at least this many cases
  double scale = 40;             // index = 100·exp(−pressure/scale)
  double blue_below = 85;        // tier when the index falls to or below these
  double yellow_below = 70;
  double orange_below = 50;
  double red_below = 30;
  double hysteresis = 5;  // a tier is left only when the index rises this far above its bound
  friend bool operator==(const StabilityConfig&, const StabilityConfig&) = default;
};

struct ModelsConfig {
  RepeatVisitConfig repeat_visit;
  GroupIncidentConfig group_incident;
  EscalationRiskConfig escalation_risk;
  KeyCaseConfig key_case;
  StabilityConfig stability;
  friend bool operator==(const ModelsConfig&, const ModelsConfig&) = default;
};

// http: the HTTP API v1 and the duty console (daemon/http/).
struct HttpConfig {
  std::string listen = "127.0.0.1:9470";  // host:port; "" = off
  size_t max_body_bytes = 1024 * 1024;    // largest request body accepted (413 above)
  int idle_timeout_seconds = 60;          // a keep-alive connection idle this long is closed
  friend bool operator==(const HttpConfig&, const HttpConfig&) = default;
};

// auth: bearer tokens of the HTTP API. viewer reads; duty_officer also acknowledges, silences and
// resolves; leader may do everything.
enum class ApiRole { kViewer, kDutyOfficer, kLeader };
struct ApiTokenConfig {
  std::string name;  // who: recorded with every change made with this token
  ApiRole role = ApiRole::kViewer;
  std::string token;       // the secret itself, or ...
  std::string token_file;  // ... a file holding it (read at start-up; trailing newline dropped)
  friend bool operator==(const ApiTokenConfig&, const ApiTokenConfig&) = default;
};
struct AuthConfig {
  std::vector<ApiTokenConfig>
      tokens;  // empty: every authenticated route answers 401 (demo: demo tokens)
  friend bool operator==(const AuthConfig&, const AuthConfig&) = default;
};

// messages_file: the operator's re-wording of alert texts over the built-in templates.
struct MessagesConfig {
  std::string file;  // "" = the built-in templates alone
  std::shared_ptr<const MessageCatalog>
      catalog;  // loaded and checked by the loader; null = built-in
  const MessageCatalog& get() const { return catalog ? *catalog : MessageCatalog::builtin(); }
  friend bool operator==(const MessagesConfig& a, const MessagesConfig& b) {
    return a.file == b.file && a.get() == b.get();
  }
};

struct Config {
  std::string data_dir = "./var/casewatch";
  std::string metrics_listen = "127.0.0.1:9464";
  std::vector<FeedConfig> feeds;
  std::string publish_zmq = "tcp://127.0.0.1:5571";  // alert PUB endpoint; empty = off
  std::string locale = "en";  // "en" or "zh-CN": the language of printed alerts
  MessagesConfig messages;
  LogFormat log_format = LogFormat::kText;
  std::string log_level = "info";
  bool print_alerts = true;  // print each alert change readably on stdout
  ClockSource clock = ClockSource::kWall;
  bool demo = false;  // demo mode: the built-in pseudonym key is allowed
  PseudonymConfig pseudonym;
  IngestConfig ingest;
  ClocksConfig clocks;
  StoreConfig store;
  ModelsConfig models;
  HttpConfig http;
  AuthConfig auth;
  WorkflowConfig workflow;
  EscalationConfig escalation;
  GroupingConfig grouping;
  InhibitionConfig inhibition;
  AlertmanagerConfig alertmanager;
  friend bool operator==(const Config&, const Config&) = default;
};

}  // namespace casewatch
