// The case state: every case the daemon has seen, indexed by case id, and the stage transitions
// that the feed's events cause (the "stage machine" of DOMAIN.md). Survives reloads; restored on
// restart by replaying the journal.
//
// Not thread-safe: owned by the io_context thread (replay: the replay thread).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "connectors/decode/case_event.h"
#include "state/case.h"
#include "state/string_interner.h"

namespace casewatch {

// What one event did to its case; models read it instead of diffing state.
struct CaseUpdate {
  CaseIndex index = kNoCase;
  bool created = false;
  bool conflict = false;  // a case.registered for a case that already exists: nothing changed
  Stage stage_before = Stage::kRegistered;
  uint32_t agency_before = 0;
  uint8_t started_steps = 0;      // clocks started (or restarted) by this event
  uint8_t satisfied_steps = 0;    // clocks stopped because their step happened
  uint8_t cleared_steps = 0;      // clocks stopped because the case closed or moved
  bool deadline_changed = false;  // an extension moved the handling deadline
  // The previous start of a step this event both satisfied and restarted (routing on a transfer:
  // the sending agency's clock stops, the receiving agency's starts), so that the satisfied step
  // is judged on its own deadline; with agency_before, whose step it was.
  TimeMs restarted_from = 0;
};

class CaseStore {
 public:
  CaseIndex find(std::string_view case_id) const;
  // Applies an event whose case exists (or a case.registered). The caller has checked that the
  // case exists for every other type (orphans are held elsewhere). `visit` events change nothing.
  CaseUpdate apply(const CaseEvent& ev);

  const Case& at(CaseIndex i) const { return cases_[i]; }
  // Slots, forgotten ones included (indices stay valid: a slot is never reused).
  size_t size() const { return cases_.size(); }
  // Cases the state still holds (size() minus the forgotten).
  size_t known() const { return cases_.size() - forgotten_; }
  // Retention (daemon/retention/): forgets a closed case. Its id, persons and every field go; the
  // slot stays as a tombstone (no Case::kExists, closed, all else zero), so that the indices
  // held elsewhere stay valid. find() no longer knows the id; a later event for it is an orphan.
  // Open cases are never forgotten (returns false, nothing changes).
  bool forget(CaseIndex i);
  std::string_view caseId(CaseIndex i) const { return case_ids_.name(cases_[i].case_id); }
  std::span<const PersonId> persons(CaseIndex i, PersonId& first_storage) const;
  StringInterner& strings() { return strings_; }
  const StringInterner& strings() const { return strings_; }

  size_t openCases() const { return open_cases_; }
  // Open cases per (stage, agency), maintained incrementally for the metrics.
  int64_t openCount(Stage stage, uint32_t agency) const;
  template <typename Fn>
  void forEachOpenCount(Fn&& fn) const {  // fn(stage, agency_id, count)
    for (const auto& [key, count] : open_by_stage_agency_) {
      fn(static_cast<Stage>(key >> 32), static_cast<uint32_t>(key), count);
    }
  }
  // Approximate heap bytes held by the case state (for bytes-per-open-case reporting).
  size_t approximateBytes() const;
  // The same, by part (state_mem --breakdown).
  struct Bytes {
    size_t records = 0;  // the Case slots
    size_t ids = 0;      // the case ids and their lookup
    size_t strings = 0;  // regions, agencies, categories, matters, leaders
    size_t persons = 0;  // the overflow person lists
  };
  Bytes approximateBytesByPart() const;

  // Snapshot (base/state_archive.h): everything, so that a loaded store equals the saved one.
  void save(ArchiveOut& out) const;
  bool load(ArchiveIn& in);

 private:
  void countOpen(const Case& c, int delta);
  CaseIndex create(const CaseEvent& ev);

  std::vector<Case> cases_;
  StringInterner case_ids_;  // interned id == index + 1
  StringInterner strings_;
  std::vector<std::vector<PersonId>> overflow_persons_;
  absl::flat_hash_map<uint64_t, int64_t> open_by_stage_agency_;
  size_t open_cases_ = 0;
  size_t forgotten_ = 0;  // tombstones among cases_
};

}  // namespace casewatch
