// Hands decoded batches from a feed's thread (the producer: reads and decodes) to the thread that
// applies them (the consumer), in order, through a bounded single-producer/single-consumer ring of
// preallocated batch slots (Boost.Lockfree spsc_queue: no lock, no allocation per hand-over). The
// consumer hands each applied batch back through a second ring, and the producer fills it again,
// so the batches' storage — the event vector and each event's string capacity — is reused: in the
// steady state nothing is allocated per event or per batch (`casewatchd replay`).
//
// A side that finds its ring empty (or full) spins briefly, then sleeps on a futex
// (std::atomic::wait) until the other side moves; a batch is thousands of events, so the
// hand-over's cost is spread thin either way.
//
// Thread-safety: acquire()/push() from one producer thread, pop()/release() from one consumer
// thread; close() from any.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "boost/lockfree/spsc_queue.hpp"
#include "connectors/decoded_batch.h"

namespace casewatch {

class DecodedBatchRing {
 public:
  explicit DecodedBatchRing(size_t slots) : full_(slots), empty_(slots) {
    storage_.reserve(slots);
    for (size_t i = 0; i < slots; ++i) {
      storage_.push_back(std::make_unique<DecodedBatch>());
      empty_.push(storage_.back().get());
    }
  }

  // Producer: a batch to fill (a handed-back one, with its storage), waiting while every slot is
  // in use; null once close() was called.
  DecodedBatch* acquire() { return take(empty_, returned_); }
  // Producer: hands a filled batch to the consumer (never blocks: the batch came from acquire()).
  void push(DecodedBatch* b) { give(full_, filled_, b); }
  // Consumer: the next filled batch, waiting for one; null once close() was called and none is
  // left.
  DecodedBatch* pop() { return take(full_, filled_); }
  // Consumer: gives an applied batch back for the producer to fill again.
  void release(DecodedBatch* b) { give(empty_, returned_, b); }

  // Wakes both sides for good: acquire() returns null, pop() too once the ring is drained.
  void close() {
    closed_.store(true, std::memory_order_release);
    for (auto* e : {&filled_, &returned_}) {
      e->fetch_add(1, std::memory_order_release);
      e->notify_all();
    }
  }

 private:
  using Queue = boost::lockfree::spsc_queue<DecodedBatch*>;

  static void give(Queue& q, std::atomic<uint32_t>& events, DecodedBatch* b) {
    q.push(b);  // room is certain: there are only as many batches as slots
    events.fetch_add(1, std::memory_order_release);
    events.notify_one();
  }
  DecodedBatch* take(Queue& q, std::atomic<uint32_t>& events) {
    DecodedBatch* b = nullptr;
    for (int spin = 0;; ++spin) {
      const uint32_t seen = events.load(std::memory_order_acquire);
      if (q.pop(b)) return b;
      if (closed_.load(std::memory_order_acquire)) return nullptr;
      if (spin >= kSpins) events.wait(seen, std::memory_order_acquire);
    }
  }

  static constexpr int kSpins = 64;
  Queue full_;
  Queue empty_;
  std::atomic<uint32_t> filled_{0};
  std::atomic<uint32_t> returned_{0};
  std::atomic<bool> closed_{false};
  std::vector<std::unique_ptr<DecodedBatch>> storage_;
};

}  // namespace casewatch
