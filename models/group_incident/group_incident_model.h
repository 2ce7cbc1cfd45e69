// The group_incident model: collective petitions (集体访) — many people on one matter in one place
// in a short time, a sign of a problem to fix at its source.
//
// Method. Every `visit` and `case.registered` is a contact on its (region, matter), by its persons
// (and, for the group size, by `group_size` people). Per (region, matter) the model counts the
// distinct persons of the last 24 hours and 7 days (exact up to kMaxPersons per matter, reported as
// "at least" beyond) and the largest group of the last 7 days. Per (region, category) it keeps the
// distinct persons of the last 24 hours and 7 days, and the daily count of contacts, judged as the
// day fills up by EARS (the configured method, exactly as R's surveillance::earsC) and by a Poisson
// CUSUM against a per-weekday baseline (models/group_incident/count_series.h).
// Tier of a (region, matter): red when persons in 24 h ≥ red_persons_24h or in 7 days ≥
// red_persons_7d; orange likewise; yellow likewise, or when one contact brought a group of
// large_group_size or more (a collective petition by definition). When the matter's (region,
// category) series shows an aberration today (EARS or CUSUM alarm), a matter that is at least
// yellow rises one tier: the burst is out of the ordinary for the place, not only large.
// Aberrations alone raise nothing, so quiet matters and quiet regions stay quiet. One alert per
// matter (subject kind "matter", id = the matter key, region filled) that grows: the tier only
// rises while it is open, and the numbers are updated with each contact; it resolves after
// quiet_days without a contact on the matter (a time-ordered queue, one entry per open alert).
// Score: the larger of persons_24h / red_persons_24h, persons_7d / red_persons_7d and
// largest group / red_persons_24h, plus 0.25 with an aberration, capped at 1.
// The category of a contact is its case's (a registration, or a visit citing a case), else the
// category the matter got from an earlier contact in the last 7 to 14 days; visits on a matter
// whose category is not yet known are added to the category's series on the same day once it is
// known.
//
// Assumptions: a matter key belongs to one region (the alert's id is the matter key; two regions
// sharing a key would share one alert); late contacts (earlier than contacts already counted)
// count their persons but are not added to a completed day of the series.
// Memory: per (region, matter) with a contact in the last 7 to 14 days, a 24-byte hash slot while
// one person only has come (most matters), plus a ~80-byte state once a second person or a group
// has (two generations of 7 days); per (region, category) the persons of the last 7 days; open
// alerts keep their texts. Reload: rebuild() replays the case registrations from the case store
// and the visits of the visit log (the last 180 days; models/past_contacts.h), in time order.
// Sources: EARS: Hutwagner et al., J. Urban Health 80 (2003), R package surveillance (earsC);
// CUSUM: Page (1954), Lucas (1985); collective petitions and "at most five representatives":
// 《信访工作条例》(2022) art. 18, shared/DOMAIN.md.
//
// Threading: as every model, called from the pipeline's thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "models/clocks_config.h"
#include "models/generational_table.h"
#include "models/group_incident/count_series.h"
#include "models/group_incident/group_incident_config.h"
#include "models/group_incident/sliding_distinct.h"
#include "models/model.h"

namespace casewatch {

class GroupIncidentModel final : public Model {
 public:
  static constexpr std::string_view kName = "group_incident";
  static constexpr size_t kMaxPersons = 512;

  GroupIncidentModel(const GroupIncidentConfig& config, int utc_offset_minutes);
  // The component table's factory; fails on a bad ears_method (the loader checks it first).
  static absl::StatusOr<std::unique_ptr<Model>> create(const GroupIncidentConfig& config,
                                                       const ClocksConfig& clocks);

  std::string_view name() const override { return kName; }
  void onEvent(const CaseEvent& ev, const CaseUpdate& update, ModelContext& ctx) override;
  void advanceTo(TimeMs now, ModelContext& ctx) override;
  void rebuild(TimeMs now, ModelContext& ctx) override;
  bool saveState(ArchiveOut& out) const override;
  bool loadState(ArchiveIn& in) override;

