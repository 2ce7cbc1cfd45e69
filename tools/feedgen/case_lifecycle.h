// The life of one petition case, as the feed shows it: registration, procedural reply, routing
// (accept / reject / transfer), handling with leadership, hearings, aid and extensions, the written
// reply, review and re-review, settlement, closing, reopening, and the petitioner's chasing visits.
//
// Stage timings follow the statutory clocks (shared/DOMAIN.md): most steps land well inside their
// deadlines on working days in office hours; a planned fraction of cases is left to go overdue (a
// step comes late or never; tools/feedgen/planned_fault.h), so the truth file has something to
// find.
//
// Thread-safety: const and stateless apart from the World it reads; the Rng is the caller's.
#pragma once

#include <optional>
#include <vector>

#include "tools/feedgen/rng.h"
#include "tools/feedgen/stream.h"
#include "tools/feedgen/world.h"

namespace casewatch::feedgen {

// With --escalation-model, whether the petitioner asks for a review (复查) after the written reply
// follows this logistic model, P(review) = 1 / (1 + exp(−η)), with η the sum of the terms that
// apply to the case at the reply (the feature names are the escalation_risk model's):
struct EscalationTruth {
  double intercept = -3.0;
  double not_upheld = 4.5;        // the reply's outcome
  double leader_assigned = -1.0;  // leadership ownership (包案)
  double hearing_held = -1.0;
  double aid_granted = -1.5;
  double log_group_size = 0.5;  // ln(group size)
  double channel_visit = 0.7;   // lodged in person
  double category_judicial = 0.5;
};
inline constexpr EscalationTruth kEscalationTruth{};

class CaseLifecycle {
 public:
  // `overdue_share`: see tools/feedgen/planned_fault.h (nullopt: the generator's own mix).
  explicit CaseLifecycle(const World& world, bool escalation_model = false,
                         std::optional<double> overdue_share = std::nullopt)
      : world_(world), escalation_model_(escalation_model), overdue_share_(overdue_share) {}

  // Appends the case's events in time order (strictly increasing ts), registration first.
  void build(const CaseInfo& c, Rng& rng, std::vector<GenEvent>& out) const;

  // The agency that should handle a matter of this category in this region (never the petition
  // bureau, which only routes).
  AgencyId competentAgency(size_t region, Category category, Rng& rng) const;
  // The agency a petitioner first turns to: usually the competent one, sometimes the bureau.
  AgencyId registeringAgency(size_t region, Category category, Rng& rng) const;

 private:
  const World& world_;
  bool escalation_model_;
  std::optional<double> overdue_share_;
};

}  // namespace casewatch::feedgen
