#include "connectors/feed_config.h"

#include <climits>
#include <map>

#include "config/address_checks.h"
#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {
namespace {

const EnumTable<FeedKind> kFeedKinds = {
    {"zmq_pull", FeedKind::kZmqPull}, {"zmq_sub", FeedKind::kZmqSub}, {"jsonl", FeedKind::kJsonl}};

void decodeFeed(ConfigDecoder& d, const ConfigNode& n, const std::string& path, FeedConfig& f) {
  MapReader r(d, n, path);
  r.read("name", f.name);
  r.read("kind", f.kind, kFeedKinds);
  r.read("endpoint", f.endpoint);
  r.read("bind", f.bind);
  r.read("topics", f.topics);
  r.read("rcvhwm", f.rcvhwm, 0, INT_MAX);
}

}  // namespace

std::string_view feedKindName(FeedKind kind) {
  return enumName(kFeedKinds, kind);
}

void decodeFeeds(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                 std::vector<FeedConfig>& feeds) {
  decodeList(d, n, path, feeds, [&](const ConfigNode& item, const std::string& p, FeedConfig& f) {
    decodeFeed(d, item, p, f);
  });
}

void validateFeeds(ConfigDecoder& d, const std::string& path,
                   const std::vector<FeedConfig>& feeds) {
  std::map<std::string, size_t> feed_names;
  for (size_t i = 0; i < feeds.size(); ++i) {
    const FeedConfig& f = feeds[i];
    const std::string at = indexPath(path, i);
    if (f.name.empty()) {
      d.invalid(at + ".name", "must not be empty");
    } else if (const auto [it, fresh] = feed_names.emplace(f.name, i); !fresh) {
      d.invalid(at + ".name", "duplicate feed name " + inQuotes(f.name) + " (also " +
                                  indexPath(path, it->second) + ")");
    }
    if (f.endpoint.empty()) {
      d.invalid(at + ".endpoint", "must not be empty");
    } else if (f.kind != FeedKind::kJsonl && !isZmqEndpoint(f.endpoint)) {
      d.invalid(at + ".endpoint", std::string(kZmqEndpointHelp) + ", got " + inQuotes(f.endpoint));
    }
    if (!f.topics.empty() && f.kind != FeedKind::kZmqSub) {
      d.invalid(at + ".topics", "only allowed for kind zmq_sub");
    }
  }
}

void writeFeeds(ConfigWriter& w, const std::vector<FeedConfig>& feeds) {
  w.beginList("feeds", feeds.empty());
  for (const FeedConfig& f : feeds) {
    w.beginItem();
    w.string("name", f.name);
    w.name("kind", feedKindName(f.kind));
    w.string("endpoint", f.endpoint);
    w.boolean("bind", f.bind);
    w.strings("topics", f.topics);
    w.integer("rcvhwm", f.rcvhwm);
    w.endItem();
  }
  w.endList();
}

}  // namespace casewatch
