// The recurring_matter model's baseline: per (region, category), how many return days an ordinary
// matter draws in the first 90 days after its first contact, learnt from the matters that
// completed those 90 days (recently completed ones weigh more) and shrunk toward a configured
// prior while the region's category has few of its own.
//
//   mean₉₀(series, day) = (Σ f·returns + w₀·m₀) / (Σ f + w₀),  f = 2^(−(day − completed)/half-life)
//
// with m₀ = prior_returns_90d and w₀ = prior_matters. A matter that raised a recurring_matter
// alert in its first 90 days is left out, so that the signal does not raise its own baseline.
//
// Memory: one 32-byte series per (region, category) seen; the decay is applied when a series is
// read or added to (no daily pass). Owned by one model; not thread-safe (the pipeline's thread).
#pragma once

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/state_archive.h"

namespace casewatch {

class CategoryBaseline {
 public:
  CategoryBaseline(double prior_mean, double prior_weight, double half_life_days);

  // The series of (region, category) (CaseStore::strings() ids; 0 = unknown), created if new.
  uint32_t seriesOf(uint32_t region, uint32_t category);
  // A matter of `series` completed its first 90 days on local day `day` with `returns` return days.
  void complete(uint32_t series, int returns, int64_t day);
  // The expected return days of a matter of `series` in its first 90 days, as of `day`.
  double mean90(uint32_t series, int64_t day) const;
  // Completed matters behind the series' mean (decayed weight), for the alert's reasons.
  double weight(uint32_t series, int64_t day) const;

  uint32_t region(uint32_t series) const { return series_[series].region; }
  uint32_t category(uint32_t series) const { return series_[series].category; }
  size_t size() const { return series_.size(); }
  // Takes the figures of every series of `other` (a reload's previous baseline), by (region,
  // category); series it does not have keep theirs.
  void adopt(const CategoryBaseline& other);
  void clear();

  void save(ArchiveOut& out) const;
  bool load(ArchiveIn& in);

 private:
  struct Series {
    uint32_t region = 0;
    uint32_t category = 0;
    double matters = 0;  // decayed to `day`
    double returns = 0;
    int64_t day = 0;
  };
  double decay(const Series& s, int64_t day) const;

  double prior_mean_, prior_weight_, half_life_days_;
  absl::flat_hash_map<uint64_t, uint32_t> index_;
  std::vector<Series> series_;
};

}  // namespace casewatch
