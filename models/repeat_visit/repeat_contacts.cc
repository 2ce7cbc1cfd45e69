#include "models/repeat_visit/repeat_contacts.h"

#include <algorithm>

#include "base/hash.h"

namespace casewatch {

bool isRepeatContact(const CaseEvent& ev, const CaseUpdate& u) {
  if (ev.type != EventType::kRegistered && ev.type != EventType::kVisit) return false;
  if (ev.type == EventType::kRegistered && (u.conflict || u.index == kNoCase)) return false;
  return !ev.persons.empty() && !ev.matter.empty();
}

bool repeatContactAbove(Level level, const Case* c) {
  Level competent = Level::kCounty;
  if (c != nullptr && c->competent_level != Level::kUnknown) competent = c->competent_level;
  return level != Level::kUnknown && level > competent;
}

uint64_t repeatMatterKey(std::string_view matter) {
  return hashText(matter, 0x6d61747465720000ULL);
}

uint64_t repeatPairKey(PersonId person, uint64_t matter_key) {
  return hashPair(person, matter_key);
}

RepeatContactStreams::RepeatContactStreams(int utc_offset_minutes, double above_level_weight)
    : offset_ms_(TimeMs{utc_offset_minutes} * kMsPerMinute), above_weight_(above_level_weight) {}

void RepeatContactStreams::add(std::span<const PersonId> persons, std::string_view matter,
                               TimeMs ts, bool above) {
  const uint64_t m = repeatMatterKey(matter);
  for (PersonId p : persons) contacts_[repeatPairKey(p, m)].push_back(Contact{ts, above});
}

std::vector<HawkesStream> RepeatContactStreams::streams(TimeMs end) const {
  const double end_days = static_cast<double>(end) / static_cast<double>(kMsPerDay);
  std::vector<HawkesStream> out;
  out.reserve(contacts_.size());
  std::vector<Contact> v;
  for (const auto& [key, contacts] : contacts_) {
    v = contacts;
    std::stable_sort(v.begin(), v.end(),
                     [](const Contact& a, const Contact& b) { return a.ts < b.ts; });
    HawkesStream s;
    s.end = end_days;
    int64_t last_day = INT64_MIN;
    bool any_above = false;
    for (const Contact& c : v) {
      const int64_t day = localDay(c.ts, offset_ms_);
      if (day == last_day) continue;  // one contact per local day: the first
      last_day = day;
      s.times.push_back(static_cast<double>(c.ts) / static_cast<double>(kMsPerDay));
      s.weights.push_back(c.above ? above_weight_ : 1.0);
      any_above = any_above || c.above;
    }
    s.end = std::max(s.end, s.times.back());
    if (!any_above) s.weights.clear();  // all 1
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const HawkesStream& a, const HawkesStream& b) {
    if (a.times.front() != b.times.front()) return a.times.front() < b.times.front();
    if (a.times.size() != b.times.size()) return a.times.size() < b.times.size();
    return a.times != b.times ? a.times < b.times : a.weights < b.weights;
  });
  return out;
}

}  // namespace casewatch
