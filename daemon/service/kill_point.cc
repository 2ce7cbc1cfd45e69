#include "daemon/service/kill_point.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <string>

namespace casewatch {
namespace {

std::atomic<bool> armed{false};
std::string armed_point;  // written once, before `armed`
std::atomic<long> passes_left{0};

}  // namespace

bool armKillPointForTest(std::string_view spec) {
  const size_t colon = spec.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  long n = 0;
  const std::string_view count = spec.substr(colon + 1);
  const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
  if (ec != std::errc() || end != count.data() + count.size() || n < 1) return false;
  armed_point = std::string(spec.substr(0, colon));
  passes_left.store(n);
  armed.store(true, std::memory_order_release);
  return true;
}

void killPointForTest(std::string_view point) {
  if (!armed.load(std::memory_order_relaxed)) return;
  if (point != armed_point) return;
  if (passes_left.fetch_sub(1) != 1) return;
  const std::string line = "kill point " + armed_point + " reached: SIGKILL\n";
  (void)!::write(2, line.data(), line.size());
  ::kill(::getpid(), SIGKILL);
}

}  // namespace casewatch
