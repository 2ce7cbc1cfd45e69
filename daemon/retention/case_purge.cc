#include "daemon/retention/case_purge.h"

namespace casewatch {

CasePurge purgeClosedCases(TimeMs cutoff, CaseStore& cases, VisitLog& visits,
                           std::span<const std::unique_ptr<Model>> models, ModelContext& ctx) {
  CasePurge p;
  p.case_cutoff = cutoff;
  ForgottenCases f;
  PersonId first = 0;
  for (CaseIndex i = 0; i < cases.size(); ++i) {
    const Case& c = cases.at(i);
    if (!(c.flags & Case::kExists) || c.open() || c.closed_at >= cutoff) continue;
    f.cases.insert(i);
    for (PersonId person : cases.persons(i, first)) f.persons.insert(person);
  }
  if (f.cases.empty()) return p;
  // A person goes only when none of the cases still held names them.
  for (CaseIndex i = 0; i < cases.size() && !f.persons.empty(); ++i) {
    const Case& c = cases.at(i);
    if (!(c.flags & Case::kExists) || f.cases.contains(i)) continue;
    for (PersonId person : cases.persons(i, first)) f.persons.erase(person);
  }
  // A visit goes with the case it names, and with a forgotten person (a group visit naming one
  // goes whole: keeping it would keep that person's contact).
  p.visits = visits.forgetIf([&](const VisitRecord& v, std::span<const PersonId> persons) {
    if (v.index != kNoCase && f.cases.contains(v.index)) return true;
    for (PersonId person : persons) {
      if (f.persons.contains(person)) return true;
    }
    return false;
  });
  // The models first, while the case state still names the cases.
  for (const auto& m : models) m->forget(f, ctx);
  p.case_ids.reserve(f.cases.size());
  for (CaseIndex i : f.cases) {
    p.case_ids.emplace_back(cases.caseId(i));
    if (cases.forget(i)) ++p.cases;
  }
  p.persons = f.persons.size();
  return p;
}

}  // namespace casewatch
