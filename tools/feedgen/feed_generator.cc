#include "tools/feedgen/feed_generator.h"

#include <algorithm>

namespace casewatch::feedgen {
namespace {

// Ordering of the queue: std::push_heap builds max-heaps, so "less" here means "later".
struct Later {
  template <typename Entry>
  bool operator()(const Entry& a, const Entry& b) const {
    if (a.ts != b.ts) return a.ts > b.ts;
    if (a.order != b.order) return a.order > b.order;
    return a.index > b.index;
  }
};

}  // namespace

FeedGenerator::FeedGenerator(const FeedgenOptions& options, bool with_truth)
    : options_(options),
      world_(static_cast<size_t>(options.regions)),
      scenario_(options_, world_),
      writer_(world_, options.seed, options.raw_persons),
      buckets_(static_cast<size_t>(options.days)),
      seq_(world_.sourceCount(), 0) {
  std::vector<StreamPtr> initial = scenario_.initialStreams();
  if (with_truth) {
    truth_ = std::make_unique<Truth>(world_, writer_);
    truth_->setPlans(scenario_.repeatPlans(), scenario_.bursts());
    truth_->setRecurringPlans(scenario_.recurringPlans());
  }
  for (StreamPtr& s : initial) addStream(std::move(s));
}

void FeedGenerator::addStream(StreamPtr s) {
  const TimeMs window_end = scenario_.windowEnd();
  const int64_t first_day = World::localDay(scenario_.windowStart());
  s->order = next_order_++;
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(streams_.size());
    streams_.emplace_back();
  }
  for (size_t i = 0; i < s->events.size(); ++i) {
    const TimeMs ts = s->events[i].ts;
    if (ts >= window_end) break;  // never written
    const QueueEntry entry{ts, s->order, slot, static_cast<uint32_t>(i)};
    // Streams start at the current time, so nothing lands before the current day.
    const int64_t day = std::max(World::localDay(ts) - first_day, today_index_);
    if (day <= today_index_) {
      today_.push_back(entry);
      std::push_heap(today_.begin(), today_.end(), Later{});
    } else {
      buckets_[static_cast<size_t>(day)].push_back(entry);
    }
    ++s->queued;
  }
  if (s->queued == 0) {
    free_slots_.push_back(slot);
    return;
  }
  streams_[slot] = std::move(s);
}

bool FeedGenerator::next(FeedLine& line) {
  while (true) {
    if (today_.empty()) {
      if (today_index_ + 1 >= static_cast<int64_t>(buckets_.size())) return false;
      ++today_index_;
      today_ = std::move(buckets_[static_cast<size_t>(today_index_)]);
      buckets_[static_cast<size_t>(today_index_)] = {};
      std::make_heap(today_.begin(), today_.end(), Later{});
      continue;
    }
    std::pop_heap(today_.begin(), today_.end(), Later{});
    const QueueEntry entry = today_.back();
    today_.pop_back();
    // The Stream object does not move when streams_ grows (it is held by unique_ptr).
    Stream& s = *streams_[entry.slot];
    const GenEvent e = s.events[entry.index];
    const bool wrote = handle(e, s);
    if (--s.queued == 0) {
      if (truth_ && s.is_case && s.kase->serial != kNoSerial) truth_->settle(s.kase->serial);
      scenario_.recycle(std::move(streams_[entry.slot]));
      free_slots_.push_back(entry.slot);
    }
    if (wrote) {
      line.type = eventTypeName(e.type);
      line.json = line_;
      line.ts = e.ts;
      return true;
    }
  }
}

bool FeedGenerator::handle(const GenEvent& e, Stream& s) {
  if (e.action == GenAction::kPlanDay) {
    scenario_.planDay(e.value, pending_);
    for (StreamPtr& p : pending_) addStream(std::move(p));
    pending_.clear();
    return false;
  }
  if (e.action == GenAction::kSpawnCase) {
    addStream(std::move(s.spawns[e.value]));
    return false;
  }
  switch (e.type) {
    case EventType::kVisit: {
      const CaseInfo* kase = s.kase.get();
      const uint16_t region = s.matter.region;
      render(e, s, e.with_case ? kase : nullptr, region * 2);
      if (s.repeat_index >= 0 && truth_) truth_->countRepeat(s.repeat_index, false, e.ts);
      if (s.recurring_index >= 0 && truth_) {
        truth_->countRecurring(s.recurring_index, false, e.ts);
      }
      if (s.burst_index >= 0 && truth_) {
        truth_->countBurst(s.burst_index, e.person_base, e.count, false, e.ts);
      }
      return true;
    }
    case EventType::kRegistered: {
      CaseInfo& c = *s.kase;
      const int year = civilFromDays(World::localDay(c.registered_ts)).year;
      const uint64_t key = uint64_t{c.matter.region} << 32 | static_cast<uint32_t>(year);
      c.case_id = writer_.caseId(c.matter.region, c.registered_ts, ++case_numbers_[key]);
      ++cases_;
      if (truth_) {
        c.serial = truth_->addCase(c);
        if (c.repeat_index >= 0) truth_->countRepeat(c.repeat_index, true, e.ts);
        if (c.recurring_index >= 0) truth_->countRecurring(c.recurring_index, true, e.ts);
        if (c.burst_index >= 0) {
          truth_->countBurst(c.burst_index, c.person_base, c.person_count, true, e.ts);
        }
      }
      break;
    }
    default:
      break;
  }
  const CaseInfo& c = *s.kase;
  if (truth_) truth_->apply(c.serial, e);
  render(e, s, &c, world_.sourceFor(c.matter.region, c.agency));
  return true;
}

void FeedGenerator::render(const GenEvent& e, const Stream& s, const CaseInfo* kase,
                           size_t source) {
  line_.clear();
  writer_.render(e, kase, s.matter, world_.sourceName(source), ++seq_[source], line_);
  ++events_;
  last_ts_ = e.ts;
}

absl::Status FeedGenerator::writeTruth(const std::string& path, TruthSummary* summary) const {
  if (!truth_) return absl::FailedPreconditionError("the generator was built without truth");
  TruthMeta meta;
  meta.window_start = scenario_.windowStart();
  meta.window_end = scenario_.windowEnd();
  meta.end = last_ts_;
  meta.events = events_;
  meta.seed = options_.seed;
  meta.version = CASEWATCH_VERSION;
  return truth_->write(path, meta, summary);
}

}  // namespace casewatch::feedgen
