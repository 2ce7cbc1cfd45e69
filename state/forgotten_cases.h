// What a retention purge forgets (daemon/retention/case_purge.h): closed cases past
// retention.closed_case_days, and the persons (pseudonyms) who had no other case in the state. The
// case state, the visit log and every model (Model::forget) drop what they hold about them, so
// that a person's data is kept no longer than their cases.
#pragma once

#include "absl/container/flat_hash_set.h"
#include "connectors/decode/case_event.h"
#include "state/case.h"

namespace casewatch {

struct ForgottenCases {
  absl::flat_hash_set<CaseIndex> cases;
  absl::flat_hash_set<PersonId> persons;
  bool empty() const { return cases.empty() && persons.empty(); }
};

}  // namespace casewatch
