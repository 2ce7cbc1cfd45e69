// Waits for a condition that the code under test (on its own thread) must eventually make true.
// The limit only keeps a broken build from hanging; nothing asserts how long it took.
//
// Header-only.
#pragma once

#include <chrono>
#include <thread>

namespace casewatch::testing {

template <typename Pred>
bool eventually(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace casewatch::testing
