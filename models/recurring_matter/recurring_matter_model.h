// The recurring_matter model: a matter that keeps drawing contacts over weeks, from anyone — the
// same person, several persons, or the anonymous and unregistered channels (a hotline, an online
// form) whose person id differs from one contact to the next. Neither repeat_visit (the same
// person on the same matter) nor group_incident (many distinct persons within 24 hours or 7 days)
// sees such a matter; to a duty officer it is the clearest sign that it is not resolved.
//
// Method. A matter is the feed's `matter` key (events.md: "the same matter raised again keeps its
// key", across cases and channels); a contact is every `visit` and every `case.registered` that
// registered a case (not a conflicting repeat) naming it, whoever made it. Contacts count once per
// local day; a "return day" is a contact day after the matter's first. Per matter the model keeps
// the return days of the last 128 days (exact counts in 30 and 90 days, models/return_days.h), the
// latest day of each channel, the two latest agencies, and the (region, category) of its contacts.
// Baseline: per (region, category) the mean return days m of an ordinary matter in its first 90
// days (models/recurring_matter/category_baseline.h: learnt from completed matters, shrunk toward
// prior_returns_90d), so a rate λ = m/90 per day. The rates of a category's matters are taken as
// Gamma-distributed around λ with shape k = dispersion_size, so a matter's count over e days is
// negative binomial NB(size k, mean λe) (models/stats/negative_binomial.h). Two tests, on each
// new return day:
//   - 90 days against the category: x₉₀ against NB(k, λ·e₉₀), e₉₀ = min(90, days since the first
//     contact);
//   - 30 days against the matter's own baseline: the matter's own rate is the Gamma posterior of
//     its returns before the window — y return days in (today − 90, today − 30] over t days of
//     exposure: shape k + y, rate k/λ + t (shrinkage toward the category; a young matter has only
//     the category) — and x₃₀ is judged against its predictive NB(k + y, (k + y)/(k/λ + t)·e₃₀).
// p = min(1, 2·min(p₃₀, p₉₀)) (Bonferroni over the two). Tier: none while x₃₀ < min_returns_30d
// and x₉₀ < min_returns_90d (a minimum count: a small baseline makes tiny counts improbable);
// else red when p ≤ red_p, orange ≤ orange_p, yellow ≤ yellow_p. Held: the tier only rises while
// the alert is open; it resolves once there has been no return for quiet_days and the judgement
// is below yellow (a time-ordered queue, one entry per open alert, re-checked daily while due).
// Score: 1 − p.
//
// Assumptions: a matter key identifies one grievance in one region (the alert's id is the key);
// counts are per day, so a collective burst of one day is one return day (group_incident's
// domain), and a visit and the case registered from it are one; the Gamma–Poisson heterogeneity
// between matters is a stated assumption (dispersion_size), not fitted. The category of a visit is
// its case's, else the matter's from an earlier contact, else "unknown" until one says.
// Memory: a matter seen on one day only costs an 8-byte slot (about 24 bytes with the table); a
// matter with returns also a 48-byte track; matters not touched for 90 to 180 days are forgotten
// (two generations, models/generational_table.h); open alerts are kept apart and never forgotten;
// one 8-byte entry per matter younger than 90 days waits for the baseline. Reload: rebuild()
// replays the registrations of the case store and the visits of the visit log
// (models/past_contacts.h) and keeps the previous instance's baseline.
// Sources: negative binomial (Gamma–Poisson) exceedance for count surveillance: Farrington et
// al., J. R. Stat. Soc. A 159 (1996); Noufaily et al., Stat. Med. 32 (2013); empirical-Bayes
// shrinkage of small-area rates toward their group: Clayton & Kaldor, Biometrics 43 (1987);
// 重复信访 counted per matter as well as per person, and the resolution steps (领导包案, 听证,
// 联合接访/下访): 《信访工作条例》(2022), shared/DOMAIN.md.
//
// Threading: as every model, called from the pipeline's thread only.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "models/clocks_config.h"
#include "models/generational_table.h"
#include "models/model.h"
#include "models/recurring_matter/category_baseline.h"
#include "models/recurring_matter/recurring_matter_config.h"
#include "models/return_days.h"

namespace casewatch {

class RecurringMatterModel final : public Model {
 public:
  static constexpr std::string_view kName = "recurring_matter";
  RecurringMatterModel(const RecurringMatterConfig& config, int utc_offset_minutes);
  static absl::StatusOr<std::unique_ptr<Model>> create(const RecurringMatterConfig& config,
                                                       const ClocksConfig& clocks);

