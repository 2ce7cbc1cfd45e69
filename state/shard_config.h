// shard: which cases this daemon watches, by the region code they carry (issue 15, item 3). A
// county, city or province runs its own casewatchd on a feed that may carry other regions' events
// too; the daemon keeps only the cases whose region code starts with one of `regions` and counts
// the rest as skipped (state/shard_scope.h). Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>
#include <vector>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct ShardConfig {
  // Region-code prefixes (digits, e.g. "3301" for a city, "33" for a province); empty = every
  // region (one daemon watching the whole feed).
  std::vector<std::string> regions;
  // A case registered in another shard's region is remembered (by a 64-bit hash of its id) so
  // that its later events, which carry no region, are skipped too; it is forgotten once no event
  // came for it in this many days (a later one is then held as an orphan, as for an unknown case).
  int forget_foreign_after_days = 400;
  friend bool operator==(const ShardConfig&, const ShardConfig&) = default;
};

void decodeConfig(MapReader& r, ShardConfig& c);
void validateConfig(ConfigDecoder& d, const std::string& path, const ShardConfig& c);
void writeConfig(ConfigWriter& w, const ShardConfig& c);

}  // namespace casewatch
