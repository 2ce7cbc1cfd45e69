// The keys of a `feeds` item of kind jsonl: none of its own. A file is read to its end with the
// shared keys (its path, or "-" for standard input, in `endpoint`).
//
// Before the feed table, every kind shared the ZeroMQ keys; a jsonl item may still carry `bind`
// and `rcvhwm` (accepted, checked as before, without effect), and `topics` is refused as it was.
#pragma once

#include <string>

namespace casewatch {

class MapReader;
struct FeedConfig;

// The feed table's decoder for the kind (connectors/feed_config.h, FeedKindConfig).
void decodeJsonlFeed(MapReader& r, FeedConfig& f);

}  // namespace casewatch