  size_t openAlerts() const { return open_.size(); }
  size_t trackedMatters() const { return matters_.size(); }
  size_t series() const { return series_.size(); }
  // The current day's judgement of a (region, category) series (tests).
  std::optional<SeriesJudgement> seriesForTest(std::string_view region,
                                               std::string_view category) const;
  size_t approximateBytes() const;

 private:
  struct Seen {
    PersonId person;
    TimeMs last;
  };
  struct MatterState {
    absl::InlinedVector<Seen, 1> persons;  // distinct persons of the last 7 days
    uint64_t region = 0;                   // hash of the region code
    uint32_t category = 0;                 // CaseStore::strings() id; 0 = not known yet
    uint32_t largest_group = 0;            // in the last 7 days (see largest_group_at)
    TimeMs largest_group_at = 0;
    TimeMs last_contact = 0;
    int64_t pending_day = -1;  // contacts of this day not yet in a series (category unknown)
    uint32_t pending = 0;
    bool capped = false;  // kMaxPersons reached: counts are lower bounds
  };
  struct Open {
    MatterState state;
    std::string matter, region, agency, category;
    Tier tier = Tier::kNone;
    int persons_24h = -1, persons_7d = -1;
    uint32_t largest_group = 0;
    bool aberration = false;
  };
  struct Series {
    std::unique_ptr<CountSeries> counts;
    std::string region, category;
    SlidingDistinct persons{kMsPerDay, 7 * kMsPerDay};  // 24 hours and 7 days
  };
  struct Due {
    TimeMs at;
    uint64_t key;
    bool operator>(const Due& o) const { return at > o.at; }
  };
  struct Contact {
    std::span<const PersonId> persons;
    uint32_t group = 0;
    TimeMs ts = 0;
    std::string_view matter, region, agency;
    uint32_t category = 0;  // 0 = unknown
  };

  // A (region, matter) seen from one person only, with no group: 16 bytes instead of a
  // MatterState (most matters never see a second person).
  struct Slot {
    PersonId person;  // first-contact slot: the one person
    uint32_t stamp;   // first-contact slot: minutes since the epoch of the latest contact; kFull:
                      // the matter has a MatterState at index `info` of its generation
    uint32_t info;    // first-contact slot: CaseStore::strings() id of the category, 0 = unknown
                      // (then the latest contact is still to be added to a series, on its day)

    bool holdsValue() const { return stamp == kFull; }
    uint32_t valueIndex() const { return info; }
    static Slot ofValue(uint32_t index) { return Slot{0, kFull, index}; }
  };
  static constexpr uint32_t kFull = 0xffffffffu;
  // Matters not touched for 7 to 14 days are forgotten (models/generational_table.h).
  static constexpr int kGenerationDays = 7;
  using MatterTable = GenerationalTable<Slot, MatterState, kGenerationDays>;

  void contact(const Contact& c, ModelContext& ctx);
  // The matter's full state, if it has one (in an open alert or the current generation); else
  // its first-contact slot (`slot` set, moved to the current generation), or nothing.
  MatterState* findMatter(uint64_t key, Open*& open, std::optional<Slot>& slot);
  // Adds the contact, with `pending` earlier contacts of the same day that had no category yet,
  // to the (region, category) series; sets `aberration` when the series is out of the ordinary.
  Series* addToSeries(uint64_t region, uint32_t category, const Contact& c, uint32_t pending,
                      const StringInterner& strings, bool& aberration);
  Series* seriesFor(uint64_t region, uint32_t category, std::string_view region_code,
                    const StringInterner& strings);
  void evaluate(uint64_t key, MatterState& m, const Contact& c, Series* s, bool series_alarm,
                ModelContext& ctx);
  void emit(Open& o, const MatterState& m, Tier tier, int p24, int p7, Series* s,
            ModelContext& ctx);
  void clear();
  int64_t localDay(TimeMs t) const;

  GroupIncidentConfig config_;
  CountSeriesOptions series_options_;
  TimeMs offset_ms_;
  TimeMs now_ = 0;
  MatterTable matters_;
  absl::flat_hash_map<uint64_t, Open> open_;
  absl::flat_hash_map<uint64_t, Series> series_;  // key: region hash x category id
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> queue_;
};

}  // namespace casewatch
