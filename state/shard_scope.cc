#include "state/shard_scope.h"

#include <sodium.h>

#include <algorithm>

namespace casewatch {
namespace {

// A fixed SipHash key: the keys must be the same in every build and run (they are in snapshots);
// they only need to spread case ids, not to hide them (a case id is no person's).
constexpr unsigned char kForeignCaseKey[16] = {'c', 'w', '-', 's', 'h', 'a', 'r', 'd'};

uint32_t dayOf(TimeMs ts) {
  return static_cast<uint32_t>(std::max<TimeMs>(ts, 0) / kMsPerDay);
}

}  // namespace

bool ShardScope::watchesRegion(std::string_view region) const {
  if (prefixes_.empty()) return true;
  return std::any_of(prefixes_.begin(), prefixes_.end(),
                     [&](const std::string& p) { return region.starts_with(p); });
}

uint64_t ShardScope::keyOf(std::string_view case_id) {
  uint64_t k = 0;
  crypto_shorthash(reinterpret_cast<unsigned char*>(&k),
                   reinterpret_cast<const unsigned char*>(case_id.data()), case_id.size(),
                   kForeignCaseKey);
  return k;
}

void ShardScope::rememberForeign(std::string_view case_id, TimeMs ts) {
  uint32_t& day = foreign_[keyOf(case_id)];
  day = std::max(day, dayOf(ts));
}

bool ShardScope::foreignCase(std::string_view case_id, TimeMs ts) {
  if (foreign_.empty()) return false;
  auto it = foreign_.find(keyOf(case_id));
  if (it == foreign_.end()) return false;
  it->second = std::max(it->second, dayOf(ts));
  return true;
}

size_t ShardScope::forgetIdle(TimeMs before) {
  const uint32_t day = dayOf(before);
  return absl::erase_if(foreign_, [day](const auto& kv) { return kv.second < day; });
}

void ShardScope::save(ArchiveOut& out) const {
  // Sorted, so that the same state gives the same bytes.
  std::vector<std::pair<uint64_t, uint32_t>> entries(foreign_.begin(), foreign_.end());
  std::sort(entries.begin(), entries.end());
  out.count(entries.size());
  for (const auto& [key, day] : entries) {
    out.pod(key);
    out.pod(day);
  }
}

bool ShardScope::load(ArchiveIn& in) {
  size_t n = 0;
  if (!in.count(n, sizeof(uint64_t) + sizeof(uint32_t))) return false;
  foreign_.clear();
  foreign_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const auto key = in.get<uint64_t>();
    foreign_[key] = in.get<uint32_t>();
  }
  return in.ok();
}

}  // namespace casewatch
