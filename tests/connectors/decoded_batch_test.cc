#include "connectors/decoded_batch.h"

#include <gtest/gtest.h>

#include "base/time.h"
#include "connectors/ingest_config.h"
#include "tests/fakes/feed_lines.h"

namespace casewatch {
namespace {

using testing::acceptedLine;

class BatchDecoderTest : public ::testing::Test {
 protected:
  // The feed lines' ts: 2026-03-04T09:15:00+08:00.
  const TimeMs ts_ = *parseRfc3339("2026-03-04T09:15:00+08:00");
  Pseudonymizer pseudonymizer_{Pseudonymizer::demoKey()};
};

TEST_F(BatchDecoderTest, AnEventTooFarAheadOfTheWallClockIsRejectedOutOfRange) {
  IngestConfig ingest;  // max_future_skew_minutes: 10
  BatchDecoder decoder(pseudonymizer_, decoderLimits(ingest), ingest.dead_letter_max_bytes);
  DecodedBatch batch;
  decoder.add(acceptedLine("within"), batch, ts_ - 10 * kMsPerMinute);  // exactly at the bound
  decoder.add(acceptedLine("ahead"), batch, ts_ - 11 * kMsPerMinute);   // a minute past it
  decoder.add(acceptedLine("past"), batch, ts_ + 30 * kMsPerDay);       // history: fine
  ASSERT_EQ(batch.events.size(), 2u);
  EXPECT_EQ(batch.events[0].event_id, "within");
  EXPECT_EQ(batch.events[1].event_id, "past");
  ASSERT_EQ(batch.rejections.size(), 1u);
  const Rejection& r = batch.rejections[0];
  EXPECT_EQ(r.reason, RejectReason::kOutOfRange);
  EXPECT_EQ(r.detail,
            "out_of_range: ts is 11 min ahead of the wall clock "
            "(ingest.max_future_skew_minutes 10)");
  EXPECT_EQ(r.raw, acceptedLine("ahead"));  // kept whole for the dead letters
  EXPECT_EQ(r.received_at, ts_ - 11 * kMsPerMinute);
}

TEST_F(BatchDecoderTest, ZeroSkewTakesAnyTimestamp) {
  IngestConfig ingest;
  ingest.max_future_skew_minutes = 0;  // replay's setting
  BatchDecoder decoder(pseudonymizer_, decoderLimits(ingest), ingest.dead_letter_max_bytes);
  DecodedBatch batch;
  decoder.add(acceptedLine("far-ahead"), batch, ts_ - 400 * kMsPerDay);
  EXPECT_EQ(batch.events.size(), 1u);
  EXPECT_TRUE(batch.rejections.empty());
}

TEST_F(BatchDecoderTest, AfterARejectionTheNextEventDecodesWhole) {
  IngestConfig ingest;
  BatchDecoder decoder(pseudonymizer_, decoderLimits(ingest), ingest.dead_letter_max_bytes);
  DecodedBatch batch;
  decoder.add(acceptedLine("ahead"), batch, ts_ - kMsPerDay);
  decoder.add(acceptedLine("next"), batch, ts_);
  ASSERT_EQ(batch.events.size(), 1u);
  EXPECT_EQ(batch.events[0].event_id, "next");
  EXPECT_EQ(batch.events[0].case_id, "C-1");
  EXPECT_EQ(batch.events[0].ts, ts_);
}

}  // namespace
}  // namespace casewatch
