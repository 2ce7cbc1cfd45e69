#include "daemon/journal/event_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/daemon/journal/journal_test_support.h"

namespace casewatch {
namespace {

using testing::expectSameEvent;
using testing::fullEvent;

TEST(EventCodecTest, RoundTripsEveryFieldForEveryEventType) {
  for (size_t t = 0; t < kEventTypeCount; ++t) {
    SCOPED_TRACE(eventTypeName(static_cast<EventType>(t)));
    const CaseEvent in = fullEvent(static_cast<EventType>(t), static_cast<int>(t));
    std::string buf;
    encodeEvent(in, buf);
    CaseEvent out;
    ASSERT_TRUE(decodeEvent(buf, out));
    expectSameEvent(in, out);
  }
}

TEST(EventCodecTest, RoundTripsDefaultsAndEveryEnumValue) {
  CaseEvent in;  // all defaults: no seq, no amount, empty strings
  std::string buf;
  encodeEvent(in, buf);
  CaseEvent out = fullEvent(EventType::kVisit, 1);  // decode must overwrite every field
  ASSERT_TRUE(decodeEvent(buf, out));
  expectSameEvent(in, out);

  for (uint8_t v = 0; v < 5; ++v) {
    CaseEvent e = fullEvent(EventType::kClosed, v);
    e.channel = static_cast<Channel>(v);
    e.level = e.competent_level = e.to_level = static_cast<Level>(v);
    e.outcome = static_cast<Outcome>(v % 4);
    e.satisfaction = static_cast<Satisfaction>(v % 3);
    e.has_seq = v % 2 == 0;
    e.seq = e.has_seq ? e.seq : 0;
    e.resolved = v % 2 == 1;
    e.ts = v % 2 ? -86400000 * int64_t{v} : std::numeric_limits<TimeMs>::max();
    buf.clear();
    encodeEvent(e, buf);
    ASSERT_TRUE(decodeEvent(buf, out));
    expectSameEvent(e, out);
  }
}

TEST(EventCodecTest, KeepsAmountBitsExactly) {
  for (double amount : {0.1, -0.0, 1e300, std::numeric_limits<double>::denorm_min()}) {
    CaseEvent e = fullEvent(EventType::kAidGranted, 3);
    e.amount = amount;
    std::string buf;
    encodeEvent(e, buf);
    CaseEvent out;
    ASSERT_TRUE(decodeEvent(buf, out));
    EXPECT_EQ(std::signbit(out.amount), std::signbit(amount));
    EXPECT_EQ(out.amount, amount);
  }
}

TEST(EventCodecTest, AppendsWithoutClearingTheBuffer) {
  std::string buf = "prefix";
  encodeEvent(fullEvent(EventType::kVisit, 1), buf);
  ASSERT_TRUE(buf.starts_with("prefix"));
  CaseEvent out;
  EXPECT_TRUE(decodeEvent(std::string_view(buf).substr(6), out));
}

TEST(EventCodecTest, RejectsEveryTruncationAndTrailingBytes) {
  std::string buf;
  encodeEvent(fullEvent(EventType::kRegistered, 9), buf);
  CaseEvent out;
  for (size_t n = 0; n < buf.size(); ++n) {
    EXPECT_FALSE(decodeEvent(std::string_view(buf).substr(0, n), out)) << "length " << n;
  }
  EXPECT_FALSE(decodeEvent(buf + '\0', out));
}

TEST(EventCodecTest, RejectsUnknownVersionTypeFlagsAndEnums) {
  std::string good;
  encodeEvent(CaseEvent{}, good);
  CaseEvent out;
  ASSERT_TRUE(decodeEvent(good, out));

  std::string bad = good;
  bad[0] = 2;  // codec version
  EXPECT_FALSE(decodeEvent(bad, out));
  bad = good;
  bad[1] = static_cast<char>(kEventTypeCount);  // event type
  EXPECT_FALSE(decodeEvent(bad, out));
  bad = good;
  bad[2] = 8;  // an unknown flag bit
  EXPECT_FALSE(decodeEvent(bad, out));

  // Defaults encode as: version, type, flags, ts(1), 10 empty strings, 0 persons, then the six
  // enum bytes at offset 15.
  for (size_t at = 15; at < 21; ++at) {
    bad = good;
    bad[at] = 9;
    EXPECT_FALSE(decodeEvent(bad, out)) << "enum at " << at;
  }
}

}  // namespace
}  // namespace casewatch
