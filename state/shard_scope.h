// Which cases this daemon watches when it is one regional shard among several (issue 15, item 3):
// the region-code prefixes of `shard.regions`, and the cases known to belong to another shard.
//
// A case.registered or a visit carries its region and is judged by it. Every other event carries
// only a case id: a case in the state is watched (it was registered in scope); a case remembered
// here as foreign (its case.registered was out of scope) is skipped; any other case is unknown and
// its event is held as an orphan as on an unsharded daemon (daemon/pipeline.cc). Foreign cases are
// kept as 64-bit SipHash keys of their ids (no id, no person) with the day of their last event, a
// 17-byte hash-table slot each, and forgotten after `forget_foreign_after_days` without one.
//
// Not thread-safe: owned by the pipeline's thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/state_archive.h"
#include "base/time.h"

namespace casewatch {

class ShardScope {
 public:
  explicit ShardScope(std::vector<std::string> prefixes = {}) : prefixes_(std::move(prefixes)) {}

  // No prefixes: every region is watched (and nothing is ever skipped).
  bool watchesAll() const { return prefixes_.empty(); }
  bool watchesRegion(std::string_view region) const;
  const std::vector<std::string>& prefixes() const { return prefixes_; }

  // A case registered out of scope at `ts`: its later events are skipped.
  void rememberForeign(std::string_view case_id, TimeMs ts);
  // Whether the case is a remembered foreign one; if so its idle clock restarts at `ts`.
  bool foreignCase(std::string_view case_id, TimeMs ts);
  // Forgets the foreign cases with no event since `before`; returns how many.
  size_t forgetIdle(TimeMs before);
  size_t foreignCases() const { return foreign_.size(); }

  // Snapshot (base/state_archive.h): the foreign cases. The prefixes are configuration.
  void save(ArchiveOut& out) const;
  bool load(ArchiveIn& in);

 private:
  static uint64_t keyOf(std::string_view case_id);

  std::vector<std::string> prefixes_;
  absl::flat_hash_map<uint64_t, uint32_t> foreign_;  // key -> day (event time) of the last event
};

}  // namespace casewatch
