#include "state/event_id_window.h"

#include <sodium.h>

#include <algorithm>
#include <utility>

namespace casewatch {
namespace {

// Fixed (not secret) keys for the fingerprint.
constexpr unsigned char kDedupKeyA[16] = {'c', 'w', '-', 'd', 'e', 'd', 'u', 'p', '-', 'a'};
constexpr unsigned char kDedupKeyB[16] = {'c', 'w', '-', 'd', 'e', 'd', 'u', 'p', '-', 'b'};

}  // namespace

EventIdWindow::Key EventIdWindow::keyOf(std::string_view id) {
  Key k;
  crypto_shorthash(reinterpret_cast<unsigned char*>(&k.a),
                   reinterpret_cast<const unsigned char*>(id.data()), id.size(), kDedupKeyA);
  crypto_shorthash(reinterpret_cast<unsigned char*>(&k.b),
                   reinterpret_cast<const unsigned char*>(id.data()), id.size(), kDedupKeyB);
  return k;
}

bool EventIdWindow::firstTime(std::string_view event_id, TimeMs ts) {
  const Key k = keyOf(event_id);
  if (current_.contains(k) || previous_.contains(k)) return false;
  insert(k, ts);
  return true;
}

void EventIdWindow::remember(std::string_view event_id, TimeMs ts) {
  insert(keyOf(event_id), ts);
}

void EventIdWindow::insert(const Key& k, TimeMs ts) {
  if (!started_) {
    started_ = true;
    newest_ = generation_start_ = ts;
  }
  if (ts > newest_) newest_ = std::min(ts, newest_ + kMsPerDay);
  if (window_ > 0 && newest_ - generation_start_ >= window_) {
    // A new generation: the oldest is dropped at once (no per-entry work); after a gap of two
    // windows or more, both are.
    if (newest_ - generation_start_ >= 2 * window_) {
      previous_.clear();
      current_.clear();
    } else {
      previous_ = std::exchange(current_, {});
    }
    generation_start_ = newest_;
  }
  current_.insert(k);
}

}  // namespace casewatch

namespace casewatch {

void EventIdWindow::save(ArchiveOut& out) const {
  out.pod(started_);
  out.pod(newest_);
  out.pod(generation_start_);
  for (const auto* set : {&current_, &previous_}) {
    out.count(set->size());
    for (const Key& k : *set) out.pod(k);
  }
}

bool EventIdWindow::load(ArchiveIn& in) {
  in.pod(started_);
  in.pod(newest_);
  in.pod(generation_start_);
  for (auto* set : {&current_, &previous_}) {
    size_t n = 0;
    if (!in.count(n, sizeof(Key))) return false;
    set->clear();
    set->reserve(n);
    for (size_t i = 0; i < n; ++i) set->insert(in.get<Key>());
  }
  return in.ok();
}

}  // namespace casewatch
