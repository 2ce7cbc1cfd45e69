// The keys of a `feeds` item of kind zmq_pull or zmq_sub (beside the shared name, kind, endpoint):
// bind, topics, rcvhwm, heartbeat_interval_ms, heartbeat_timeout_ms, curve, insecure, sources. The
// two kinds are one connector (zmq_feed.h) on a PULL or a SUB socket; the row of each kind in the
// feed table picks its decoder, which sets `socket`. Documented key by key in
// config/casewatch.yaml.
#pragma once

#include <string>
#include <vector>

#include "config/zmq_curve_config.h"

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;
struct FeedConfig;

enum class ZmqSocketType { kPull, kSub };

struct ZmqFeedConfig {
  ZmqSocketType socket = ZmqSocketType::kPull;  // from the kind, not a key of its own
  bool bind = true;                             // bind (true) or connect (false)
  std::vector<std::string> topics;              // zmq_sub: prefix filters; empty = everything
  // Receive high-water mark in messages, per connected peer: what ZeroMQ queues before it pushes
  // back. Bounded (1..1,000,000; 0 = unlimited is refused): with ZMQ_MAXMSGSIZE set from
  // ingest.max_message_bytes, at most rcvhwm x that size is buffered per peer.
  int rcvhwm = 10000;
  // A connecting socket (bind: false) pings its peer this often (ZMQ_HEARTBEAT_IVL) and drops the
  // connection when no traffic came back for heartbeat_timeout_ms (ZMQ_HEARTBEAT_TIMEOUT), so a
  // dead peer shows as not connected (/readyz) and the socket reconnects. 0 = off.
  int heartbeat_interval_ms = 1000;
  int heartbeat_timeout_ms = 5000;
  // CURVE keys (config/zmq_curve_config.h): a bound feed is the server (its secret key and the
  // clients it admits), a connecting one the client (its secret key and the server's public key).
  ZmqCurveConfig curve;
  // A tcp endpoint off loopback without CURVE is refused unless this is set (then warned about at
  // every start).
  bool insecure = false;
  // The `source` values this feed may carry; an event with another one is rejected
  // unauthorised_source (a feed's key then cannot speak for another system). [] = any.
  std::vector<std::string> sources;
  friend bool operator==(const ZmqFeedConfig&, const ZmqFeedConfig&) = default;
};

// The feed table's functions for the two kinds (connectors/feed_config.h, FeedKindConfig): the
// keys read into `f.own`, the checks (a ZeroMQ endpoint; rcvhwm bounded (0 = unlimited refused);
// topics only on a SUB socket; a heartbeat timeout not shorter than its interval; the curve keys
// of its role, and `insecure` off loopback without them) and the keys written back.
void decodeZmqPullFeed(MapReader& r, FeedConfig& f);
void decodeZmqSubFeed(MapReader& r, FeedConfig& f);
void validateZmqFeed(ConfigDecoder& d, const std::string& at, const FeedConfig& f);
void writeZmqFeed(ConfigWriter& w, const FeedConfig& f);

}  // namespace casewatch