  std::string_view name() const override { return kName; }
  void onEvent(const CaseEvent& ev, const CaseUpdate& update, ModelContext& ctx) override;
  void advanceTo(TimeMs now, ModelContext& ctx) override;
  void rebuild(TimeMs now, ModelContext& ctx) override;
  void inherit(const Model& previous) override;
  // Retention: the matters of purged cases that have no contact left in any window.
  void forget(const ForgottenCases& f, ModelContext& ctx) override;
  bool saveState(ArchiveOut& out) const override;
  bool loadState(ArchiveIn& in) override;
  // GET /api/v1/models: the gates, the prior, and how much of the baseline is learnt locally.
  std::string stateJson() const override;

  // What the model makes of a matter now (tests, the bench).
  struct Judgement {
    int returns_30d = 0, returns_90d = 0;
    int channels_90d = 0;
    double mean_90d = 0;  // the category's baseline: expected return days in a matter's first 90
    double expected_30d = 0;  // the matter's own expected return days in the 30-day window
    double expected_90d = 0;  // the category's expected return days in the 90-day window
    double p30 = 1, p90 = 1, p = 1;
    Tier tier = Tier::kNone;  // as judged now (not held)
  };
  std::optional<Judgement> judgementForTest(std::string_view matter) const;
  size_t openAlerts() const { return open_.size(); }
  size_t matters() const { return matters_.size() + open_.size(); }
  size_t waiting() const;  // matters waiting to complete their first 90 days
  size_t queued() const { return queue_.size(); }
  size_t approximateBytes() const;

 private:
  // A matter with at least one return day.
  struct Track {
    ReturnDays returns;
    uint32_t series = 0;                    // CategoryBaseline series
    std::array<uint32_t, 2> agencies{};     // the latest two distinct agencies (interned), 0 = none
    std::array<uint16_t, 4> channel_day{};  // latest local day by visit, letter, online, phone
    uint16_t first_day = 0;                 // local day of the first contact
    Tier tier = Tier::kNone;
    bool alerted = false;  // alerted in its first 90 days: left out of the baseline
  };
  static_assert(sizeof(Track) <= 48, "a track is 48 bytes");
  // A matter in a generation: its first contact day, or where its track is.
  struct Slot {
    uint32_t a;  // first contact: local day | channel bits << 16; tracked: index of the track
    uint32_t b;  // first contact: baseline series; kTracked: tracked

    bool holdsValue() const { return b == kTracked; }
    uint32_t valueIndex() const { return a; }
    static Slot ofValue(uint32_t index) { return Slot{index, kTracked}; }
  };
  static constexpr uint32_t kTracked = 0xffffffffu;
  static constexpr int kGenerationDays = 90;
  using MatterTable = GenerationalTable<Slot, Track, kGenerationDays>;
  struct Open {
    Track track;
    std::string matter;
  };
  struct Due {
    TimeMs at;
    uint64_t key;
    bool operator>(const Due& o) const { return at > o.at; }
  };
  // Matters first seen on a day wait this many days for the baseline; a ring of one bucket per
  // day (one more than the wait, so that a bucket is emptied before it is reused).
  static constexpr int kCompleteDays = 90;
  static constexpr int kRing = kCompleteDays + 1;
  struct Contact {
    std::string_view matter;
    uint32_t region = 0, category = 0, agency = 0;  // interned ids, 0 = unknown
    Channel channel = Channel::kUnknown;
    TimeMs ts = 0;
  };

  void contact(const Contact& c, ModelContext& ctx);
  // The matter's track (open alert or current generation), or null with `first` set to its first
  // contact's slot (moved to the current generation), or null and `first` empty for a new matter.
  Track* findMatter(uint64_t key, Open*& open, std::optional<Slot>& first);
  Judgement judge(const Track& t, int64_t today) const;
  Tier tierOf(const Judgement& j) const;
  void emit(Open& o, Tier tier, const Judgement& j, ModelContext& ctx);
  TimeMs resolveCheck(const Track& t) const;
  // Moves the day forward to `today`: matters that completed their first 90 days go to the
  // baseline, then the generations rotate.
  void advanceDay(int64_t today);
  void completeMatter(uint64_t key, int64_t day);
  void clear();
  int64_t localDay(TimeMs t) const;
  static uint64_t matterKey(std::string_view matter);

  RecurringMatterConfig config_;
  TimeMs offset_ms_;
  TimeMs now_ = 0;
  int64_t day_ = -1;  // the local day whose completions are done
  MatterTable matters_;
  absl::flat_hash_map<uint64_t, Open> open_;
  CategoryBaseline baseline_;
  std::optional<CategoryBaseline> inherited_;   // a reload's previous baseline, for rebuild()
  std::vector<std::vector<uint64_t>> waiting_;  // kRing buckets of matter keys, by first day
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> queue_;
};

}  // namespace casewatch
