// The clock every component reads. Injected, so that replay and tests run on event time.
//
// Thread-safety: `now()` may be called from any thread; `EventClock::advanceTo` only from the
// thread that owns the pipeline.
#pragma once

#include <atomic>
#include <chrono>

#include "base/time.h"

namespace casewatch {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs now() const = 0;
};

// The wall clock, for the live daemon.
class SystemClock final : public Clock {
 public:
  TimeMs now() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Monotonic milliseconds (std::chrono::steady_clock), for measuring how long something takes:
// never jumps when the wall clock is set.
class SteadyClock final : public Clock {
 public:
  TimeMs now() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

// Event time: the latest `ts` seen (never moves backwards). Replay, demo and tests run on it.
class EventClock final : public Clock {
 public:
  explicit EventClock(TimeMs start = 0) : now_(start) {}
  TimeMs now() const override { return now_.load(std::memory_order_relaxed); }
  // Moves forward to `t`; an earlier `t` leaves the clock where it is. Returns the new time.
  TimeMs advanceTo(TimeMs t) {
    if (t > now_.load(std::memory_order_relaxed)) now_.store(t, std::memory_order_relaxed);
    return now();
  }

 private:
  std::atomic<TimeMs> now_;
};

}  // namespace casewatch
