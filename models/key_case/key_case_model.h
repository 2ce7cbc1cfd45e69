// The key_case model: the ledger of key cases (重点信访案件台账) and the alerts that keep their
// owners at work.
//
// Method. A case enters the ledger when any of these rules holds (each rule that ever held is
// kept, with its figure, as a reason for entry):
//   - repeat_visit: the repeat_visit model's tier for one of the case's persons on the case's
//     matter is at least `repeat_tier` (orange by default). The model learns the tier from
//     repeat_visit's signals (Model::onSignal), not from its state: a person alert names the
//     person (a pseudonym) and carries the matter as its `matter` reason. A case registered later
//     on a matter whose person is at that tier enters at once;
//   - person_open_cases: one person has at least `person_open_cases` open cases (all of them
//     enter);
//   - review_stage: the case is in review (复查) or re-review (复核);
//   - lodged_above: the case was lodged above its competent level (越级: level > competent_level,
//     both given);
//   - collective: group_size ≥ `collective_group_size` (集体访).
// Exit with hysteresis: a ledgered case stays while it is open, whatever its rules say now; it
// leaves once it is closed (or rejected) and has had no event for `exit_quiet_days`. A reopen (or
// any event) inside that window keeps it; the window restarts at its next close.
// Alerts (one per ledgered case, subject the case): while the case is open,
//   - unowned activity: an event on the case after it entered (any event, a visit naming the case
//     included, except the leader's assignment) while no leader is assigned: yellow from the
//     first, orange from `unowned_orange_events`; action assign_leader. It clears when a leader
//     is assigned;
//   - owner idle: the owner (the leader, or the responsible agency while there is none) has not
//     acted for `owner_idle_days` (orange) or `owner_idle_red_days` (red): actions
//     notify_leadership and schedule_hearing. Owner actions are the handling side's events
//     (accepted, transferred, procedural reply, extension, reply, review and re-review decisions,
//     leader assigned, hearing, aid, settlement, close, reject); the clock starts when the case
//     enters the ledger (what the owner did before is not known to the model).
// The alert's tier is the higher of the two; it resolves when neither holds or the case closes.
// Figures: the ledger size per region goes to the metrics (casewatch_key_cases{region}) and to the
// RegionBoard (models/region_board.h), where the stability model reads it.
// Costs: onEvent is O(persons of the case) hash probes (O(open cases of the person) when a case
// opens or closes); advanceTo pops a time-ordered queue holding at most two entries per ledgered
// case (its exit and its idle check), so it costs what became due, never a scan. Memory: an index
// of open cases per person (models/key_case/open_cases_by_person.h: 16 bytes a slot, a list
// aside for a person with more than one) and an entry per ledgered
// case (about 64 bytes).
//
// Assumptions: person ids are keyed hashes; no person id is kept in the ledger's reasons, in a
// label or a log line (the ledger names cases; person alerts stay repeat_visit's). The region of
// a case is the jurisdiction of the grievance. Reload: rebuild() recomputes the ledger from the
// case state and from repeat_visit's re-raised alerts (it is listed after repeat_visit in the
// component table), so that membership follows the new configuration; a case that was ledgered
// before the reload and still is keeps, from the previous instance (inherit()), its entry time,
// the reasons it entered for, its owner's idle clock and its count of unowned events. A case that
// enters at the reload enters at the reload time (for an undated rule: repeat_visit,
// person_open_cases). A restart replays the journal and loses nothing.
// Sources: 《信访工作条例》(2022), art. 31–35 (handling, review and re-review) and the duty of
// leadership ownership (领导包案) of key and repeat cases; the seeds in shared/seeds/ (key persons
// and cases kept on a ledger with graded risk, dynamic review and a named owner, "resolve the real
// difficulty"), summarised in shared/DOMAIN.md.
//
// Threading: as every model, called from the pipeline's thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "models/clocks_config.h"
#include "models/key_case/key_case_config.h"
#include "models/key_case/open_cases_by_person.h"
#include "models/model.h"

namespace casewatch {

class KeyCaseModel final : public Model {
 public:
  static constexpr std::string_view kName = "key_case";
  explicit KeyCaseModel(const KeyCaseConfig& config);
  // The component table's factory (daemon/components.cc); the config was validated by the loader.
  static absl::StatusOr<std::unique_ptr<Model>> create(const KeyCaseConfig& config,
                                                       const ClocksConfig& clocks);

