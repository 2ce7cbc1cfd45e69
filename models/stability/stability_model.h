// The stability model: a per-region stability index (稳定指数), 0..100 with 100 = calm, that
// combines what the other models say about a region into one figure for the duty console, a
// gauge per region, and one alert per region when the index falls through configured tiers.
//
// Method. For a region r, from the other models' open alerts (learned from their signals through
// Model::onSignal; the alert's region is the case's or the matter's region) and r's open cases:
//   n(r)        = max(open(r), min_open_cases)
//   pressure(r) = 100 · Σ_alerts w(tier) / n(r)            (alert points per 100 open cases)
//               + collective_factor · Σ_collective w(tier)   (group_incident alerts, absolute)
//               + overdue_weight · overdue(r) / n(r)         (the share of open cases overdue)
//               + ledger_weight · 100 · ledgered(r) / n(r)   (key cases per 100 open cases)
//   index(r)    = 100 · exp(−pressure(r) / scale)
// where w(tier) is weight_blue..weight_red (1, 2, 4, 8: each tier doubles, as the four-level
// warning scale IV..I escalates); the first sum is over the other models' alerts except
// group_incident's; overdue(r) is the number of cases with an overdue alert at orange or above
// (past the statutory deadline); ledgered(r) the size of r's key-case ledger (published by the
// key_case model on the RegionBoard, models/region_board.h). Case-level figures are densities (per
// open case) so that a region with 20,000 open cases is not red for the same 40 alerts that would
// make a region of 200 so; n is floored at min_open_cases (100) so that a small region is judged
// on its absolute counts (one overdue case of three is not "33% overdue"). A collective petition
// is a region-level event whatever the region's size: it counts in full. The exponential maps an
// unbounded pressure onto 0..100 smoothly and monotonically: scale (40) is the pressure at which
// the index is 100/e ≈ 37. With the defaults: one red alert in a region of up to 100 open cases
// gives 82; one orange alert per ten open cases 37 (orange); a red collective petition (24) plus a
// fifth of the open cases overdue (4) 50 (orange).
// Rationale: the index is meant to rank regions and show trends, not to be a probability; it is
// built only from figures that each have their own explained alert, so a duty officer can trace a
// low index to the alerts behind it (the region alert lists the counts per tier, the overdue
// share and the collective incidents).
// Tiers: the tier of the index is the highest whose bound (blue_below 85, yellow_below 70,
// orange_below 50, red_below 30) the index is at or below; a tier is left only when the index
// rises `hysteresis` points above its bound, so an index hovering at a bound does not flap. The
// region alert is emitted when its tier changes (its numbers are those of that moment); the gauge
// follows every change.
// Costs: per-region counters are updated incrementally: onEvent is O(1) (only a case opening or
// closing changes the open count), onSignal one hash probe of the alert and one of its region,
// plus the regions whose ledger size changed; nothing scans cases or alerts. advanceTo only reads
// the ledger sizes that changed (key cases leave the ledger as time passes).
//
// Assumptions: the region of a case is the jurisdiction of the grievance (DOMAIN.md); alerts
// without a region (e.g. a person alert from a visit that names none) do not count. The model
// keeps the region and tier of each open alert of the other models (their count is what the alert
// book holds). Reload: rebuild() recounts open cases per region from the case state; the alert
// counts come from the other models' re-raised alerts (models listed before this one in the
// component table are rebuilt first, those after re-raise into it during their own rebuild).
// Sources: the four-level warning scale and "small matters stay in the village, big ones in the
// county" of the seeds (shared/seeds/, summarised in shared/DOMAIN.md); 《信访工作条例》(2022) on
// local responsibility for stability (属地管理) and on overdue handling as an accountability
// figure.
//
// Threading: as every model, called from the pipeline's thread only.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "models/clocks_config.h"
#include "models/model.h"
#include "models/stability/stability_config.h"

namespace casewatch {

class StabilityModel final : public Model {
 public:
  static constexpr std::string_view kName = "stability";
  explicit StabilityModel(const StabilityConfig& config);
  static absl::StatusOr<std::unique_ptr<Model>> create(const StabilityConfig& config,
                                                       const ClocksConfig& clocks);

  std::string_view name() const override { return kName; }
  void onEvent(const CaseEvent& ev, const CaseUpdate& update, ModelContext& ctx) override;
  void advanceTo(TimeMs now, ModelContext& ctx) override;
  void rebuild(TimeMs now, ModelContext& ctx) override;
  void onSignal(const Signal& s, ModelContext& ctx) override;

  // What the model knows of a region (tests, the API).
  struct RegionView {
    bool known = false;
    double index = 100;
    double pressure = 0;
    int64_t open_cases = 0;
    int64_t overdue = 0;
    int64_t collective = 0;
    int64_t key_cases = 0;
    std::array<int64_t, 5> alerts{};  // open alerts by tier (index: Tier)
    Tier tier = Tier::kNone;
  };
  RegionView region(std::string_view region) const;
  size_t regions() const { return regions_.size(); }
  size_t heldAlerts() const { return held_.size(); }

  bool saveState(ArchiveOut& out) const override;
  bool loadState(ArchiveIn& in) override;

 private:
  struct Region {
    int64_t open_cases = 0;
    int64_t overdue = 0;
    int64_t collective = 0;
    int64_t key_cases = 0;
    std::array<int64_t, 5> alerts{};
    double alert_points = 0;       // Σ w(tier) of the case-level alerts
    double collective_points = 0;  // Σ w(tier) · collective_factor of group_incident alerts
    double index = 100;
    Tier tier = Tier::kNone;
  };
  // One open alert of another model: where it counts and how much.
  struct Held {
    std::string region;
    Tier tier = Tier::kNone;
    bool collective = false;
    bool overdue = false;
  };

  double weight(Tier t) const;
  double pressureOf(const Region& r) const;
  Tier tierOf(double index, Tier current) const;
  void add(Region& r, const Held& h, int sign);
  // Recomputes the region's index; publishes the gauge, and the alert when the tier changes.
  void update(std::string_view name, Region& r, ModelContext& ctx);
  void emit(std::string_view name, Region& r, Tier tier, ModelContext& ctx);
  Region& regionOf(std::string_view name, std::string_view* stored);
  // Takes the ledger sizes that changed on the RegionBoard.
  void readBoard(ModelContext& ctx);

  StabilityConfig config_;
  TimeMs now_ = 0;
  absl::flat_hash_map<std::string, Region> regions_;
  absl::flat_hash_map<std::string, Held> held_;  // key: model '\x1f' subject kind '\x1f' id
  // onSignal's key into held_, built in this one buffer: a signal costs no allocation unless it
  // opens an alert.
  std::string held_key_;
};

}  // namespace casewatch
