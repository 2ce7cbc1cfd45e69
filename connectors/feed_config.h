// feeds: the list of inputs, each of one kind (a ZeroMQ PULL or SUB socket, or a JSON Lines file).
// The fields are shared by the kinds; which of them a kind may use is checked here, per kind.
// Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>
#include <vector>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
struct ConfigNode;

enum class FeedKind { kZmqPull, kZmqSub, kJsonl };

struct FeedConfig {
  std::string name;
  FeedKind kind = FeedKind::kZmqPull;
  std::string endpoint;             // zmq endpoint, or a file path / "-" for jsonl
  bool bind = true;                 // zmq: bind (true) or connect (false)
  std::vector<std::string> topics;  // zmq_sub: prefix filters; empty = everything
  int rcvhwm = 100000;              // zmq receive high-water mark (messages)
  friend bool operator==(const FeedConfig&, const FeedConfig&) = default;
};

// The name a kind is written with ("zmq_pull", "zmq_sub", "jsonl").
std::string_view feedKindName(FeedKind kind);

// The `feeds` list at `path`: its items decoded, then the checks across them (unique names, the
// endpoint and topics each kind allows); and written back under the key `feeds`.
void decodeFeeds(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                 std::vector<FeedConfig>& feeds);
void validateFeeds(ConfigDecoder& d, const std::string& path, const std::vector<FeedConfig>& feeds);
void writeFeeds(ConfigWriter& w, const std::vector<FeedConfig>& feeds);

}  // namespace casewatch
