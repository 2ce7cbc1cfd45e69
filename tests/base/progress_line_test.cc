#include "base/progress_line.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/fakes/manual_clock.h"

namespace casewatch {
namespace {

using testing::ManualClock;

struct Sink {
  std::string text;
  int writes = 0;
  ProgressLine::Write write() {
    return [this](std::string_view s) {
      text += s;
      ++writes;
    };
  }
};

ProgressLine::Options options(bool terminal, uint64_t total) {
  ProgressLine::Options o;
  o.label = "replay";
  o.position.total = total;
  o.terminal = terminal;
  return o;
}

constexpr uint64_t kMiB = 1024 * 1024;

TEST(ProgressLine, OnATerminalRefreshesInPlaceAboutTwiceASecond) {
  ManualClock clock(1000);
  Sink sink;
  ProgressLine p(options(true, 400 * kMiB), clock, sink.write());
  clock.set(1200);
  p.update(1000, 1 * kMiB);
  EXPECT_EQ(sink.writes, 0) << "before refresh_ms: nothing";
  clock.set(3000);  // 2 s in, a quarter through
  p.update(800000, 100 * kMiB);
  EXPECT_EQ(sink.text,
            "\rreplay: 800,000 events  400,000 events/s  100.0 of 400.0 MiB (25%)  ETA 0:06");
  clock.set(3100);
  p.update(900000, 110 * kMiB);
  EXPECT_EQ(sink.writes, 1) << "within 500 ms of the last refresh";
}

TEST(ProgressLine, TheSummaryReplacesTheTerminalLine) {
  ManualClock clock(0);
  Sink sink;
  ProgressLine p(options(true, 4 * kMiB), clock, sink.write());
  clock.set(1000);
  p.update(10, 1 * kMiB);
  sink.text.clear();
  clock.set(4000);
  p.update(2000, 4 * kMiB);
  sink.text.clear();
  p.finish(", 3 alerts");
  // Shorter than the progress line: blanked first, then the summary on its own line.
  const std::string summary = "replay: 2,000 events in 4.0 s (500 events/s), 4.0 MiB, 3 alerts\n";
  ASSERT_GE(sink.text.size(), summary.size());
  EXPECT_EQ(sink.text.front(), '\r');
  EXPECT_EQ(sink.text.substr(sink.text.size() - summary.size()), summary);
  EXPECT_EQ(sink.text.find('\n'), sink.text.size() - 1);
}

TEST(ProgressLine, NotOnATerminalOnlyTheSummaryLine) {
  ManualClock clock(0);
  Sink sink;
  ProgressLine p(options(false, 0), clock, sink.write());
  for (int i = 1; i <= 10; ++i) {
    clock.set(i * 1000);
    p.update(static_cast<uint64_t>(i) * 100, static_cast<uint64_t>(i) * kMiB);
  }
  EXPECT_EQ(sink.writes, 0);
  clock.set(10000);
  p.finish();
  p.finish();  // once only
  EXPECT_EQ(sink.text, "replay: 1,000 events in 10.0 s (100 events/s), 10.0 MiB\n");
  EXPECT_EQ(sink.writes, 1);
}

TEST(ProgressLine, UnknownTotalHasNoPercentOrEta) {
  ManualClock clock(0);
  Sink sink;
  ProgressLine p(options(true, 0), clock, sink.write());
  clock.set(1000);
  p.update(5, 3 * kMiB);
  EXPECT_EQ(sink.text, "\rreplay: 5 events  5 events/s  3.0 MiB");
}

TEST(ProgressLine, ANamedPositionUnitAndHours) {
  ManualClock clock(0);
  Sink sink;
  ProgressLine::Options o;
  o.label = "feedgen";
  o.position = {"days", 1000};
  o.terminal = true;
  ProgressLine p(o, clock, sink.write());
  clock.set(3600 * 1000);  // an hour for one day of a thousand
  p.update(7, 1);
  EXPECT_EQ(sink.text, "\rfeedgen: 7 events  0 events/s  1 of 1,000 days (0%)  ETA 999:00:00");
}

TEST(ProgressLine, ALongerLineBlanksNothingAShorterOneBlanksTheRest) {
  ManualClock clock(0);
  Sink sink;
  ProgressLine p(options(true, 0), clock, sink.write());
  clock.set(1000);
  p.update(1000000, 0);
  const size_t first = sink.text.size() - 1;  // without the "\r"
  sink.text.clear();
  clock.set(200000);
  p.update(1000001, 0);  // the rate falls: a shorter line
  EXPECT_EQ(sink.text.size() - 1, first) << "padded to the previous width: '" << sink.text << "'";
}

TEST(ProgressLine, Thousands) {
  EXPECT_EQ(withThousands(0), "0");
  EXPECT_EQ(withThousands(999), "999");
  EXPECT_EQ(withThousands(1000), "1,000");
  EXPECT_EQ(withThousands(1234567), "1,234,567");
}

}  // namespace
}  // namespace casewatch
