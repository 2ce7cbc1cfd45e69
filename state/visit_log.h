// The recent visits (`visit` events), kept beside the case state so that a reload can rebuild the
// models that count contacts (repeat_visit, group_incident, escalation_risk): a visit changes no
// case, so the case state alone does not remember it, and without this log a SIGHUP would forget
// every return made in person since the cases were registered.
//
// Bounded twice: a visit older than `horizon` (the longest window a model counts in, 180 days by
// default) is dropped, and so is the oldest visit beyond `max_visits` (a flood cannot exhaust
// memory; the dropped visits are counted). A visit costs about 40 bytes (+8 per extra person).
// Person ids are the pseudonymised ones of the event (never a raw id); matters and regions are
// interned in the case state's strings.
//
// Not thread-safe: owned by the pipeline's thread, as the case state.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "absl/functional/function_ref.h"
#include "base/time.h"
#include "connectors/decode/case_event.h"
#include "state/case.h"
#include "state/string_interner.h"

namespace casewatch {

struct VisitRecord {
  TimeMs ts = 0;
  CaseIndex index = kNoCase;  // the case the visit names, if the case state has it
  uint32_t matter = 0;        // interned in CaseStore::strings()
  uint32_t region = 0;        // the visit's own region (interned), 0 = none given
  uint32_t group_size = 0;    // CaseEvent::effectiveGroupSize()
  Level level = Level::kUnknown;
  uint16_t person_count = 0;
  PersonId first_person = 0;
  uint64_t more_persons = 0;  // absolute position of the second person in the extra persons
};

class VisitLog {
 public:
  static constexpr TimeMs kDefaultHorizon = 180 * kMsPerDay;
  static constexpr size_t kDefaultMaxVisits = 4'000'000;  // about 160 MB at most

  explicit VisitLog(TimeMs horizon = kDefaultHorizon, size_t max_visits = kDefaultMaxVisits)
      : horizon_(horizon), max_visits_(max_visits) {}

  // Keeps a visit (`index`: the case it names, kNoCase if none). Visits without a matter are not
  // contacts of any model and are not kept. O(1) amortised; never throws on the hot path except
  // for memory exhaustion, as every container.
  void record(const CaseEvent& ev, CaseIndex index, StringInterner& strings);

  size_t size() const { return visits_.size(); }
  uint64_t dropped() const { return dropped_; }  // forgotten for the max_visits bound
  // The persons of a visit; `scratch` holds them when there are several.
  std::span<const PersonId> persons(const VisitRecord& v, std::vector<PersonId>& scratch) const;
  // In arrival order (late arrivals make it only nearly time-ordered).
  const std::deque<VisitRecord>& visits() const { return visits_; }
  size_t approximateBytes() const;
  // Retention (daemon/retention/): removes every visit for which `drop(visit, its persons)` holds
  // (a purged case's, a forgotten person's); returns how many. O(visits): once a day.
  size_t forgetIf(absl::FunctionRef<bool(const VisitRecord&, std::span<const PersonId>)> drop);

  // Snapshot (base/state_archive.h): the visits and their persons; the horizon and the bound
  // stay as constructed (they are configuration).
  void save(ArchiveOut& out) const;
  bool load(ArchiveIn& in);

 private:
  void forgetBefore(TimeMs cutoff);
  void dropFront();

  TimeMs horizon_;
  size_t max_visits_;
  std::deque<VisitRecord> visits_;
  std::deque<PersonId> extra_persons_;  // the second and further persons, in visit order
  uint64_t extra_base_ = 0;             // absolute position of extra_persons_.front()
  TimeMs newest_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace casewatch
