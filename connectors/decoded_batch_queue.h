// Hands decoded batches from a connector's thread to the thread that applies them, in order
// (`casewatchd replay`: one thread reads and decodes while the other applies, so replay uses both
// cores). Unbounded by itself: the connector's InFlightLimiter bounds how many batches are alive.
// A batch is handed over whole (thousands of events), so a mutex per batch costs nothing
// measurable and lets the consumer sleep instead of spinning a core.
//
// Thread-safety: push() from one thread, pop() from another (or any number of either).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>

#include "connectors/decoded_batch.h"

namespace casewatch {

class DecodedBatchQueue {
 public:
  void push(DecodedBatchPtr batch) {
    {
      std::lock_guard lock(mu_);
      batches_.push_back(std::move(batch));
    }
    cv_.notify_one();
  }
  // The next batch, waiting for one.
  DecodedBatchPtr pop() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !batches_.empty(); });
    DecodedBatchPtr b = std::move(batches_.front());
    batches_.pop_front();
    return b;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<DecodedBatchPtr> batches_;
};

}  // namespace casewatch