  std::string_view name() const override { return kName; }
  void onEvent(const CaseEvent& ev, const CaseUpdate& update, ModelContext& ctx) override;
  void advanceTo(TimeMs now, ModelContext& ctx) override;
  void rebuild(TimeMs now, ModelContext& ctx) override;
  void inherit(const Model& previous) override;
  void onSignal(const Signal& s, ModelContext& ctx) override;
  // Retention: purged cases leave the ledger (their exit checks, still queued, find no entry),
  // forgotten persons the hot list.
  void forget(const ForgottenCases& f, ModelContext& ctx) override;

  // Rules for entry, as bits of Row::rules.
  enum Rule : uint8_t {
    kRepeatVisit = 1,
    kPersonOpenCases = 2,
    kReviewStage = 4,
    kLodgedAbove = 8,
    kCollective = 16,
  };

  // One ledgered case, for the API (the App names it from the case state).
  struct Row {
    CaseIndex index = kNoCase;
    uint8_t rules = 0;
    std::vector<std::string> reasons;  // "repeat_visit_tier=orange", "group_size=12", ...
    TimeMs since = 0;
    TimeMs last_activity = 0;
    Tier alert = Tier::kNone;
  };
  // The ledger, oldest entry first.
  std::vector<Row> ledger() const;
  size_t size() const { return entries_.size(); }
  bool ledgered(CaseIndex i) const { return entries_.contains(i); }
  size_t queued() const { return queue_.size(); }

  bool saveState(ArchiveOut& out) const override;
  bool loadState(ArchiveIn& in) override;

 private:
  struct Entry {
    uint32_t region = 0;  // CaseStore::strings() id
    uint8_t rules = 0;
    Tier repeat_tier = Tier::kNone;  // the highest seen (rule kRepeatVisit)
    Stage stage = Stage::kReview;    // the latest review stage seen (rule kReviewStage)
    uint16_t person_open = 0;        // the most open cases of one person seen
    uint32_t group_size = 0;
    Level level = Level::kUnknown, competent = Level::kUnknown;
    TimeMs since = 0;
    TimeMs last_activity = 0;
    TimeMs last_owner_action = 0;
    uint32_t unowned_events = 0;
    Tier alert = Tier::kNone;
    bool exit_queued = false;
    bool idle_queued = false;
  };
  struct Due {
    TimeMs at;
    CaseIndex index;
    bool exit;  // else the idle check
    bool operator>(const Due& o) const { return at > o.at; }
  };
  struct HotPerson {
    uint64_t matter = 0;  // hash of the matter text
    Tier tier = Tier::kNone;
  };

  // Puts the case on the ledger for `rule` (or adds the reason); returns its entry.
  Entry& enter(CaseIndex i, Rule rule, TimeMs since, ModelContext& ctx);
  void opened(CaseIndex i, TimeMs t, ModelContext& ctx);
  void closed(CaseIndex i, ModelContext& ctx);
  // The rules its own state shows (review stage, lodged above, collective).
  void checkRules(CaseIndex i, TimeMs t, ModelContext& ctx);
  void checkRepeat(CaseIndex i, TimeMs t, ModelContext& ctx);
  void checkPersonCases(PersonId p, TimeMs t, ModelContext& ctx);
  void queueIdle(CaseIndex i, Entry& e);
  void evaluate(CaseIndex i, Entry& e, ModelContext& ctx);
  void emit(CaseIndex i, Entry& e, Tier tier, ModelContext& ctx);
  void exitLedger(CaseIndex i, ModelContext& ctx);
  void countRegion(uint32_t region, int delta, ModelContext& ctx);
  static std::vector<std::string> reasonsOf(const Entry& e);

  KeyCaseConfig config_;
  Tier repeat_tier_ = Tier::kOrange;
  TimeMs now_ = 0;
  absl::flat_hash_map<CaseIndex, Entry> entries_;
  // The previous instance's ledger during a reload (inherit() to the end of rebuild()).
  absl::flat_hash_map<CaseIndex, Entry> inherited_;
  OpenCasesByPerson open_by_person_;
  absl::flat_hash_map<PersonId, HotPerson> hot_;  // repeat_visit person alerts at repeat_tier+
  absl::flat_hash_map<uint32_t, int64_t> by_region_;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> queue_;
};

}  // namespace casewatch
