// Matter alerts: the persons who each return often enough on one matter, how long each still
// counts, and the tier the matter reaches from their number.
#include "models/repeat_visit/repeat_visit_model.h"

#include <algorithm>
#include <cstdint>

namespace casewatch {

void RepeatVisitModel::updateMatter(const Track& t, const ContactInfo* info, ModelContext& ctx) {
  const int64_t nth = t.returns.nthLatest(config_.matter_min_returns_90d);
  if (nth < 0) return;
  auto [it, fresh] = matters_.try_emplace(t.matter);
  MatterState& m = it->second;
  if (fresh || (m.matter.empty() && info != nullptr)) {
    if (info != nullptr) {
      m.matter = std::string(info->matter);
      m.region = std::string(info->region);
      m.category = std::string(ctx.cases.strings().name(t.category));
    }
  }
  const int64_t until = nth + 89;
  bool found = false;
  for (MatterPerson& p : m.persons) {
    if (p.person == t.person) {
      p.until_day = std::max(p.until_day, until);
      found = true;
    }
  }
  if (!found) m.persons.push_back(MatterPerson{t.person, until});
  evaluateMatter(t.matter, m, ctx);
  if (m.persons.empty() && m.tier == Tier::kNone && m.queued_day < 0) matters_.erase(t.matter);
}

void RepeatVisitModel::evaluateMatter(uint64_t key, MatterState& m, ModelContext& ctx) {
  const int64_t today = localDay(now_);
  std::erase_if(m.persons, [&](const MatterPerson& p) { return p.until_day < today; });
  const int n = static_cast<int>(m.persons.size());
  const int need = config_.matter_min_persons;
  Tier tier = Tier::kNone;
  if (n >= need) {
    tier = n >= 4 * need ? Tier::kRed : n >= 2 * need ? Tier::kOrange : Tier::kYellow;
    tier = std::max(tier, m.tier);  // held while open
  }
  if (tier != Tier::kNone || m.tier != Tier::kNone) emitMatter(m, n, tier, ctx);
  if (!m.persons.empty()) {
    int64_t next = INT64_MAX;
    for (const MatterPerson& p : m.persons) next = std::min(next, p.until_day + 1);
    if (m.queued_day < 0 || next < m.queued_day) {
      m.queued_day = next;
      queue_.push(Due{next * kMsPerDay - offset_ms_, key, true});
    }
  }
}

}  // namespace casewatch
