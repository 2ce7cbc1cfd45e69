// Per-region figures that one model publishes for the others (today: the key_case model's ledger
// size, read by the stability model). Models do not read each other's state; what they share goes
// through here or through signals (Model::onSignal).
//
// Owned by the pipeline and kept across reloads (a rebuilt model publishes its figures again).
// Not thread-safe: used from the pipeline's thread only, like the models.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/state_archive.h"

namespace casewatch {

class RegionBoard {
 public:
  // The number of cases on the key-case ledger in `region`.
  void setKeyCases(std::string_view region, int64_t count) {
    auto it = key_cases_.find(absl::string_view(region.data(), region.size()));
    if (it == key_cases_.end()) {
      it = key_cases_.emplace(std::string(region), 0).first;
    } else if (it->second == count) {
      return;
    }
    it->second = count;
    changed_.push_back(it->first);
  }
  int64_t keyCases(std::string_view region) const {
    auto it = key_cases_.find(absl::string_view(region.data(), region.size()));
    return it == key_cases_.end() ? 0 : it->second;
  }
  // fn(region, key cases) for each region whose figures changed since the last drain (a region
  // may come more than once), then forgets them.
  template <typename Fn>
  void drainChanged(Fn&& fn) {
    if (changed_.empty()) return;
    std::vector<std::string> changed;
    changed.swap(changed_);
    for (const std::string& region : changed) fn(std::string_view(region), keyCases(region));
  }

  // Snapshot (base/state_archive.h).
  void save(ArchiveOut& out) const {
    out.count(key_cases_.size());
    for (const auto& [region, n] : key_cases_) {
      out.str(region);
      out.pod(n);
    }
    out.strs(changed_);
  }
  bool load(ArchiveIn& in) {
    key_cases_.clear();
    size_t n = 0;
    if (!in.count(n, 16)) return false;
    std::string region;
    for (size_t i = 0; i < n && in.str(region); ++i) key_cases_[region] = in.get<int64_t>();
    in.strs(changed_);
    return in.ok();
  }

 private:
  absl::flat_hash_map<std::string, int64_t> key_cases_;
  std::vector<std::string> changed_;
};

}  // namespace casewatch
