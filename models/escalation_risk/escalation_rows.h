// Training rows of the escalation_risk model, taken and labelled as events are applied: ONE code
// path for the daemon's self-fit (models/escalation_risk/escalation_self_fit.h, rows kept in the
// store as they are labelled) and `casewatch fit escalation --history` (tools/fit/), so that the
// daemon's rows can be reproduced from the same history.
//
// Rows, one of two schedules (the constructor's every_days):
//   - every_days = 0, at events: after each event of a case (its registration included) that
//     leaves the case open, one row: the features of the case at the event's time
//     (EscalationFeatureBuilder::compute, after the builder observed the event). Its id is the
//     event's event_id (unique once duplicates are dropped).
//   - every_days = D > 0, on a clock: at the case's registration and every D days of its life
//     after it (registered_at + k·D) while it is open, one row: the features at that moment, taken
//     by advanceTo() before the events of a later time are applied. Its id is
//     "<case_id>+<k·D>d". A time queue holds one entry per open case: the cost is proportional
//     to the rows that fall due. A case closed when its moment comes leaves the queue; a reopened
//     case re-enters it at its next multiple of D.
//
// Label: y = 1 when the case is "taken to a higher level" within H days after the row's time
// (strictly after it, up to and including t + H days), that is when, in that window,
//   - a case.review_requested or case.recheck_requested arrives for the case (复查, 复核), or
//   - a `visit` or `case.registered` on the same matter is lodged at a level above the level the
//     case was lodged at (county when the case gives none): 越级 in the plain sense.
// A row is labelled as soon as its label is known: 1 at the escalating event, 0 once the clock
// (the latest event time seen) reaches t + H without one. Rows still waiting when the history ends
// are right-censored (pending()). An event that arrives late (its time before the clock) labels
// only the rows still waiting: the label is what was known on arrival, the same in the daemon as
// in the tool.
//
// Memory: the waiting rows (those of the last H days): ~250 bytes each, and the holes the finished
// ones leave behind the oldest waiting row. Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "connectors/decode/case_event.h"
#include "models/escalation_risk/escalation_features.h"
#include "models/escalation_risk/rescore_queue.h"
#include "state/case_store.h"
#include "state/forgotten_cases.h"

namespace casewatch {

struct EscalationRow {
  std::string row_id;  // the event_id of the event the row was taken at
  std::string case_id;
  TimeMs registered_at = 0;  // of the case: the held-out slice is the most recent cases
  TimeMs at = 0;             // the row's time
  int label = 0;             // 0 or 1
  EscalationFeatures features{};
  double score = 0;  // the scorer's value at the row's time (setScorer; `casewatch evaluate`)
  friend bool operator==(const EscalationRow&, const EscalationRow&) = default;
};

class EscalationRowTaker {
 public:
  explicit EscalationRowTaker(int horizon_days, int every_days = 0);

  // After `ev` has been applied to `cases` (`u`) and observed by `features`. Never throws.
  void onEvent(const CaseEvent& ev, const CaseUpdate& u, const CaseStore& cases,
               const EscalationFeatureBuilder& features);
  // The clock moved to `now` (before the events at `now` are applied): takes the scheduled rows
  // due before `now` (every_days > 0) and labels 0 the rows whose horizon has passed.
  void advanceTo(TimeMs now, const CaseStore& cases, const EscalationFeatureBuilder& features);
  // A row of case `i` at `at` now (not on either schedule), labelled as the others are.
  void takeNow(const CaseStore& cases, CaseIndex i, TimeMs at, std::string row_id,
               const EscalationFeatureBuilder& features) {
    take(cases, i, at, std::move(row_id), features);
  }
  // A score recorded in each row as it is taken (the model's current probability of the case).
  void setScorer(std::function<double(CaseIndex)> scorer) { scorer_ = std::move(scorer); }
  // The rows labelled since the last call, in the order they were labelled.
  std::vector<EscalationRow> takeLabelled() { return std::exchange(labelled_, {}); }
  size_t labelledWaiting() const { return labelled_.size(); }
  // Retention (Model::forget): drops the rows of these cases, waiting or labelled and not yet
  // taken (`cases` still names them).
  void forget(const ForgottenCases& f, const CaseStore& cases);
  size_t pending() const { return waiting_; }
  int horizonDays() const { return horizon_days_; }
  int everyDays() const { return every_days_; }
  size_t scheduled() const { return schedule_.size(); }

 private:
  // A row waiting for its label. Rows are numbered from 1 in the order taken; pending_ holds those
  // from first_id_ on, by number (a finished one leaves a hole until the holes before it go).
  struct Pending {
    EscalationRow row;
    CaseIndex index = kNoCase;
    uint64_t matter = 0;
    TimeMs to = 0;
    bool waiting = false;
  };
  // When a waiting row's horizon passes, earliest first and, at equal times, in the order taken:
  // the order a std::multimap keyed by time gave. Finished rows stay in the heap and are skipped.
  struct Expiry {
    TimeMs to;
    uint64_t id;
  };
  static bool later(const Expiry& a, const Expiry& b) {
    return a.to != b.to ? a.to > b.to : a.id > b.id;
  }
  Pending* find(uint64_t id);
  void escalate(const std::vector<uint64_t>* ids, TimeMs ts, const Level* above_of,
                const CaseStore& cases);
  void finish(uint64_t id, int label);
  void expire(TimeMs now);
  void take(const CaseStore& cases, CaseIndex i, TimeMs at, std::string row_id,
            const EscalationFeatureBuilder& features);
  void schedule(const Case& c, CaseIndex i, TimeMs after);
  static void drop(absl::flat_hash_map<uint64_t, std::vector<uint64_t>>& index, uint64_t key,
                   uint64_t id);

  int horizon_days_;
  int every_days_;
  TimeMs horizon_;
  TimeMs every_;
  TimeMs now_ = 0;
  uint64_t next_id_ = 1;
  // The rows taken, by number from first_id_: a ring instead of a hash table keyed by number
  // (rows finish about in the order taken, at their horizon), and an expiry heap instead of a
  // multimap: the taker was 17 % of the applying thread in bench/run's end to end (perf), most
  // of it in hash probes and tree nodes.
  std::deque<Pending> pending_;
  uint64_t first_id_ = 1;
  size_t waiting_ = 0;
  absl::flat_hash_map<uint64_t, std::vector<uint64_t>> by_case_;    // CaseIndex → row ids
  absl::flat_hash_map<uint64_t, std::vector<uint64_t>> by_matter_;  // matter key → row ids
  std::vector<Expiry> expiry_;                                      // a heap by later()
  std::vector<EscalationRow> labelled_;
  RescoreQueue schedule_;  // the next row time of each open case (one per case)
  std::function<double(CaseIndex)> scorer_;
};

}  // namespace casewatch
