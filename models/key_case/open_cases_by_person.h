// The open cases of each person, for key_case's person_open_cases rule (key_case_model.h): every
// person with an open case, and which cases, in the order they opened.
//
// Most persons have one open case: its index lives in the table's own 16-byte slot (person id,
// case, list). Persons with two or more keep the whole list aside, in `lists_`, which the slot
// points to. Before, every person had a 32-byte slot (an inline vector of two): 70 bytes per open
// case at a million quiet cases (a 2^21-slot table, with its control bytes), 41 after
// (bench/tools/state_mem --breakdown).
//
// Not thread-safe: owned by its model.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "connectors/decode/case_event.h"
#include "state/case.h"

namespace casewatch {

class OpenCasesByPerson {
 public:
  // Adds `i` to the person's open cases (nothing when it is there already); returns how many the
  // person now has.
  size_t add(PersonId p, CaseIndex i) {
    auto [it, fresh] = table_.try_emplace(p, Slot{i, 0});
    if (fresh) return 1;
    Slot& s = it->second;
    if (s.list == 0) {
      if (s.first == i) return 1;
      s.list = takeList();
      lists_[s.list - 1] = {s.first, i};
      return 2;
    }
    auto& list = lists_[s.list - 1];
    if (std::find(list.begin(), list.end(), i) == list.end()) list.push_back(i);
    return list.size();
  }
  // Removes `i` from the person's open cases; a person left with none leaves the table.
  void remove(PersonId p, CaseIndex i) {
    auto it = table_.find(p);
    if (it == table_.end()) return;
    Slot& s = it->second;
    if (s.list == 0) {
      if (s.first == i) table_.erase(it);
      return;
    }
    auto& list = lists_[s.list - 1];
    list.erase(std::remove(list.begin(), list.end(), i), list.end());
    if (list.size() > 1) return;
    if (list.empty()) {
      freeList(s.list);
      table_.erase(it);
      return;
    }
    s.first = list.front();
    freeList(s.list);
    s.list = 0;
  }
  // The person's open cases, oldest first (empty for a person with none). Valid until the next
  // change.
  std::span<const CaseIndex> of(PersonId p) const {
    auto it = table_.find(p);
    if (it == table_.end()) return {};
    const Slot& s = it->second;
    if (s.list == 0) return {&s.first, 1};
    const auto& list = lists_[s.list - 1];
    return {list.data(), list.size()};
  }
  // Forgets the person (retention).
  void erase(PersonId p) {
    auto it = table_.find(p);
    if (it == table_.end()) return;
    if (it->second.list != 0) freeList(it->second.list);
    table_.erase(it);
  }
  void clear() {
    table_.clear();
    lists_.clear();
    free_.clear();
  }
  size_t size() const { return table_.size(); }
  // fn(PersonId, std::span<const CaseIndex>) for each person, in the table's order.
  template <typename Fn>
  void forEach(Fn&& fn) const {
    for (const auto& [p, s] : table_) {
      if (s.list == 0) {
        fn(p, std::span<const CaseIndex>(&s.first, 1));
      } else {
        const auto& list = lists_[s.list - 1];
        fn(p, std::span<const CaseIndex>(list.data(), list.size()));
      }
    }
  }

 private:
  struct Slot {
    CaseIndex first;  // the one open case, when `list` is 0
    uint32_t list;    // 0, or 1 + the index of the person's list in lists_
  };
  uint32_t takeList() {
    if (!free_.empty()) {
      const uint32_t l = free_.back();
      free_.pop_back();
      return l;
    }
    lists_.emplace_back();
    return static_cast<uint32_t>(lists_.size());
  }
  void freeList(uint32_t l) {
    lists_[l - 1].clear();
    free_.push_back(l);
  }

  absl::flat_hash_map<PersonId, Slot> table_;
  std::vector<absl::InlinedVector<CaseIndex, 4>> lists_;
  std::vector<uint32_t> free_;  // lists_ entries not in use (1 + index)
};

}  // namespace casewatch
