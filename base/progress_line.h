// Progress of a long command (replay, feedgen, fit) on standard error. On a terminal: one line
// refreshed in place ("\r", about twice a second) with the count, the rate, how far through the
// input and, when its end is known, the percentage and the time left; at the end that line gives
// way to a one-line summary. Not on a terminal (a log, a pipe): nothing while it works, then the
// summary line alone, so logs stay free of carriage returns.
//
//   replay: 1,204,000 events  401,300 events/s  150.2 of 400.0 MiB (37%)  ETA 0:06
//   replay: 3,210,112 events in 8.0 s (401,264 events/s), 400.0 MiB
//
// The clock is injected (a SteadyClock in the commands, a manual one in tests) and so is where
// the text goes. Not thread-safe: one thread calls update() and finish().
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace casewatch {

class ProgressLine {
 public:
  // How far through the input is measured: bytes (shown in MiB) or a named unit ("days").
  struct Position {
    std::string unit = "bytes";
    uint64_t total = 0;  // 0: the end is not known (standard input)
  };
  struct Options {
    std::string label;  // "replay"
    std::string count_unit = "events";
    Position position;
    bool terminal = false;  // refresh in place; otherwise only the summary
    TimeMs refresh_ms = 500;
  };
  using Write = std::function<void(std::string_view)>;

  ProgressLine(Options options, const Clock& clock, Write write);

  // `count` done so far and `position` reached (both only grow); refreshes the terminal line
  // when refresh_ms has passed since the last refresh. Cheap otherwise: one clock read.
  void update(uint64_t count, uint64_t position);
  // The summary line, ending in "\n", with `extra` appended (", 400 cases ..."). Once.
  void finish(std::string_view extra = {});

  // Writes to standard error; terminal() says whether it is one.
  static Write toStderr();
  static bool stderrIsTerminal();

 private:
  std::string positionText(bool with_total) const;

  const Options options_;
  const Clock& clock_;
  const Write write_;
  const TimeMs started_;
  TimeMs last_refresh_;
  uint64_t count_ = 0;
  uint64_t position_ = 0;
  size_t shown_ = 0;  // width of the line on the terminal, to blank it out
  bool finished_ = false;
};

// 1234567 -> "1,234,567".
std::string withThousands(uint64_t n);

}  // namespace casewatch
