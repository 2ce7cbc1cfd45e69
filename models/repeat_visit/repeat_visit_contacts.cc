// A person's stream of contacts on a matter: the pair table (first contact, then a Track with the
// return days and the Hawkes state), the O(1) update per contact day, the tier it reaches and when
// an open alert may resolve. This is the model's per-event path, kept in one file so that the
// compiler can still inline it (the build has no LTO).
#include "models/repeat_visit/repeat_visit_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/hash.h"
#include "models/repeat_visit/repeat_contacts.h"

namespace casewatch {
namespace {

constexpr uint32_t kAboveBit = 0x80000000u;

uint64_t matterHash(std::string_view matter) {
  return repeatMatterKey(matter);
}

uint64_t pairKey(PersonId person, uint64_t matter) {
  return repeatPairKey(person, matter);
}

uint16_t saturatingInc(uint16_t v) {
  return v == UINT16_MAX ? v : static_cast<uint16_t>(v + 1);
}

}  // namespace

void RepeatVisitModel::onEvent(const CaseEvent& ev, const CaseUpdate& u, ModelContext& ctx) {
  if (!isRepeatContact(ev, u)) return;  // models/repeat_visit/repeat_contacts.h
  now_ = std::max(now_, ev.ts);
  scheduleRefit();
  pairs_.rotateIfDue(localDay(now_));

  contacts(ev.persons, ev.matter, ev.region, ev.level, u.index, ev.ts, ctx);
}

void RepeatVisitModel::contacts(std::span<const PersonId> persons, std::string_view matter,
                                std::string_view region, Level level, CaseIndex index, TimeMs ts,
                                ModelContext& ctx) {
  const StringInterner& strings = ctx.cases.strings();
  const Case* c = index != kNoCase ? &ctx.cases.at(index) : nullptr;
  const bool above = repeatContactAbove(level, c);
  ContactInfo info;
  info.matter = matter;
  info.region = region;
  if (c != nullptr) {
    info.agency = strings.name(c->agency);
    info.category = c->category;
    if (info.region.empty()) info.region = strings.name(c->region);
  }
  for (PersonId p : persons) contact(p, info, ts, above, ctx);
}

void RepeatVisitModel::contact(PersonId person, const ContactInfo& info, TimeMs ts, bool above,
                               ModelContext& ctx) {
  const uint64_t matter = matterHash(info.matter);
  const uint64_t key = pairKey(person, matter);
  const int64_t day = localDay(ts);
  const auto minute = static_cast<int32_t>(floorDiv(ts, kMsPerMinute));
  const double weight = above ? config_.above_level_weight : 1.0;

  bool alerted = false;
  std::optional<PairSlot> first;
  Track* t = findPair(key, alerted, first);
  if (t == nullptr) {
    if (!first) {
      pairs_.setLight(
          key, PairSlot{static_cast<uint32_t>(minute) | (above ? kAboveBit : 0u), info.category});
      return;
    }
    const auto first_minute = static_cast<int32_t>(first->a & ~kAboveBit);
    const bool first_above = (first->a & kAboveBit) != 0;
    const uint32_t category = first->b != 0 ? first->b : info.category;
    const int64_t first_day = localDay(TimeMs{first_minute} * kMsPerMinute);
    if (first_day == day) {  // the same trip: still one contact day
      if (first->b == 0 && category != 0) pairs_.setLight(key, PairSlot{first->a, category});
      return;
    }
    Track fresh;
    fresh.person = person;
    fresh.matter = matter;
    fresh.first_day = static_cast<uint16_t>(first_day);
    fresh.category = category;
    fresh.excitation = static_cast<float>(first_above ? config_.above_level_weight : 1.0);
    fresh.t_last_min = first_minute;
    if (first_above) fresh.above_level = 1;
    t = &pairs_.setValue(key, std::move(fresh));
  }
  if (t->category == 0) t->category = info.category;
  if (day == t->first_day || !t->returns.set(day)) return;  // a contact day already counted

  // The O(1) Hawkes update (models/stats/hawkes.h), on the compact state.
  const double t_new = static_cast<double>(minute) / (24 * 60);
  const double t_last = static_cast<double>(t->t_last_min) / (24 * 60);
  if (t_new >= t_last) {
    t->excitation =
        static_cast<float>(t->excitation * std::exp(-hawkes_.beta * (t_new - t_last)) + weight);
    t->t_last_min = minute;
  } else {
    t->excitation += static_cast<float>(weight * std::exp(-hawkes_.beta * (t_last - t_new)));
  }
  t->returns_total = saturatingInc(t->returns_total);
  if (above) t->above_level = saturatingInc(t->above_level);

  const Tier computed = tierOf(*t);
  if (alerted) {
    Alerted& a = alerted_.find(key)->second;
    if (a.category.empty()) a.category = std::string(ctx.cases.strings().name(t->category));
    emitPerson(a, std::max(a.track.tier, computed), ctx);
  } else if (computed != Tier::kNone) {
    Alerted a;
    a.track = *t;
    a.matter = std::string(info.matter);
    a.region = std::string(info.region);
    a.agency = std::string(info.agency);
    a.category = std::string(ctx.cases.strings().name(t->category));
    // The pair is in the current generation (findPair moved it there): its track leaves it.
    pairs_.release(key);
    Alerted& stored = alerted_.emplace(key, std::move(a)).first->second;
    t = &stored.track;
    emitPerson(stored, computed, ctx);
    queue_.push(Due{resolveDue(stored.track), key, false});
  }
  if (t->returns.countWindow(localDay(now_), 90) >= config_.matter_min_returns_90d) {
    updateMatter(*t, &info, ctx);
  }
}

RepeatVisitModel::Track* RepeatVisitModel::findPair(uint64_t key, bool& alerted,
                                                    std::optional<PairSlot>& first) {
  alerted = false;
  first.reset();
  if (!alerted_.empty()) {
    if (auto it = alerted_.find(key); it != alerted_.end()) {
      alerted = true;
      return &it->second.track;
    }
  }
  return pairs_.find(key, first);
}

double RepeatVisitModel::lambdaOf(const Track& t) const {
  const double now_days = static_cast<double>(now_) / kMsPerDay;
  const double last_days = static_cast<double>(t.t_last_min) / (24 * 60);
  const double dt = std::max(0.0, now_days - last_days);
  return hawkes_.mu + hawkes_.alpha * t.excitation * std::exp(-hawkes_.beta * dt);
}

Tier RepeatVisitModel::tierOf(const Track& t) const {
  const int64_t today = localDay(now_);
  const int r30 = t.returns.countWindow(today, 30);
  const int r90 = t.returns.countWindow(today, 90);
  const double lambda = lambdaOf(t);
  if (r30 >= config_.red_returns_30d || r90 >= config_.red_returns_90d) return Tier::kRed;
  if (r30 >= config_.orange_returns_30d || lambda >= config_.orange_lambda) return Tier::kOrange;
  if (r30 >= config_.yellow_returns_30d || lambda >= config_.yellow_lambda) return Tier::kYellow;
  return Tier::kNone;
}

TimeMs RepeatVisitModel::resolveDue(const Track& t) const {
  const TimeMs last = TimeMs{t.t_last_min} * kMsPerMinute;
  TimeMs due = last + TimeMs{config_.quiet_days} * kMsPerDay;
  const double decay_days = hawkesTimeToDecay(
      hawkes_, t.excitation, static_cast<double>(t.t_last_min) / (24 * 60), config_.yellow_lambda);
  if (std::isfinite(decay_days)) {
    // Strictly below the threshold: one minute past the crossing.
    const auto decay_ms = static_cast<TimeMs>(std::ceil(decay_days * kMsPerDay)) + kMsPerMinute;
    due = std::max(due, decay_ms);
  }
  return due;
}

RepeatVisitModel::PairView RepeatVisitModel::pairForTest(PersonId person,
                                                         std::string_view matter) const {
  PairView v;
  const uint64_t key = pairKey(person, matterHash(matter));
  const Track* t = nullptr;
  if (auto it = alerted_.find(key); it != alerted_.end()) {
    t = &it->second.track;
  } else if (const PairSlot* slot = pairs_.peek(key, t); slot != nullptr && t == nullptr) {
    // A first contact only: the intensity it excites on its own.
    v.known = true;
    v.contact_days = 1;
    const uint32_t stamp = slot->a;
    const double w = (stamp & kAboveBit) ? config_.above_level_weight : 1.0;
    const double last = static_cast<double>(stamp & ~kAboveBit) / (24 * 60);
    const double dt = std::max(0.0, static_cast<double>(now_) / kMsPerDay - last);
    v.lambda = hawkes_.mu + hawkes_.alpha * w * std::exp(-hawkes_.beta * dt);
    return v;
  }
  if (t == nullptr) return v;
  const int64_t today = localDay(now_);
  v.known = true;
  v.contact_days = 1 + t->returns_total;
  v.returns_30d = t->returns.countWindow(today, 30);
  v.returns_90d = t->returns.countWindow(today, 90);
  v.lambda = lambdaOf(*t);
  v.tier = t->tier;
  return v;
}

}  // namespace casewatch
