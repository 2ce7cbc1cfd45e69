// The daemon's configuration as typed structs: parsed and validated once, at the edge
// (config/loader.h), then handed read-only to the components that need it. No component reads
// YAML. Every key, its default and its meaning are documented in config/casewatch.yaml, which is
// also the embedded default configuration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace casewatch {

enum class FeedKind { kZmqPull, kZmqSub, kJsonl };
enum class LogFormat { kText, kJson };
enum class ClockSource { kWall, kEvent };
enum class DayCount { kCalendar, kWorking };

struct FeedConfig {
  std::string name;
  FeedKind kind = FeedKind::kZmqPull;
  std::string endpoint;              // zmq endpoint, or a file path / "-" for jsonl
  bool bind = true;                  // zmq: bind (true) or connect (false)
  std::vector<std::string> topics;   // zmq_sub: prefix filters; empty = everything
  int rcvhwm = 100000;               // zmq receive high-water mark (messages)
  friend bool operator==(const FeedConfig&, const FeedConfig&) = default;
};

struct PseudonymConfig {
  std::string key_file;              // secret material; read once at start-up
  std::string key_env = "CASEWATCH_PSEUDONYM_KEY";  // environment variable, used if set
  friend bool operator==(const PseudonymConfig&, const PseudonymConfig&) = default;
};

struct IngestConfig {
  int orphan_horizon_hours = 72;     // how long an event may wait for its case.registered
  size_t max_message_bytes = 64 * 1024;
  size_t dead_letter_max_bytes = 2048;  // raw bytes kept per dead letter
  size_t max_persons = 1000;
  friend bool operator==(const IngestConfig&, const IngestConfig&) = default;
};

struct ClockOverride {
  std::string agency;                // empty = any agency
  std::string channel;               // empty = any channel
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
  std::string holiday_calendar;      // file of days off / adjusted working days; empty = none
  int utc_offset_minutes = 8 * 60;   // `timezone: "+08:00"`
  int warning_days = 2;              // yellow when due within this many days
  int red_after_days = 7;            // red when missed by more than this many days
  std::vector<ClockOverride> overrides;
  friend bool operator==(const ClocksConfig&, const ClocksConfig&) = default;
};

struct StoreConfig {
  int commit_interval_ms = 5;        // group commit: a batch at least this often
  size_t commit_max_events = 4096;   // ... or when this many events are waiting
  bool fsync = true;                 // fdatasync each batch (off only for benchmarks)
  friend bool operator==(const StoreConfig&, const StoreConfig&) = default;
};

struct Config {
  std::string data_dir = "./var/casewatch";
  std::string metrics_listen = "127.0.0.1:9464";
  std::vector<FeedConfig> feeds;
  std::string publish_zmq = "tcp://127.0.0.1:5571";  // alert PUB endpoint; empty = off
  std::string locale = "en";         // "en" or "zh-CN": the language of printed alerts
  LogFormat log_format = LogFormat::kText;
  std::string log_level = "info";
  bool print_alerts = true;          // print each alert change readably on stdout
  ClockSource clock = ClockSource::kWall;
  bool demo = false;                 // demo mode: the built-in pseudonym key is allowed
  PseudonymConfig pseudonym;
  IngestConfig ingest;
  ClocksConfig clocks;
  StoreConfig store;
  friend bool operator==(const Config&, const Config&) = default;
};

}  // namespace casewatch
