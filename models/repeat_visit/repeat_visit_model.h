// The repeat_visit model: a person who keeps coming back on the same matter (重复信访), and a
// matter that keeps coming back from several persons.
//
// Method. A "contact" is a `visit` or a `case.registered` naming the person and the matter (any
// channel: a letter or an online form about the same matter is a return as much as a visit).
// Contacts on the same local day count once (a visit and the case registered from it are one
// trip); a "return" is each contact day after the person's first on the matter. Per (person,
// matter) the model keeps
//   - a Hawkes intensity of returns, λ(t) = μ + α·Σ wᵢ·exp(−β(t − tᵢ)) per day, over the contact
//     days (the first included), updated in O(1) (models/stats/hawkes.h); wᵢ is
//     `above_level_weight` when the contact was lodged above the competent level (the case's
//     competent_level, county when the contact has no case or the case gives none), else 1;
//     the first contact of a day decides its weight;
//   - the return days of the last 128 days as a bitmap (exact counts in 30 and 90 days).
// Tier (held: it only rises while the alert is open): red when returns in 30 days ≥
// red_returns_30d or in 90 days ≥ red_returns_90d; orange when returns in 30 days ≥
// orange_returns_30d or λ ≥ orange_lambda; yellow when returns in 30 days ≥ yellow_returns_30d or
// λ ≥ yellow_lambda. The alert resolves once there has been no return for quiet_days and λ is below
// yellow_lambda (a time-ordered queue holds one entry per open alert: no scan over persons).
// Score: the probability of at least one return in the next 30 days under the fitted intensity
// without further excitation, 1 − exp(−∫λ) = 1 − exp(−(30μ + αS/β·(1 − e^{−30β}))).
// Matter alert: a matter with at least matter_min_persons persons who each have at least
// matter_min_returns_90d returns in 90 days (yellow; orange from twice that many persons, red from
// four times); it resolves when fewer remain.
//
// Learning (models.repeat_visit.learn, on by default): μ, α, β are refitted by maximum likelihood
// (models/stats/hawkes_fit.h) on the contact streams the state holds (models/repeat_visit/
// repeat_contacts.h: the same contacts the model counts, weighted as it weighs them) every
// refit_every_days; a fit outside the bounds or that fails leaves the configured values. A new μ,
// α, β applies from then on; the excitation already accumulated keeps the decay it had.
//
// Assumptions: person ids are keyed hashes (subject ids are Pseudonymizer::format of them, never a
// raw id); a matter key identifies the grievance across cases and channels (the feed contract says
// so). Matters are keyed by a 64-bit hash of their text and (person, matter) pairs by a 64-bit mix
// of the two: at 10 million pairs the chance of any collision is about 3e-6.
// Memory: a pair costs one 16-byte hash slot (about 20 bytes with the table's overhead); a pair
// with returns also a 56-byte track in a plain array; open alerts keep their texts. Pairs are kept
// in two generations of 90 days: a pair not touched for 90 to 180 days is forgotten, so its next
// contact counts as a first contact again (it is outside every window anyway). Open alerts are
// never forgotten. Reload: rebuild() recomputes the state from the case registrations in the case
// store and the visits of the visit log (the last 180 days: a pair quiet for longer would have been
// forgotten anyway), in time order (models/past_contacts.h). Sources: A. G. Hawkes, Biometrika 58
// (1971) (self-exciting processes); repeat petitions and leadership ownership (领导包案):
// 《信访工作条例》(2022) and shared/DOMAIN.md.
//
// Threading: as every model, called from the pipeline's thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "models/clocks_config.h"
#include "models/generational_table.h"
#include "models/model.h"
#include "models/repeat_visit/repeat_visit_config.h"
#include "models/return_days.h"
#include "models/stats/hawkes.h"
#include "models/stats/hawkes_fit.h"
#include "state/visit_log.h"

