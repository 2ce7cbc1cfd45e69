// Retention (Model::forget): what the model holds about persons whose every case was purged.
#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "models/repeat_visit/repeat_contacts.h"
#include "models/repeat_visit/repeat_visit_model.h"

namespace casewatch {

void RepeatVisitModel::forget(const ForgottenCases& f, ModelContext& ctx) {
  if (f.persons.empty()) return;
  // A first contact is keyed by a hash of (person, matter) and holds no person: the matters of
  // the purged cases name the pairs to drop. A track names its person.
  absl::flat_hash_set<uint64_t> keys;
  PersonId first = 0;
  for (CaseIndex i : f.cases) {
    const uint64_t matter = repeatMatterKey(ctx.cases.strings().name(ctx.cases.at(i).matter));
    for (PersonId p : ctx.cases.persons(i, first)) {
      if (f.persons.contains(p)) keys.insert(repeatPairKey(p, matter));
    }
  }
  for (auto it = alerted_.begin(); it != alerted_.end();) {
    if (!keys.contains(it->first) && !f.persons.contains(it->second.track.person)) {
      ++it;
      continue;
    }
    emitPerson(it->second, Tier::kNone, ctx);
    alerted_.erase(it++);
  }
  pairs_.forgetIf([&](uint64_t key, const PairSlot&, const Track* t) {
    return keys.contains(key) || (t != nullptr && f.persons.contains(t->person));
  });
  for (auto& [key, m] : matters_) {
    std::erase_if(m.persons, [&](const MatterPerson& mp) { return f.persons.contains(mp.person); });
  }
}

}  // namespace casewatch
