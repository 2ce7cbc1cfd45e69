#include "connectors/zmq_feed/zmq_feed_config.h"

#include <climits>

#include "config/address_checks.h"
#include "config/config_reader.h"
#include "config/config_writer.h"
#include "connectors/feed_config.h"

namespace casewatch {
namespace {

void decodeZmqFeed(MapReader& r, FeedConfig& f, ZmqSocketType socket) {
  ZmqFeedConfig c;
  c.socket = socket;
  r.read("bind", c.bind);
  // Read on a PULL socket too, so that topics there get their own error (validateZmqFeed), not
  // "unknown key".
  r.read("topics", c.topics);
  r.read("rcvhwm", c.rcvhwm, 0, INT_MAX);
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
  if (!c.topics.empty() && c.socket != ZmqSocketType::kSub) {
    d.invalid(at + ".topics", "only allowed for kind zmq_sub");
  }
}

void writeZmqFeed(ConfigWriter& w, const FeedConfig& f) {
  const ZmqFeedConfig& c = f.own.get<ZmqFeedConfig>();
  w.boolean("bind", c.bind);
  w.strings("topics", c.topics);
  w.integer("rcvhwm", c.rcvhwm);
}

}  // namespace casewatch
