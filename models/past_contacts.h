// The contacts the state still holds — every case registration in the case state and every visit
// in the visit log — in time order: what a model that counts contacts (repeat_visit,
// group_incident, escalation_risk) replays in rebuild() after a reload, so that the returns made
// in person before the reload still count after it. One code path for the three models.
#pragma once

#include <span>
#include <string_view>

#include "connectors/decode/case_event.h"
#include "state/case_store.h"
#include "state/visit_log.h"

namespace casewatch {

struct PastContact {
  TimeMs ts = 0;
  bool visit = false;         // a visit (else the registration of case `index`)
  CaseIndex index = kNoCase;  // the case registered, or the case the visit names (if known)
  std::span<const PersonId> persons;
  std::string_view matter;
  std::string_view region;  // the visit's own region, else the case's
  Level level = Level::kUnknown;
  uint32_t group_size = 0;  // as CaseEvent::effectiveGroupSize()
};

// Calls fn(const PastContact&) for each contact with a matter, oldest first (ties: registrations
// before visits, each in arrival order). `visits` may be null (registrations only).
template <typename Fn>
void forEachPastContact(const CaseStore& cases, const VisitLog* visits, Fn&& fn);

// --- implementation ---

namespace past_contacts_detail {
// The order of replay: (time, registrations first, position).
struct Ref {
  TimeMs ts;
  bool visit;
  size_t pos;
};
std::vector<Ref> ordered(const CaseStore& cases, const VisitLog* visits);
}  // namespace past_contacts_detail

template <typename Fn>
void forEachPastContact(const CaseStore& cases, const VisitLog* visits, Fn&& fn) {
  const StringInterner& strings = cases.strings();
  std::vector<PersonId> scratch;
  for (const auto& ref : past_contacts_detail::ordered(cases, visits)) {
    PastContact c;
    c.ts = ref.ts;
    c.visit = ref.visit;
    if (!ref.visit) {
      const Case& k = cases.at(static_cast<CaseIndex>(ref.pos));
      PersonId first = 0;
      c.index = static_cast<CaseIndex>(ref.pos);
      c.persons = cases.persons(c.index, first);
      c.matter = strings.name(k.matter);
      c.region = strings.name(k.region);
      c.level = k.level;
      c.group_size = k.group_size;
      fn(static_cast<const PastContact&>(c));
      continue;
    }
    const VisitRecord& v = visits->visits()[ref.pos];
    c.index = v.index;
    c.persons = visits->persons(v, scratch);
    c.matter = strings.name(v.matter);
    c.region = strings.name(v.region);
    if (c.region.empty() && v.index != kNoCase) c.region = strings.name(cases.at(v.index).region);
    c.level = v.level;
    c.group_size = v.group_size;
    fn(static_cast<const PastContact&>(c));
  }
}

}  // namespace casewatch
