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
    "days_since_registration",
    "deadlines_missed",
    "days_late_procedural_reply",
    "days_late_routing",
    "days_late_handling",
    "days_late_review",
    "contacts_30d",
    "contacts_90d",
    "contacts_above_30d",
    "contacts_above_90d",
    "partly_upheld",
    "decision_age_days",
    "decided_within_30d",
};

constexpr size_t kCategoryFirst = 12;
constexpr std::array<std::string_view, 5> kCategories = {"wage_arrears", "demolition", "land",
                                                         "judicial", "social_security"};
constexpr double kMaxOverdueDays = 365;

double toDays(TimeMs t) {
  return static_cast<double>(t) / static_cast<double>(kMsPerDay);
}

constexpr TimeMs kRecentWindow = 90 * kMsPerDay;

Level levelOr(Level l) {
  return l == Level::kUnknown ? Level::kCounty : l;
}

// The slot of a step in History::late.
size_t lateSlot(Step s) {
  return s == Step::kRecheck ? 3 : static_cast<size_t>(s);
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

double EscalationFeatureBuilder::deadlineDays(const Case& c, Step s) const {
  switch (s) {
    case Step::kProceduralReply:
      return clocks_.procedural_reply_days;
    case Step::kRouting:
      return clocks_.routing_days;
    case Step::kHandling:
      return clocks_.handling_days + c.extension_days;
    case Step::kReview:
      return clocks_.review_days;
    case Step::kRecheck:
      return clocks_.recheck_days;
  }
  return 0;
}

EscalationFeatureBuilder::EscalationFeatureBuilder(const ClocksConfig& clocks,
                                                   double visit_half_life_days)
    : clocks_(clocks), decay_per_day_(std::log(2.0) / std::max(visit_half_life_days, 1e-9)) {}

void EscalationFeatureBuilder::contact(uint64_t key, TimeMs at, Level level) {
  const double t = toDays(at);
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
  // The window of recent contacts, in time order (a late arrival takes its place).
  auto& r = m.recent;
  const TimeMs newest = r.empty() ? at : std::max(r.back().at, at);
  auto old = std::find_if(r.begin(), r.end(),
                          [&](const Contact& c) { return c.at > newest - kRecentWindow; });
  r.erase(r.begin(), old);
  if (at <= newest - kRecentWindow) return;
  auto pos =
      std::upper_bound(r.begin(), r.end(), at, [](TimeMs a, const Contact& c) { return a < c.at; });
  r.insert(pos, Contact{at, level});
}

void EscalationFeatureBuilder::observe(const CaseEvent& ev, const CaseUpdate& u,
                                       const CaseStore& cases) {
  if (ev.type == EventType::kVisit) {
    if (!ev.matter.empty()) contact(escalationMatterKey(ev.matter), ev.ts, ev.level);
    return;
  }
  if (u.index == kNoCase) return;
  if (ev.type == EventType::kRegistered) {
    if (u.conflict || ev.matter.empty()) return;
    const uint64_t key = escalationMatterKey(ev.matter);
    contact(key, ev.ts, ev.level);
    matters_[key].cases.push_back(u.index);
    return;
  }
  if (u.conflict) return;
  const Case& c = cases.at(u.index);
  // The handling history: the steps this event did, against their deadlines; its decision.
  if (c.open() && (u.satisfied_steps != 0 || ev.type == EventType::kReplied ||
                   ev.type == EventType::kReviewDecided || ev.type == EventType::kRecheckDecided)) {
    History& h = history_[u.index];
    for (size_t k = 0; k < kStepCount; ++k) {
      if (!(u.satisfied_steps & (1u << k))) continue;
      const auto s = static_cast<Step>(k);
      const TimeMs start =
          (u.started_steps & (1u << k)) && u.restarted_from != 0 ? u.restarted_from : c.start(s);
      if (start == 0) continue;
      const double late = toDays(ev.ts - start) - deadlineDays(c, s);
      if (late <= 0) continue;
      float& slot = h.late[lateSlot(s)];
      slot = static_cast<float>(std::min<double>(slot + late, kMaxOverdueDays));
      ++h.missed;
    }
    if (ev.type == EventType::kReplied || ev.type == EventType::kReviewDecided ||
        ev.type == EventType::kRecheckDecided) {
      h.decided_at = std::max(h.decided_at, ev.ts);
    }
  }
  const bool was_open = u.stage_before != Stage::kClosed && u.stage_before != Stage::kRejected;
  if (was_open == c.open()) return;
  if (!c.open()) history_.erase(u.index);
  auto it = matters_.find(escalationMatterKey(cases.strings().name(c.matter)));
  if (it == matters_.end()) return;
  auto& v = it->second.cases;
  if (c.open()) {  // reopened
    if (std::find(v.begin(), v.end(), u.index) == v.end()) v.push_back(u.index);
  } else {
    v.erase(std::remove(v.begin(), v.end(), u.index), v.end());
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

  const MatterState* matter = nullptr;
  if (auto it = matters_.find(escalationMatterKey(strings.name(c.matter))); it != matters_.end()) {
    const MatterState& m = it->second;
    matter = &m;
    f[0] = t <= m.t_last ? m.excitation : m.excitation * std::exp(-decay_per_day_ * (t - m.t_last));
  }
  const History* h = nullptr;
  if (auto it = history_.find(i); it != history_.end()) h = &it->second;
  std::array<double, 4> late{};
  double missed = 0;
  if (h != nullptr) {
    for (size_t k = 0; k < late.size(); ++k) late[k] = h->late[k];
    missed = h->missed;
  }
  double overdue = 0;
  for (size_t k = 0; k < kStepCount; ++k) {
    const auto s = static_cast<Step>(k);
    if (!c.pending(s)) continue;
    const double over = t - toDays(c.start(s)) - deadlineDays(c, s);
    overdue = std::max(overdue, over);
    if (over > 0) {
      late[lateSlot(s)] += over;
      missed += 1;
    }
  }
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
  f[19] = std::clamp(t - toDays(c.registered_at), 0.0, kMaxOverdueDays);
  f[20] = missed;
  for (size_t k = 0; k < late.size(); ++k) f[21 + k] = std::min(late[k], kMaxOverdueDays);
  if (matter != nullptr) {
    const Level own = levelOr(c.level);
    for (const Contact& k : matter->recent) {
      if (k.at > now || k.at <= now - kRecentWindow) continue;
      const bool above = levelOr(k.level) > own;
      const bool last30 = k.at > now - 30 * kMsPerDay;
      f[above ? 27 : 25] += last30 ? 1 : 0;
      f[above ? 28 : 26] += 1;
    }
  }
  f[29] = c.last_outcome == Outcome::kPartlyUpheld ? 1 : 0;
  if (h != nullptr && h->decided_at != 0) {
    const double age = std::clamp(t - toDays(h->decided_at), 0.0, kMaxOverdueDays);
    f[30] = age;
    f[31] = age <= 30 ? 1 : 0;
  }
}

void EscalationFeatureBuilder::rebuild(const CaseStore& cases, const VisitLog* visits) {
  matters_.clear();
  for (CaseIndex i = 0; i < cases.size(); ++i) {
    const Case& c = cases.at(i);
    if (c.matter == 0) continue;
    const uint64_t key = escalationMatterKey(cases.strings().name(c.matter));
    contact(key, c.registered_at, c.level);
    if (c.open()) matters_[key].cases.push_back(i);
  }
  // The visits too, as observe() took them (contact() is exact in any order).
  if (visits != nullptr) {
    for (const VisitRecord& v : visits->visits()) {
      contact(escalationMatterKey(cases.strings().name(v.matter)), v.ts, v.level);
    }
  }
  // The handling histories stay (the case state cannot give them back), for the open cases.
  absl::erase_if(history_, [&](const auto& e) {
    return e.first >= cases.size() || !cases.at(e.first).open();
  });
}

}  // namespace casewatch
