// Rebuild on reload: the state recomputed from the case registrations and the visit log, then the
// last signal of every subject passed on once.
#include "models/repeat_visit/repeat_visit_model.h"

#include <algorithm>

#include "base/str_cat.h"
#include "models/past_contacts.h"

namespace casewatch {

void RepeatVisitModel::rebuild(TimeMs now, ModelContext& ctx) {
  clear();
  now_ = std::max(now_, now);
  const CaseStore& cases = ctx.cases;
  // Replayed without publishing; then the last signal of every subject is passed on once: open
  // alerts with their state at `now`, and the resolution of those that closed during the replay
  // (the alert book ignores a resolution of an alert it does not hold).
  struct LastSignals final : SignalSink {
    absl::flat_hash_map<std::string, Signal> last;
    void emit(Signal&& s) override {
      last[strCat(subjectKindName(s.subject_kind), ":", s.subject_id)] = std::move(s);
    }
  } replayed;
  ModelContext quiet{ctx.cases, replayed, nullptr};
  // Registrations and visits, as onEvent() took them.
  forEachPastContact(cases, ctx.visits, [&](const PastContact& pc) {
    contacts(pc.persons, pc.matter, pc.region, pc.level, pc.index, pc.ts, quiet);
  });
  advanceTo(now_ + 1, quiet);  // resolves what is already quiet
  for (auto& [subject, s] : replayed.last) ctx.signals.emit(std::move(s));
}

}  // namespace casewatch