namespace casewatch {

class RepeatVisitModel final : public Model {
 public:
  static constexpr std::string_view kName = "repeat_visit";
  RepeatVisitModel(const RepeatVisitConfig& config, int utc_offset_minutes);
  // The component table's factory (daemon/components.cc); the config was validated by the loader.
  static absl::StatusOr<std::unique_ptr<Model>> create(const RepeatVisitConfig& config,
                                                       const ClocksConfig& clocks);

  std::string_view name() const override { return kName; }
  void onEvent(const CaseEvent& ev, const CaseUpdate& update, ModelContext& ctx) override;
  void advanceTo(TimeMs now, ModelContext& ctx) override;
  void rebuild(TimeMs now, ModelContext& ctx) override;
  // Retention: a forgotten person's pairs (tracks, first contacts on the purged cases' matters,
  // open person alerts, which resolve) and places in the matters' person lists
  // (repeat_visit_forget.cc).
  void forget(const ForgottenCases& f, ModelContext& ctx) override;
  bool saveState(ArchiveOut& out) const override;
  bool loadState(ArchiveIn& in) override;

  void inherit(const Model& previous) override;
  std::string stateJson() const override;

  // Learning μ, α, β (models.repeat_visit.learn): a refit falls due every refit_every_days of the
  // model's clock; the daemon builds the streams here (hawkesStreams, on the pipeline's thread:
  // one pass over the contacts the state holds), fits them on its own thread (fitHawkesBounded)
  // and passes the outcome back (useHawkes). A fit that fails, has too few returns or leaves the
  // bounds (kHawkesBounds) leaves the configured values in use.
  struct HawkesOutcome {
    TimeMs at = 0;
    bool fitted = false;  // the fitted values are in use (else the configured ones)
    HawkesParams params;  // the fitted values (fitted) or the configured ones
    std::string reason;   // "fitted", or why the configured values stay
    size_t streams = 0, returns = 0;
    double log_likelihood = 0;
  };
  bool learning() const { return config_.learn.enabled; }
  bool takeRefitDue() { return std::exchange(refit_due_, false); }
  std::vector<HawkesStream> hawkesStreams(const CaseStore& cases, const VisitLog* visits) const;
  // `start`: the fit in use (refitStart), where the simplex starts (fitHawkes).
  static HawkesOutcome fitHawkesBounded(std::vector<HawkesStream> streams,
                                        const RepeatVisitConfig& config, TimeMs at,
                                        const std::optional<HawkesParams>& start = std::nullopt);
  // Where the next refit starts: the fitted μ, α, β in use, if any (the window has moved a day).
  std::optional<HawkesParams> refitStart() const {
    return hawkesFitted() ? std::optional<HawkesParams>(hawkes_) : std::nullopt;
  }
  void useHawkes(const HawkesOutcome& outcome);
  bool hawkesFitted() const { return hawkes_fit_ && hawkes_fit_->fitted; }
  const HawkesParams& hawkesInUse() const { return hawkes_; }
  const RepeatVisitConfig& config() const { return config_; }

  // What the model knows of a (person, matter) pair (tests, the bench).
  struct PairView {
    bool known = false;
    int contact_days = 0;
    int returns_30d = 0;
    int returns_90d = 0;
    double lambda = 0;
    Tier tier = Tier::kNone;
  };
  PairView pairForTest(PersonId person, std::string_view matter) const;
  size_t openAlerts() const { return alerted_.size() + open_matters_; }
  size_t queued() const { return queue_.size(); }
  // (person, matter) pairs the model remembers.
  size_t pairs() const { return pairs_.size() + alerted_.size(); }
  // Bytes held by the model's tables (bench: bytes per pair).
  size_t approximateBytes() const;

 private:
  // The code is split by concern: repeat_visit_model.cc (construction, the clock's queue, size),
  // repeat_visit_contacts.cc (a person's contacts on a matter: the per-event path),
  // repeat_visit_matters.cc, repeat_visit_signals.cc and repeat_visit_rebuild.cc.

