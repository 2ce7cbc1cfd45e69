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
