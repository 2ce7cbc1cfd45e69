#include "models/past_contacts.h"

#include <algorithm>

namespace casewatch::past_contacts_detail {

std::vector<Ref> ordered(const CaseStore& cases, const VisitLog* visits) {
  std::vector<Ref> refs;
  refs.reserve(cases.size() + (visits ? visits->size() : 0));
  for (CaseIndex i = 0; i < cases.size(); ++i) {
    const Case& c = cases.at(i);
    if (c.matter == 0 || !(c.flags & Case::kExists)) continue;
    refs.push_back(Ref{c.registered_at, false, i});
  }
  if (visits != nullptr) {
    const auto& list = visits->visits();
    for (size_t i = 0; i < list.size(); ++i) refs.push_back(Ref{list[i].ts, true, i});
  }
  std::stable_sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) {
    if (a.ts != b.ts) return a.ts < b.ts;
    return a.visit < b.visit;
  });
  return refs;
}

}  // namespace casewatch::past_contacts_detail
