#include "state/visit_log.h"

#include <algorithm>

namespace casewatch {

void VisitLog::record(const CaseEvent& ev, CaseIndex index, StringInterner& strings) {
  if (ev.matter.empty() || ev.persons.empty()) return;
  VisitRecord v;
  v.ts = ev.ts;
  v.index = index;
  v.matter = strings.intern(ev.matter);
  v.region = ev.region.empty() ? 0 : strings.intern(ev.region);
  v.group_size = ev.effectiveGroupSize();
  v.level = ev.level;
  v.person_count = static_cast<uint16_t>(std::min<size_t>(ev.persons.size(), UINT16_MAX));
  v.first_person = ev.persons[0];
  v.more_persons = extra_base_ + extra_persons_.size();
  for (size_t i = 1; i < v.person_count; ++i) extra_persons_.push_back(ev.persons[i]);
  visits_.push_back(v);
  newest_ = std::max(newest_, ev.ts);
  forgetBefore(newest_ - horizon_);
  while (visits_.size() > max_visits_) {
    dropFront();
    ++dropped_;
  }
}

void VisitLog::forgetBefore(TimeMs cutoff) {
  // Arrival order is nearly time order: a late visit behind the front waits until the front goes.
  while (!visits_.empty() && visits_.front().ts < cutoff) dropFront();
}

void VisitLog::dropFront() {
  visits_.pop_front();
  // The extra persons of the visits that are gone: everything before the new front's.
  const uint64_t keep_from =
      visits_.empty() ? extra_base_ + extra_persons_.size() : visits_.front().more_persons;
  while (extra_base_ < keep_from && !extra_persons_.empty()) {
    extra_persons_.pop_front();
    ++extra_base_;
  }
}

std::span<const PersonId> VisitLog::persons(const VisitRecord& v,
                                            std::vector<PersonId>& scratch) const {
  if (v.person_count <= 1) return {&v.first_person, v.person_count};
  scratch.clear();
  scratch.push_back(v.first_person);
  const size_t from = v.more_persons - extra_base_;
  for (size_t i = 0; i + 1 < v.person_count; ++i) scratch.push_back(extra_persons_[from + i]);
  return scratch;
}

size_t VisitLog::forgetIf(
    absl::FunctionRef<bool(const VisitRecord&, std::span<const PersonId>)> drop) {
  std::deque<VisitRecord> kept;
  std::deque<PersonId> kept_extra;
  std::vector<PersonId> scratch;
  size_t removed = 0;
  for (const VisitRecord& v : visits_) {
    const std::span<const PersonId> persons = this->persons(v, scratch);
    if (drop(v, persons)) {
      ++removed;
      continue;
    }
    VisitRecord k = v;
    k.more_persons = extra_base_ + kept_extra.size();  // positions restart from the same base
    for (size_t i = 1; i < persons.size(); ++i) kept_extra.push_back(persons[i]);
    kept.push_back(k);
  }
  if (removed == 0) return 0;
  visits_ = std::move(kept);
  extra_persons_ = std::move(kept_extra);
  return removed;
}

size_t VisitLog::approximateBytes() const {
  return visits_.size() * sizeof(VisitRecord) + extra_persons_.size() * sizeof(PersonId);
}

}  // namespace casewatch

namespace casewatch {

void VisitLog::save(ArchiveOut& out) const {
  out.pods(visits_);
  out.pods(extra_persons_);
  out.pod(extra_base_);
  out.pod(newest_);
  out.pod(dropped_);
}

bool VisitLog::load(ArchiveIn& in) {
  in.pods(visits_);
  in.pods(extra_persons_);
  in.pod(extra_base_);
  in.pod(newest_);
  in.pod(dropped_);
  return in.ok();
}

}  // namespace casewatch
