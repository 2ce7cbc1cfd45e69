#include "models/recurring_matter/category_baseline.h"

#include <cmath>

namespace casewatch {

CategoryBaseline::CategoryBaseline(double prior_mean, double prior_weight, double half_life_days)
    : prior_mean_(prior_mean), prior_weight_(prior_weight), half_life_days_(half_life_days) {}

uint32_t CategoryBaseline::seriesOf(uint32_t region, uint32_t category) {
  const uint64_t key = (uint64_t{region} << 32) | category;
  auto [it, fresh] = index_.try_emplace(key, static_cast<uint32_t>(series_.size()));
  if (fresh) series_.push_back(Series{region, category, 0, 0, 0});
  return it->second;
}

double CategoryBaseline::decay(const Series& s, int64_t day) const {
  if (day <= s.day) return 1.0;
  return std::exp2(-static_cast<double>(day - s.day) / half_life_days_);
}

void CategoryBaseline::complete(uint32_t series, int returns, int64_t day) {
  Series& s = series_[series];
  const double f = decay(s, day);
  s.matters = s.matters * f + 1;
  s.returns = s.returns * f + returns;
  if (day > s.day) s.day = day;
}

double CategoryBaseline::mean90(uint32_t series, int64_t day) const {
  const Series& s = series_[series];
  const double f = decay(s, day);
  return (s.returns * f + prior_weight_ * prior_mean_) / (s.matters * f + prior_weight_);
}

double CategoryBaseline::weight(uint32_t series, int64_t day) const {
  const Series& s = series_[series];
  return s.matters * decay(s, day);
}

void CategoryBaseline::adopt(const CategoryBaseline& other) {
  for (const Series& o : other.series_) {
    Series& s = series_[seriesOf(o.region, o.category)];
    s.matters = o.matters;
    s.returns = o.returns;
    s.day = o.day;
  }
}

void CategoryBaseline::clear() {
  index_ = {};
  series_.clear();
}

void CategoryBaseline::save(ArchiveOut& out) const {
  out.pods(series_);
}

bool CategoryBaseline::load(ArchiveIn& in) {
  clear();
  if (!in.pods(series_)) return false;
  for (uint32_t i = 0; i < series_.size(); ++i) {
    index_.emplace((uint64_t{series_[i].region} << 32) | series_[i].category, i);
  }
  return in.ok();
}

}  // namespace casewatch
