#include "models/escalation_risk/rescore_queue.h"

#include <algorithm>
#include <limits>

namespace casewatch {

void RescoreQueue::push(TimeMs at, CaseIndex i) {
  if (next_order_ == std::numeric_limits<uint32_t>::max()) renumber();
  if (i >= queued_.size()) queued_.resize(std::max<size_t>(size_t{i} + 1, 2 * queued_.size()));
  queued_[i] = true;
  heap_.push_back(Entry{at, next_order_++, i});
  std::push_heap(heap_.begin(), heap_.end(), later);
}

std::pair<TimeMs, CaseIndex> RescoreQueue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  const Entry e = heap_.back();
  heap_.pop_back();
  queued_[e.index] = false;
  return {e.at, e.index};
}

void RescoreQueue::clear() {
  heap_.clear();
  std::fill(queued_.begin(), queued_.end(), false);
  next_order_ = 0;
}

std::vector<std::pair<TimeMs, CaseIndex>> RescoreQueue::inOrder() const {
  std::vector<Entry> sorted = heap_;
  std::sort(sorted.begin(), sorted.end(),
            [](const Entry& a, const Entry& b) { return later(b, a); });
  std::vector<std::pair<TimeMs, CaseIndex>> out;
  out.reserve(sorted.size());
  for (const Entry& e : sorted) out.emplace_back(e.at, e.index);
  return out;
}

void RescoreQueue::renumber() {
  // Sorted in pop order, the array is a valid heap for `later` (each parent pops before its
  // children); numbering it in that order keeps every relative order.
  std::sort(heap_.begin(), heap_.end(), [](const Entry& a, const Entry& b) { return later(b, a); });
  uint32_t order = 0;
  for (Entry& e : heap_) e.order = order++;
  next_order_ = order;
}

}  // namespace casewatch
