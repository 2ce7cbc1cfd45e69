#include "models/escalation_risk/escalation_features.h"

#include "base/hash.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace casewatch {
namespace {

constexpr std::array<std::string_view, kEscalationFeatureCount> kNames = {
    "visit_intensity",
    "days_overdue",
    "not_upheld",
    "review_requested",
    "log_group_size",
    "level_gap",
    "leader_assigned",
    "hearing_held",
    "aid_granted",
    "channel_visit",
    "channel_online",
    "channel_phone",
    "category_wage_arrears",
    "category_demolition",
    "category_land",
    "category_judicial",
    "category_social_security",
    "decided",
    "handling_days",
};

constexpr size_t kCategoryFirst = 12;
constexpr std::array<std::string_view, 5> kCategories = {"wage_arrears", "demolition", "land",
                                                         "judicial", "social_security"};
constexpr double kMaxOverdueDays = 365;

double toDays(TimeMs t) {
  return static_cast<double>(t) / static_cast<double>(kMsPerDay);
}

}  // namespace

const std::array<std::string_view, kEscalationFeatureCount>& escalationFeatureNames() {
  return kNames;
}

int escalationFeatureIndex(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<int>(i);
  }
  return -1;
}

uint64_t escalationMatterKey(std::string_view matter) {
  return hashText(matter, 0x6573636d61747472ULL);
}

EscalationFeatureBuilder::EscalationFeatureBuilder(const ClocksConfig& clocks,
                                                   double visit_half_life_days)
    : clocks_(clocks), decay_per_day_(std::log(2.0) / std::max(visit_half_life_days, 1e-9)) {}

void EscalationFeatureBuilder::contact(uint64_t key, double t) {
  MatterState& m = matters_[key];
  if (m.excitation == 0) {
    m.excitation = 1;
    m.t_last = t;
  } else if (t >= m.t_last) {
    m.excitation = m.excitation * std::exp(-decay_per_day_ * (t - m.t_last)) + 1;
    m.t_last = t;
  } else {  // a late arrival: exact all the same
    m.excitation += std::exp(-decay_per_day_ * (m.t_last - t));
  }
}

void EscalationFeatureBuilder::observe(const CaseEvent& ev, const CaseUpdate& u,
                                       const CaseStore& cases) {
  if (ev.type == EventType::kVisit) {
    if (!ev.matter.empty()) contact(escalationMatterKey(ev.matter), toDays(ev.ts));
    return;
  }
  if (u.index == kNoCase) return;
  if (ev.type == EventType::kRegistered) {
    if (u.conflict || ev.matter.empty()) return;
    const uint64_t key = escalationMatterKey(ev.matter);
    contact(key, toDays(ev.ts));
    matters_[key].cases.push_back(u.index);
    return;
  }
  const Case& c = cases.at(u.index);
  const bool was_open = u.stage_before != Stage::kClosed && u.stage_before != Stage::kRejected;
  if (was_open == c.open()) return;
  auto it = matters_.find(escalationMatterKey(cases.strings().name(c.matter)));
  if (it == matters_.end()) return;
  std::vector<CaseIndex>& v = it->second.cases;
  if (c.open()) {  // reopened
    if (std::find(v.begin(), v.end(), u.index) == v.end()) v.push_back(u.index);
  } else {
    std::erase(v, u.index);
  }
}

std::span<const CaseIndex> EscalationFeatureBuilder::casesOfMatter(std::string_view matter) const {
  auto it = matters_.find(escalationMatterKey(matter));
  if (it == matters_.end()) return {};
  return it->second.cases;
}

void EscalationFeatureBuilder::compute(const CaseStore& cases, CaseIndex i, TimeMs now,
                                       EscalationFeatures& f) const {
  f.fill(0);
  const Case& c = cases.at(i);
  const StringInterner& strings = cases.strings();
  const double t = toDays(now);

  if (auto it = matters_.find(escalationMatterKey(strings.name(c.matter))); it != matters_.end()) {
    const MatterState& m = it->second;
    f[0] = t <= m.t_last ? m.excitation : m.excitation * std::exp(-decay_per_day_ * (t - m.t_last));
  }
  double overdue = 0;
  auto consider = [&](Step s, int days) {
    if (!c.pending(s)) return;
    overdue = std::max(overdue, t - toDays(c.start(s)) - days);
  };
  consider(Step::kProceduralReply, clocks_.procedural_reply_days);
  consider(Step::kRouting, clocks_.routing_days);
  consider(Step::kHandling, clocks_.handling_days + c.extension_days);
  consider(Step::kReview, clocks_.review_days);
  consider(Step::kRecheck, clocks_.recheck_days);
  f[1] = std::min(overdue, kMaxOverdueDays);
  f[2] = c.last_outcome == Outcome::kNotUpheld ? 1 : 0;
  f[3] = c.start(Step::kReview) != 0 || c.start(Step::kRecheck) != 0 || c.stage == Stage::kReview ||
                 c.stage == Stage::kRecheck
             ? 1
             : 0;
  f[4] = std::log(static_cast<double>(std::max<uint32_t>(c.group_size, 1)));
  const Level competent = c.competent_level != Level::kUnknown ? c.competent_level : Level::kCounty;
  if (c.level != Level::kUnknown && c.level > competent) {
    f[5] = static_cast<double>(static_cast<int>(c.level) - static_cast<int>(competent));
  }
  f[6] = c.leader != 0 ? 1 : 0;
  f[7] = (c.flags & Case::kHearingHeld) ? 1 : 0;
  f[8] = (c.flags & Case::kAidGranted) ? 1 : 0;
  f[9] = c.channel == Channel::kVisit ? 1 : 0;
  f[10] = c.channel == Channel::kOnline ? 1 : 0;
  f[11] = c.channel == Channel::kPhone ? 1 : 0;
  f[17] = c.last_outcome != Outcome::kUnknown ? 1 : 0;
  if (c.pending(Step::kHandling)) {
    f[18] = std::clamp(t - toDays(c.start(Step::kHandling)), 0.0, kMaxOverdueDays);
  }
  const std::string_view category = strings.name(c.category);
  for (size_t k = 0; k < kCategories.size(); ++k) {
    if (category == kCategories[k]) f[kCategoryFirst + k] = 1;
  }
}

void EscalationFeatureBuilder::rebuild(const CaseStore& cases, const VisitLog* visits) {
  matters_.clear();
  for (CaseIndex i = 0; i < cases.size(); ++i) {
    const Case& c = cases.at(i);
    if (c.matter == 0) continue;
    const uint64_t key = escalationMatterKey(cases.strings().name(c.matter));
    contact(key, toDays(c.registered_at));
    if (c.open()) matters_[key].cases.push_back(i);
  }
  // The visits too, as observe() took them (contact() is exact in any order).
  if (visits == nullptr) return;
  for (const VisitRecord& v : visits->visits()) {
    contact(escalationMatterKey(cases.strings().name(v.matter)), toDays(v.ts));
  }
}

}  // namespace casewatch
