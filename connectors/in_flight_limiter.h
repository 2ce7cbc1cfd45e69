// Bounds how many DecodedBatches a connector has handed over and the pipeline has not yet dropped.
// While the bound is reached the connector stops taking input, so the transport pushes back on the
// producer (ZeroMQ's high-water mark; a file simply is not read further) instead of memory growing.
//
// Each handed-over batch carries a token (DecodedBatch::in_flight_token); destroying the last copy
// of it releases the slot, from any thread. The shared state outlives the limiter, so a batch may
// be dropped after its connector is gone.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace casewatch {

class InFlightLimiter {
 public:
  explicit InFlightLimiter(int max_in_flight)
      : max_(max_in_flight < 1 ? 1 : max_in_flight), state_(std::make_shared<State>()) {}

  int limit() const { return max_; }
  int inFlight() const {
    std::lock_guard lock(state_->mu);
    return state_->count;
  }

  // Blocks while `limit()` batches are in flight. Wakes on a release, and every `step` to look at
  // `stop`. Returns false when it gave up because `stop` became true.
  bool waitForRoom(const std::atomic<bool>& stop,
                   std::chrono::milliseconds step = std::chrono::milliseconds(50)) const {
    std::unique_lock lock(state_->mu);
    while (state_->count >= max_) {
      if (stop.load(std::memory_order_relaxed)) return false;
      state_->cv.wait_for(lock, step);
    }
    return true;
  }
  bool full() const { return inFlight() >= max_; }

  // Counts one more batch in flight until the returned token (and every copy) is destroyed.
  std::shared_ptr<void> acquire() const {
    {
      std::lock_guard lock(state_->mu);
      ++state_->count;
    }
    return std::make_shared<Token>(state_);
  }

 private:
  struct State {
    mutable std::mutex mu;
    std::condition_variable cv;
    int count = 0;
  };
  struct Token {
    explicit Token(std::shared_ptr<State> s) : state(std::move(s)) {}
    ~Token() {
      {
        std::lock_guard lock(state->mu);
        --state->count;
      }
      state->cv.notify_all();
    }
    Token(const Token&) = delete;
    Token& operator=(const Token&) = delete;
    std::shared_ptr<State> state;
  };

  int max_;
  std::shared_ptr<State> state_;
};

}  // namespace casewatch
