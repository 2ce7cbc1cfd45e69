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

// With --escalation-model, escalations follow this logistic model exactly as the escalation_risk
// model is asked about them with the daemon's default schedule (models.escalation_risk.learn:
// horizon_days 30, row_every_days 10), so that its self-fit recovers it: at each case's
// registration and every kEscalationTruthEveryDays (10) days of its life while it is open, the
// probability that the petitioner goes above the case's level (a visit one level above the level
// the case was lodged at, on the case's matter) within the next kEscalationTruthHorizonDays (30)
// days is σ(η) = 1 / (1 + exp(−η)), η the sum of the terms that apply to the case at that moment
// (every event up to it counted), whatever happened before and whatever comes after. Since the
// windows of consecutive moments overlap, the escalations are drawn per 10-day block, the blocks
// independent, with block probabilities solved so that every moment's three blocks together give
// σ(η) (case_lifecycle.cc, drawEscalations); an escalation already seen tells nothing about the
// next window. The feature names are the model's, with the model's definitions: not_upheld is the
// latest decision's outcome, leader_assigned, hearing_held and aid_granted are 1 once the event
// happened, log_group_size is ln(group size), channel_visit and category_judicial come from the
// registration. So that no other escalation blurs the label, this mode asks for no review (复查),
// plans no repeat petitioners and no collective burst (their shared matters would carry one case's
// escalation onto the others), and every other contact (chasing visits, follow-ups) is lodged at
// county level; aid is granted in 15 % of the handled cases (else 1-6 %), so that its coefficient
// can be measured.
inline constexpr int kEscalationTruthEveryDays = 10;
inline constexpr int kEscalationTruthHorizonDays = 30;
struct EscalationTruth {
  double intercept = -3.0;
  double not_upheld = 2.5;        // the latest decision
  double leader_assigned = -1.0;  // leadership ownership (包案)
  double hearing_held = -1.0;
  double aid_granted = -1.5;
  double log_group_size = 0.5;  // ln(group size)
  double channel_visit = 1.2;   // lodged in person
  double category_judicial = 0.8;
};
inline constexpr EscalationTruth kEscalationTruth{};

// With --escalation-thresholds, a second mechanism that is NOT a logistic in the model's features:
// thresholds and interactions driven by lateness, contacts and decisions. The petitioner's chasing
// visits stay at county level (contacts, not escalations); escalation comes only from:
//   - being ignored: a case that stalls (routing, handling or a review never decided) is chased in
//     person with probability 0.6; after that visit, with days_late the days past the step's
//     deadline on the visit's day, the petitioner goes to the city (a visit above the case's level)
//     5-20 days later with probability 0.7 when days_late >= 10, 0.25 when 0 < days_late < 10,
//     0.02 otherwise;
//   - the decision: after the written reply, a review is requested 3-28 days later with
//     probability 0.85 when it was not upheld and (days late in all >= 5 or the petitioner chased
//     the case in person during handling), 0.45 when not upheld without a hearing, 0.08 when not
//     upheld after a hearing, 0.35 when partly upheld and days late in all >= 15, 0.02 otherwise.
//     Days late in all: the procedural reply's, routing's and handling's overruns (deadlines 7, 15
//     and 60 + extension days). A chase during handling comes with probability 0.12 (0.04 without
//     this mechanism).
// A re-review after a review not upheld follows the generator's own rate. The mechanism's inputs
// are (days late in all >= 5, >= 15), chased during handling, not upheld, partly upheld, hearing
// held, the decision's age; as they change over a case's life, so does its risk.
struct ThresholdEscalation {
  double ignored_chase = 0.6;
  double ignored_late10 = 0.7, ignored_late = 0.25, ignored_on_time = 0.02;
  double not_upheld_late_or_chased = 0.85, not_upheld_no_hearing = 0.45, not_upheld_hearing = 0.08;
  double partly_late15 = 0.35, otherwise = 0.02;
  double handling_chase = 0.12;
};
inline constexpr ThresholdEscalation kThresholdEscalation{};

class CaseLifecycle {
 public:
  // `overdue_share`: see tools/feedgen/planned_fault.h (nullopt: the generator's own mix).
  explicit CaseLifecycle(const World& world, bool escalation_model = false,
                         std::optional<double> overdue_share = std::nullopt,
                         bool escalation_thresholds = false)
      : world_(world),
        escalation_model_(escalation_model),
        escalation_thresholds_(escalation_thresholds),
        overdue_share_(overdue_share) {}

  // Appends the case's events in time order (strictly increasing ts), registration first.
  void build(const CaseInfo& c, Rng& rng, std::vector<GenEvent>& out) const;

  // The agency that should handle a matter of this category in this region (never the petition
  // bureau, which only routes).
  AgencyId competentAgency(size_t region, Category category, Rng& rng) const;
  // The agency a petitioner first turns to: usually the competent one, sometimes the bureau.
  AgencyId registeringAgency(size_t region, Category category, Rng& rng) const;

 private:
  const World& world_;
  void buildLifecycle(const CaseInfo& c, Rng& rng, std::vector<GenEvent>& out) const;
  // --escalation-model: the escalations of kEscalationTruth, at the row moments of the case.
  void drawEscalations(const CaseInfo& c, Rng& rng, std::vector<GenEvent>& out) const;

  bool escalation_model_;
  bool escalation_thresholds_;
  std::optional<double> overdue_share_;
};

}  // namespace casewatch::feedgen
