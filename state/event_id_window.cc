#include "state/event_id_window.h"

#include <sodium.h>

#include <algorithm>
#include <utility>

namespace casewatch {
namespace {

// Fixed (not secret) key for the fingerprint.
constexpr unsigned char kDedupKey[16] = {'c', 'w', '-', 'd', 'e', 'd', 'u', 'p', '-', 'a'};

}  // namespace

uint64_t EventIdWindow::keyOf(std::string_view id) {
  uint64_t k = 0;
  crypto_shorthash(reinterpret_cast<unsigned char*>(&k),
                   reinterpret_cast<const unsigned char*>(id.data()), id.size(), kDedupKey);
  return k;
}

bool EventIdWindow::contains(uint64_t key) const {
  // Newest first: a redelivery usually follows its first delivery closely.
  for (auto b = buckets_.rbegin(); b != buckets_.rend(); ++b) {
    if (b->ids.contains(key)) return true;
  }
  return false;
}

bool EventIdWindow::firstTime(std::string_view event_id, TimeMs ts) {
  const uint64_t k = keyOf(event_id);
  if (contains(k)) return false;
  insert(k, ts);
  return true;
}

void EventIdWindow::remember(std::string_view event_id, TimeMs ts) {
  insert(keyOf(event_id), ts);
}

void EventIdWindow::insert(uint64_t key, TimeMs ts) {
  moveClock(ts);
  Bucket& b = buckets_.back();
  b.last = newest_;
  b.ids.insert(key);
}

void EventIdWindow::moveClock(TimeMs ts) {
  if (buckets_.empty()) {
    newest_ = ts;
    buckets_.push_back(Bucket{ts, ts, {}});
    return;
  }
  if (ts > newest_) newest_ = std::min(ts, newest_ + kMsPerDay);
  if (window_ <= 0) return;  // never forgets: one bucket for ever
  // A bucket whose newest id is more than a window old holds nothing the window still needs: it
  // goes whole. The current bucket goes too after a long enough gap (a fresh one replaces it).
  const auto expired = [&](const Bucket& b) { return newest_ - b.last > window_; };
  buckets_.erase(buckets_.begin(), std::find_if_not(buckets_.begin(), buckets_.end(), expired));
  const TimeMs span = std::max<TimeMs>(1, window_ / kBucketsPerWindow);
  if (buckets_.empty() || newest_ - buckets_.back().start >= span) {
    buckets_.push_back(Bucket{newest_, newest_, {}});
  }
}

size_t EventIdWindow::size() const {
  size_t n = 0;
  for (const Bucket& b : buckets_) n += b.ids.size();
  return n;
}

size_t EventIdWindow::approximateBytes() const {
  size_t bytes = buckets_.capacity() * sizeof(Bucket);
  for (const Bucket& b : buckets_) bytes += b.ids.capacity() * (sizeof(uint64_t) + 1);
  return bytes;
}

void EventIdWindow::save(ArchiveOut& out) const {
  out.pod(newest_);
  out.count(buckets_.size());
  for (const Bucket& b : buckets_) {
    out.pod(b.start);
    out.pod(b.last);
    out.count(b.ids.size());
    for (const uint64_t k : b.ids) out.pod(k);
  }
}

bool EventIdWindow::load(ArchiveIn& in) {
  in.pod(newest_);
  size_t buckets = 0;
  if (!in.count(buckets, 2 * sizeof(TimeMs) + sizeof(uint64_t))) return false;
  buckets_.clear();
  buckets_.resize(buckets);
  for (Bucket& b : buckets_) {
    in.pod(b.start);
    in.pod(b.last);
    size_t n = 0;
    if (!in.count(n, sizeof(uint64_t))) return false;
    b.ids.reserve(n);
    for (size_t i = 0; i < n; ++i) b.ids.insert(in.get<uint64_t>());
  }
  return in.ok();
}

}  // namespace casewatch
