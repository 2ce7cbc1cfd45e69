// The recurring_matter model's state beyond the per-event path: the snapshot (save/load with the
// exact layout), the rebuild after a reload, and retention's forget.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_set.h"
#include "base/str_cat.h"
#include "models/past_contacts.h"
#include "models/recurring_matter/recurring_matter_model.h"

namespace casewatch {

std::string RecurringMatterModel::stateJson() const {
  // A series is "learnt" once its own completed matters (decayed) outweigh the prior: from then
  // on the region's category judges its matters more than the configured guess does.
  size_t learnt = 0;
  double completed = 0;
  for (uint32_t s = 0; s < baseline_.size(); ++s) {
    const double w = baseline_.weight(s, day_);
    completed += w;
    if (w >= config_.prior_matters) ++learnt;
  }
  nlohmann::json j;
  j["method"] = "negative binomial tails of 30- and 90-day return days";
  j["matters_tracked"] = matters();
  j["waiting_for_baseline"] = waiting();
  j["open_alerts"] = openAlerts();
  j["baseline"] = {{"series", baseline_.size()},
                   {"series_learnt", learnt},
                   {"completed_matters_weight", completed},
                   {"prior_returns_90d", config_.prior_returns_90d},
                   {"prior_matters", config_.prior_matters},
                   {"half_life_days", config_.baseline_half_life_days},
                   {"dispersion_size", config_.dispersion_size}};
  j["gates"] = {{"yellow_p", config_.yellow_p},
                {"orange_p", config_.orange_p},
                {"red_p", config_.red_p},
                {"min_returns_30d", config_.min_returns_30d},
                {"min_returns_90d", config_.min_returns_90d},
                {"quiet_days", config_.quiet_days}};
  return j.dump();
}

bool RecurringMatterModel::saveState(ArchiveOut& out) const {
  out.pod(now_);
  out.pod(day_);
  matters_.save(out, [](ArchiveOut& o, const Track& t) { o.pod(t); });
  out.count(open_.size());
  for (const auto& [key, o] : open_) {
    out.pod(key);
    out.pod(o.track);
    out.str(o.matter);
  }
  baseline_.save(out);
  for (const auto& w : waiting_) out.pods(w);
  out.pods(heapOf(queue_));
  return true;
}

bool RecurringMatterModel::loadState(ArchiveIn& in) {
  clear();
  in.pod(now_);
  in.pod(day_);
  if (!matters_.load(in, [](ArchiveIn& i, Track& t) { return i.pod(t); })) return false;
  size_t n = 0;
  if (!in.count(n, sizeof(uint64_t) + sizeof(Track) + 8)) return false;
  open_.reserve(n);
  for (size_t k = 0; k < n && in.ok(); ++k) {
    const auto key = in.get<uint64_t>();
    Open& o = open_[key];
    in.pod(o.track);
    in.str(o.matter);
  }
  if (!baseline_.load(in)) return false;
  for (auto& w : waiting_) {
    if (!in.pods(w)) return false;
  }
  in.pods(heapOf(queue_));
  return in.ok();
}

void RecurringMatterModel::inherit(const Model& previous) {
  // The baseline learnt from matters the reload's replay may no longer see (registrations beyond
  // the visit log's horizon are in the case state, but older visits are not).
  if (const auto* p = dynamic_cast<const RecurringMatterModel*>(&previous)) {
    inherited_ = p->baseline_;
  }
}

void RecurringMatterModel::rebuild(TimeMs now, ModelContext& ctx) {
  clear();
  now_ = 0;  // replayed on the contacts' own time
  struct LastSignals final : SignalSink {
    absl::flat_hash_map<std::string, Signal> last;
    void emit(Signal&& s) override { last[s.subject_id] = std::move(s); }
  } replayed;
  ModelContext quiet{ctx.cases, replayed, nullptr};
  const StringInterner& strings = ctx.cases.strings();
  forEachPastContact(ctx.cases, ctx.visits, [&](const PastContact& pc) {
    advanceTo(pc.ts, quiet);
    Contact c;
    c.matter = pc.matter;
    c.ts = pc.ts;
    c.region = pc.region.empty() ? 0 : strings.find(pc.region);
    if (pc.index != kNoCase) {
      const Case& k = ctx.cases.at(pc.index);
      c.category = k.category;
      c.agency = k.agency;
      c.channel = pc.visit ? Channel::kVisit : k.channel;
    } else {
      c.channel = Channel::kVisit;
    }
    contact(c, quiet);
  });
  if (inherited_) {
    baseline_.adopt(*inherited_);
    inherited_.reset();
  }
  advanceTo(std::max(now, now_ + 1), quiet);  // resolves what is already quiet
  for (auto& [subject, s] : replayed.last) ctx.signals.emit(std::move(s));
}

void RecurringMatterModel::forget(const ForgottenCases& f, ModelContext& ctx) {
  if (f.cases.empty()) return;
  // The model holds no person and no case: only counts per matter. A purged case's matter is
  // dropped when nothing of it is left in any window (retention purges long-closed cases, whose
  // matters are quiet by then); a matter still active keeps its counts.
  const int64_t today = localDay(now_);
  absl::flat_hash_set<uint64_t> keys;
  for (CaseIndex i : f.cases)
    keys.insert(matterKey(ctx.cases.strings().name(ctx.cases.at(i).matter)));
  auto stale = [&](int64_t latest) { return latest <= today - 90; };
  for (auto it = open_.begin(); it != open_.end();) {
    if (!keys.contains(it->first) || !stale(it->second.track.returns.latest())) {
      ++it;
      continue;
    }
    emit(it->second, Tier::kNone, judge(it->second.track, today), ctx);
    open_.erase(it++);
  }
  matters_.forgetIf([&](uint64_t key, const Slot& slot, const Track* t) {
    if (!keys.contains(key)) return false;
    return stale(t != nullptr ? t->returns.latest() : static_cast<int64_t>(slot.a & 0xffffu));
  });
}

}  // namespace casewatch
