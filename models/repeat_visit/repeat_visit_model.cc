// The repeat_visit model's life: construction, clearing, the clock (resolutions and matter
// re-checks fall due on a time-ordered queue) and its size. Contacts, matters, signals and the
// rebuild each have their own file beside this one.
#include "models/repeat_visit/repeat_visit_model.h"

#include <algorithm>
#include <functional>

namespace casewatch {

RepeatVisitModel::RepeatVisitModel(const RepeatVisitConfig& config, int utc_offset_minutes)
    : config_(config),
      hawkes_{config.hawkes_mu, config.hawkes_alpha, config.hawkes_beta},
      offset_ms_(TimeMs{utc_offset_minutes} * kMsPerMinute) {}

absl::StatusOr<std::unique_ptr<Model>> RepeatVisitModel::create(const RepeatVisitConfig& config,
                                                                const ClocksConfig& clocks) {
  return std::unique_ptr<Model>(new RepeatVisitModel(config, clocks.utc_offset_minutes));
}

int64_t RepeatVisitModel::localDay(TimeMs t) const {
  return casewatch::localDay(t, offset_ms_);
}

void RepeatVisitModel::clear() {
  pairs_.clear();
  alerted_ = {};
  matters_ = {};
  open_matters_ = 0;
  queue_ = {};
}

void RepeatVisitModel::advanceTo(TimeMs now, ModelContext& ctx) {
  if (now <= now_) return;
  now_ = now;
  scheduleRefit();
  pairs_.rotateIfDue(localDay(now_));
  while (!queue_.empty() && queue_.top().at <= now_) {
    const Due d = queue_.top();
    queue_.pop();
    if (d.matter) {
      auto it = matters_.find(d.key);
      if (it == matters_.end()) continue;
      MatterState& m = it->second;
      if (m.queued_day < 0 || d.at != m.queued_day * kMsPerDay - offset_ms_) continue;  // stale
      m.queued_day = -1;
      evaluateMatter(d.key, m, ctx);
      if (m.persons.empty() && m.tier == Tier::kNone && m.queued_day < 0) matters_.erase(it);
      continue;
    }
    auto it = alerted_.find(d.key);
    if (it == alerted_.end()) continue;
    const TimeMs due = resolveDue(it->second.track);
    if (due > now_) {
      queue_.push(Due{due, d.key, false});
      continue;
    }
    emitPerson(it->second, Tier::kNone, ctx);
    Track t = it->second.track;
    t.tier = Tier::kNone;
    alerted_.erase(it);
    pairs_.setValue(d.key, std::move(t));
  }
}

size_t RepeatVisitModel::approximateBytes() const {
  size_t bytes = pairs_.approximateBytes();
  bytes += alerted_.capacity() * (sizeof(std::pair<uint64_t, Alerted>) + 1);
  bytes += matters_.capacity() * (sizeof(std::pair<uint64_t, MatterState>) + 1);
  bytes += queue_.size() * sizeof(Due);
  return bytes;
}

}  // namespace casewatch
