#include "connectors/zmq_feed/zmq_feed_config.h"

#include "config/address_checks.h"
#include "config/config_reader.h"
#include "config/config_writer.h"
#include "connectors/feed_config.h"

namespace casewatch {
namespace {

constexpr int kMaxRcvhwm = 1000000;

void decodeZmqFeed(MapReader& r, FeedConfig& f, ZmqSocketType socket) {
  ZmqFeedConfig c;
  c.socket = socket;
  r.read("bind", c.bind);
  // Read on a PULL socket too, so that topics there get their own error (validateZmqFeed), not
  // "unknown key".
  r.read("topics", c.topics);
  // 0 is read so that it gets its own message (validateZmqFeed), not a bare range error.
  r.read("rcvhwm", c.rcvhwm, 0, kMaxRcvhwm);
  r.read("heartbeat_interval_ms", c.heartbeat_interval_ms, 0, 3600000);
  r.read("heartbeat_timeout_ms", c.heartbeat_timeout_ms, 0, 3600000);
  decodeConfig(r, c.curve);
  r.read("insecure", c.insecure);
  r.read("sources", c.sources);
  f.own.set(std::move(c));
}

}  // namespace

void decodeZmqPullFeed(MapReader& r, FeedConfig& f) {
  decodeZmqFeed(r, f, ZmqSocketType::kPull);
}

void decodeZmqSubFeed(MapReader& r, FeedConfig& f) {
  decodeZmqFeed(r, f, ZmqSocketType::kSub);
}

void validateZmqFeed(ConfigDecoder& d, const std::string& at, const FeedConfig& f) {
  const ZmqFeedConfig& c = f.own.get<ZmqFeedConfig>();
  if (!f.endpoint.empty() && !isZmqEndpoint(f.endpoint)) {
    d.invalid(at + ".endpoint", std::string(kZmqEndpointHelp) + ", got " + inQuotes(f.endpoint));
  }
  if (c.rcvhwm == 0) {
    d.invalid(at + ".rcvhwm",
              "0 (unlimited) is refused: a fast or hostile producer could fill memory; give a "
              "bound in messages per peer, 1.." +
                  std::to_string(kMaxRcvhwm) + " (default 10000)");
  }
  if (!c.topics.empty() && c.socket != ZmqSocketType::kSub) {
    d.invalid(at + ".topics", "only allowed for kind zmq_sub");
  }
  if (c.heartbeat_interval_ms > 0 && c.heartbeat_timeout_ms < c.heartbeat_interval_ms) {
    d.invalid(at + ".heartbeat_timeout_ms", "must be at least heartbeat_interval_ms (" +
                                                std::to_string(c.heartbeat_interval_ms) +
                                                "), got " + std::to_string(c.heartbeat_timeout_ms));
  }
  validateZmqCurve(d, at + ".curve", c.curve, c.bind, f.endpoint, c.insecure, at + ".insecure");
  for (size_t i = 0; i < c.sources.size(); ++i) {
    if (c.sources[i].empty()) d.invalid(indexPath(at + ".sources", i), "must not be empty");
  }
}

void writeZmqFeed(ConfigWriter& w, const FeedConfig& f) {
  const ZmqFeedConfig& c = f.own.get<ZmqFeedConfig>();
  w.boolean("bind", c.bind);
  w.strings("topics", c.topics);
  w.integer("rcvhwm", c.rcvhwm);
  w.integer("heartbeat_interval_ms", c.heartbeat_interval_ms);
  w.integer("heartbeat_timeout_ms", c.heartbeat_timeout_ms);
  writeConfig(w, c.curve);
  w.boolean("insecure", c.insecure);
  w.strings("sources", c.sources);
}

}  // namespace casewatch
