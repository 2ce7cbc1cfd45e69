#include "connectors/feed_config.h"

#include <map>

#include "config/config_reader.h"
#include "config/config_writer.h"

namespace casewatch {
namespace {

const FeedKindConfig* kindNamed(const FeedKinds& kinds, std::string_view name) {
  for (const FeedKindConfig* k : kinds) {
    if (k->name == name) return k;
  }
  return nullptr;
}

void decodeFeed(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                const FeedKinds& kinds, FeedConfig& f) {
  MapReader r(d, n, path);
  r.read("name", f.name);
  // `kind:` as an enum over the table's names, so a bad one fails with the same message as every
  // enum; the item's other keys are then read as the default kind's (as before the table).
  EnumTable<const FeedKindConfig*> names;
  for (const FeedKindConfig* k : kinds) names.emplace_back(k->name, k);
  const FeedKindConfig* kind = kinds.front();
  r.read("kind", kind, names);
  f.kind = std::string(kind->name);
  r.read("endpoint", f.endpoint);
  if (kind->decode != nullptr) kind->decode(r, f);
}

}  // namespace

void decodeFeeds(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                 const FeedKinds& kinds, std::vector<FeedConfig>& feeds) {
  decodeList(d, n, path, feeds, [&](const ConfigNode& item, const std::string& p, FeedConfig& f) {
    decodeFeed(d, item, p, kinds, f);
  });
}

void validateFeeds(ConfigDecoder& d, const std::string& path, const FeedKinds& kinds,
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
    if (f.endpoint.empty()) d.invalid(at + ".endpoint", "must not be empty");
    const FeedKindConfig* kind = kindNamed(kinds, f.kind);
    if (kind != nullptr && kind->validate != nullptr) kind->validate(d, at, f);
  }
}

void writeFeeds(ConfigWriter& w, const FeedKinds& kinds, const std::vector<FeedConfig>& feeds) {
  w.beginList("feeds", feeds.empty());
  for (const FeedConfig& f : feeds) {
    w.beginItem();
    w.string("name", f.name);
    w.name("kind", f.kind);
    w.string("endpoint", f.endpoint);
    const FeedKindConfig* kind = kindNamed(kinds, f.kind);
    if (kind != nullptr && kind->write != nullptr) kind->write(w, f);
    w.endItem();
  }
  w.endList();
}

}  // namespace casewatch
