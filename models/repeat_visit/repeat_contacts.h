// The repeat_visit model's contacts: ONE definition, used by the model (RepeatVisitModel, live and
// in rebuild), by `casewatch fit hawkes` (tools/fit/) and by the daemon's refit of μ, α, β
// (RepeatVisitModel::hawkesStreams), so that the parameters are fitted on the streams the model
// scores.
//
// A contact is a `visit`, or a `case.registered` that registered a case (not a conflicting
// repeat), naming a matter and at least one person; each person of it makes a contact on the
// matter. It is "above" when lodged above the competent level (the case's competent_level, county
// when the contact has no case or the case gives none). Per (person, matter) pair the contacts
// count once per local day (the first of the day decides its weight: above_level_weight when above,
// else 1); the stream of a pair is its contact days' first contacts, in time order.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "connectors/decode/case_event.h"
#include "models/stats/hawkes_fit.h"
#include "state/case_store.h"

namespace casewatch {

// Whether `ev` (applied to the case state as `u`) is a contact of the repeat_visit model.
bool isRepeatContact(const CaseEvent& ev, const CaseUpdate& u);
// Whether a contact lodged at `level` on case `c` (null: none) is above the competent level.
bool repeatContactAbove(Level level, const Case* c);
// The key of a matter, and of a (person, matter) pair.
uint64_t repeatMatterKey(std::string_view matter);
uint64_t repeatPairKey(PersonId person, uint64_t matter_key);

// The contact streams of the (person, matter) pairs, for the Hawkes fit. Bounded by what is added
// (the daemon adds the contacts the state holds: the visit log's last 180 days and the case
// registrations).
class RepeatContactStreams {
 public:
  RepeatContactStreams(int utc_offset_minutes, double above_level_weight);
  // Every person of a contact (in any order: streams() sorts).
  void add(std::span<const PersonId> persons, std::string_view matter, TimeMs ts, bool above);
  // The streams, observed until `end` (days since the epoch), in a fixed order (first time, then
  // length): the sum of the log-likelihood is then reproducible.
  std::vector<HawkesStream> streams(TimeMs end) const;
  size_t pairs() const { return contacts_.size(); }

 private:
  struct Contact {
    TimeMs ts;
    bool above;
  };
  TimeMs offset_ms_;
  double above_weight_;
  absl::flat_hash_map<uint64_t, std::vector<Contact>> contacts_;
};

}  // namespace casewatch
