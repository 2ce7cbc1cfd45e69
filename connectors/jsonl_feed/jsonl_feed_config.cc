#include "connectors/jsonl_feed/jsonl_feed_config.h"

#include <climits>
#include <vector>

#include "config/config_reader.h"
#include "connectors/feed_config.h"

namespace casewatch {

void decodeJsonlFeed(MapReader& r, FeedConfig&) {
  // The keys every kind once shared: still accepted (and type-checked) so that existing files
  // load, but a file has no socket to bind or high-water mark to set.
  bool bind = true;
  int rcvhwm = 0;
  r.read("bind", bind);
  r.read("rcvhwm", rcvhwm, 0, INT_MAX);
  std::vector<std::string> topics;
  r.read("topics", topics);
  if (!topics.empty()) r.decoder().invalid(r.pathOf("topics"), "only allowed for kind zmq_sub");
}

}  // namespace casewatch
