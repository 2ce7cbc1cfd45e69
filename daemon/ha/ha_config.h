// ha: two casewatchd replicas sharing one PostgreSQL alert store (issue 15, item 2). Both compute
// the same alerts; only the leader, the replica holding a PostgreSQL advisory lock
// (daemon/ha/leader_election.h), makes the side effects that must happen once. Restart-only, like
// store.*. Documented key by key in config/casewatch.yaml.
#pragma once

#include <string>

namespace casewatch {

class ConfigDecoder;
class ConfigWriter;
class MapReader;

struct HaConfig {
  // Off: a lone daemon, always the leader (no election, no lock).
  bool enabled = false;
  // The bound on a takeover: a dead leader's PostgreSQL session is noticed (TCP keepalives and
  // tcp_user_timeout on the election's connection) and its lock freed within this many seconds,
  // and the follower, trying every second, takes the lock.
  int takeover_seconds = 10;
  // This replica's name in logs and metrics (e.g. "a", "db-host-2"); "" = the host name.
  std::string replica;
  friend bool operator==(const HaConfig&, const HaConfig&) = default;
};

void decodeConfig(MapReader& r, HaConfig& c);
// Its own keys only; `ha.enabled` needing `store.kind: postgresql` is checked with the store
// (daemon/daemon_config.cc), which this section does not own.
void validateConfig(ConfigDecoder& d, const std::string& path, const HaConfig& c);
void writeConfig(ConfigWriter& w, const HaConfig& c);

}  // namespace casewatch
