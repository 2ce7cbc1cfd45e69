// The features of the escalation_risk model: ONE code path, used by the daemon's model (live) and
// by `casewatch fit escalation --history` (training rows and labels), so that a fitted model sees
// in the daemon exactly what it was fitted on.
//
// A feature has a stable name (the key in MODEL.json) and is computed from the case state
// (state/case.h) plus one piece of history the case state does not keep: the contacts
// (visits and registrations) on each matter. Features of case c at time t:
//   visit_intensity   Σ exp(−ln2 · (t − tᵢ) / half_life) over the contacts tᵢ ≤ t on c's matter
//                     (every `visit` and `case.registered` naming the matter, its own included;
//                     half_life = models.escalation_risk.visit_half_life_days, default 30)
//   days_overdue      the largest overrun in days of a running statutory clock (procedural
//                     reply, routing, handling + extensions, review, re-review), calendar days
//                     with the clocks' default days (overrides and working days are the overdue
//                     model's business); 0 when none is overdue; capped at 365
//   not_upheld        1 when the latest decision (reply, review, re-review) was not_upheld
//   review_requested  1 when a review (复查) or re-review (复核) was ever requested on the case
//   log_group_size    ln(group size) (0 for one petitioner)
//   level_gap         levels the case was lodged above its competent level (county when the case
//                     names none), 0 when at or below it
//   leader_assigned, hearing_held, aid_granted   0/1
//   channel_visit, channel_online, channel_phone  one-hot; letter (and unknown) is the reference
//   category_wage_arrears, category_demolition, category_land, category_judicial,
//   category_social_security   one-hot over the contract's named categories; `other` and any
//                     category outside the contract's list are the reference (all zero). Not
//                     hashed: a hashed bucket would mix categories and make coefficients
//                     unreadable.
//   decided           1 when the case has a written decision (reply, review or re-review decision)
//   handling_days     days since the handling clock started while it runs (how far handling has
//                     got: the reply, and so a review, comes nearer), 0 otherwise; capped at 365
// The handling history (what the case state forgets once a step is done; kept here per open case):
//   days_since_registration   capped at 365
//   deadlines_missed  steps whose deadline passed before they happened, plus the running steps
//                     overdue now
//   days_late_procedural_reply, days_late_routing, days_late_handling, days_late_review
//                     days past the step's deadline (calendar days, the clocks' default days,
//                     handling + extensions; review and re-review together), summed over the
//                     case's life: the overrun of each step that happened late, plus the overrun so
//                     far of a running one; each capped at 365
//   contacts_30d, contacts_90d   contacts (visits and registrations) on the case's matter in the
//                     last 30 / 90 days lodged at or below the case's level (county when none)
//   contacts_above_30d, contacts_above_90d   the same, lodged above the case's level
//   partly_upheld     1 when the latest decision was partly upheld
//   decision_age_days days since the latest decision (reply, review or re-review decision); 0 when
//                     none; capped at 365
//   decided_within_30d  1 when the latest decision is at most 30 days old
// A case's handling history is dropped when it closes (a reopened case starts a new one) and is
// not rebuilt by rebuild() (the case state keeps no completion times): a reload carries it over
// (takeHistory), a snapshot saves it.
// Dropping one level of each one-hot group keeps the design free of collinearity with the
// intercept.
//
// Memory: one entry per matter ever contacted (16 bytes of decay state plus a small vector of the
// matter's open cases). Not thread-safe: called from the pipeline's thread (or the fit tool's).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "base/state_archive.h"
#include "connectors/decode/case_event.h"
#include "models/clocks_config.h"
#include "state/case_store.h"
#include "state/visit_log.h"

namespace casewatch {

constexpr size_t kEscalationFeatureCount = 32;
using EscalationFeatures = std::array<double, kEscalationFeatureCount>;

// A fitted model: the intercept and one coefficient per feature (a model file, or a self-fit).
struct EscalationModelFile {
  double intercept = 0;
  EscalationFeatures coefficients{};
  int horizon_days = 0;
  friend bool operator==(const EscalationModelFile&, const EscalationModelFile&) = default;
};

// The stable feature names, in the order of EscalationFeatures.
const std::array<std::string_view, kEscalationFeatureCount>& escalationFeatureNames();
// The index of a feature name, or -1.
int escalationFeatureIndex(std::string_view name);

class EscalationFeatureBuilder {
 public:
  EscalationFeatureBuilder(const ClocksConfig& clocks, double visit_half_life_days);

  // After `ev` has been applied to the case state (`u` says what it did). Never throws.
  void observe(const CaseEvent& ev, const CaseUpdate& u, const CaseStore& cases);
  // The features of case `i` at `now`.
  void compute(const CaseStore& cases, CaseIndex i, TimeMs now, EscalationFeatures& out) const;
  // The open cases on a matter (the ones whose visit_intensity a contact on it changes).
  std::span<const CaseIndex> casesOfMatter(std::string_view matter) const;
  // Forgets everything and relearns what the case state holds: its registrations and the visits
  // of the visit log (null: registrations only).
  void rebuild(const CaseStore& cases, const VisitLog* visits = nullptr);
  size_t matters() const { return matters_.size(); }
  // The handling histories of `previous` (a reload: the same cases, another configuration).
  void takeHistory(const EscalationFeatureBuilder& previous) { history_ = previous.history_; }
  // Snapshot (base/state_archive.h).
  void save(ArchiveOut& out) const;
  bool load(ArchiveIn& in);

 private:
  struct Contact {
    TimeMs at = 0;
    Level level = Level::kUnknown;
  };
  // Most matters have one case and one recent contact: both lists hold that many in place (no
  // heap block, and no allocation when a new matter comes), in the 24 bytes a std::vector takes.
  struct MatterState {
    double excitation = 0;  // Σ exp(−decay (t_last − tᵢ))
    double t_last = 0;      // days since the epoch
    absl::InlinedVector<CaseIndex, 4> cases;
    absl::InlinedVector<Contact, 1> recent;  // the last 90 days' contacts, by time
  };
  struct History {
    std::array<float, 4> late{};  // days late per step (review and re-review together)
    uint16_t missed = 0;
    TimeMs decided_at = 0;
  };
  void contact(uint64_t key, TimeMs at, Level level);
  double deadlineDays(const Case& c, Step s) const;

  ClocksConfig clocks_;
  double decay_per_day_;
  absl::flat_hash_map<uint64_t, MatterState> matters_;
  absl::flat_hash_map<CaseIndex, History> history_;  // open cases only
};

// The hash that keys matters here (stable within a process).
uint64_t escalationMatterKey(std::string_view matter);

}  // namespace casewatch