  // A (person, matter) pair with at least one return.
  struct Track {
    PersonId person = 0;
    uint64_t matter = 0;
    ReturnDays returns;          // return days (the first contact day is not a return)
    float excitation = 0;        // Hawkes S at t_last
    int32_t t_last_min = 0;      // minutes since the epoch of the latest contact day's contact
    uint32_t category = 0;       // CaseStore::strings() id of the matter's category, 0 = unknown
    uint16_t first_day = 0;      // local day of the first contact
    uint16_t returns_total = 0;  // saturating
    uint16_t above_level = 0;    // contact days lodged above the competent level (saturating)
    Tier tier = Tier::kNone;
  };
  static_assert(sizeof(Track) <= 56, "a track is 56 bytes");
  // One (person, matter) pair in a generation: its first contact, or where its track is.
  struct PairSlot {
    uint32_t a;  // first contact: minutes since the epoch, top bit = above the competent level;
                 // tracked: the index of its Track in the generation's tracks
    uint32_t b;  // first contact: CaseStore::strings() id of the category; kTracked: tracked

    bool holdsValue() const { return b == kTracked; }
    uint32_t valueIndex() const { return a; }
    static PairSlot ofValue(uint32_t index) { return PairSlot{index, kTracked}; }
  };
  static constexpr uint32_t kTracked = 0xffffffffu;
  // Pairs not touched for 90 to 180 days are forgotten (models/generational_table.h).
  static constexpr int kGenerationDays = 90;
  using PairTable = GenerationalTable<PairSlot, Track, kGenerationDays>;
  // An open person alert: its track (moved out of the generations while open) and its texts.
  struct Alerted {
    Track track;
    std::string matter;
    std::string region;
    std::string agency;
    std::string category;
  };
  struct MatterPerson {
    PersonId person;
    int64_t until_day;  // the last day on which the person still has enough returns in 90 days
  };
  struct MatterState {
    std::vector<MatterPerson> persons;
    std::string matter;
    std::string region;
    std::string category;
    Tier tier = Tier::kNone;
    int64_t queued_day = -1;  // the day of this matter's entry in the queue, -1 = none
  };
  struct Due {
    TimeMs at;
    uint64_t key;
    bool matter;
    bool operator>(const Due& o) const { return at > o.at; }
  };
  // Where the contact came from, for the texts of a new alert.
  struct ContactInfo {
    std::string_view matter, region, agency;
    uint32_t category = 0;  // CaseStore::strings() id, 0 = unknown
  };

  // The persons of one contact (a visit, or the registration of case `index`; kNoCase: none).
  void contacts(std::span<const PersonId> persons, std::string_view matter, std::string_view region,
                Level level, CaseIndex index, TimeMs ts, ModelContext& ctx);
  void contact(PersonId person, const ContactInfo& info, TimeMs ts, bool above, ModelContext& ctx);
  // The pair's track (open alert or current generation), or null with `first` set to its first
  // contact (moved to the current generation), or null and `first` empty for a new pair.
  Track* findPair(uint64_t key, bool& alerted, std::optional<PairSlot>& first);
  Tier tierOf(const Track& t) const;
  double lambdaOf(const Track& t) const;
  TimeMs resolveDue(const Track& t) const;
  void emitPerson(Alerted& a, Tier tier, ModelContext& ctx);
  void updateMatter(const Track& t, const ContactInfo* info, ModelContext& ctx);
  void evaluateMatter(uint64_t matter, MatterState& m, ModelContext& ctx);
  void emitMatter(MatterState& m, int persons, Tier tier, ModelContext& ctx);
  void clear();
  int64_t localDay(TimeMs t) const;

  void scheduleRefit();

  RepeatVisitConfig config_;
  HawkesParams hawkes_;
  std::optional<HawkesOutcome> hawkes_fit_;  // the latest refit's outcome
  TimeMs next_refit_ = 0;
  bool refit_due_ = false;
  TimeMs offset_ms_;
  TimeMs now_ = 0;

  PairTable pairs_;
  absl::flat_hash_map<uint64_t, Alerted> alerted_;
  absl::flat_hash_map<uint64_t, MatterState> matters_;
  size_t open_matters_ = 0;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> queue_;
};

}  // namespace casewatch
