// A Clock (base/clock.h) that stands where the test puts it: no wall clock in a test.
//
// Header-only. set() and now() from any thread (an atomic), so a test may move it while a
// component on another thread reads it.
#pragma once

#include <atomic>

#include "base/clock.h"

namespace casewatch::testing {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeMs start = 0) : now_(start) {}
  TimeMs now() const override { return now_.load(std::memory_order_relaxed); }
  void set(TimeMs t) { now_.store(t, std::memory_order_relaxed); }

 private:
  std::atomic<TimeMs> now_;
};

}  // namespace casewatch::testing
