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
  // Sanitised for the dead letters: only contract fields, re-serialised compactly (the same
  // bytes here, as the line holds nothing else).
  EXPECT_EQ(r.raw, acceptedLine("ahead"));
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

TEST_F(BatchDecoderTest, ARejectionKeepsNoRawPersonIdNorUnknownField) {
  IngestConfig ingest;
  BatchDecoder decoder(pseudonymizer_, decoderLimits(ingest), ingest.dead_letter_max_bytes);
  DecodedBatch batch;
  decoder.add(
      R"({"v":1,"event_id":"e","source":"t","type":"visit","ts":"bad","persons":["id:RAW-1"],)"
      R"("matter":"m","region":"520302","level":"county","phone":"13800138000"})",
      batch, ts_);
  decoder.add(R"({"persons":["id:RAW-2"],"v":1,"event_id":"cut)", batch, ts_);
  ASSERT_EQ(batch.rejections.size(), 2u);
  EXPECT_EQ(batch.rejections[0].reason, RejectReason::kBadTimestamp);
  EXPECT_EQ(batch.rejections[0].raw,
            R"({"v":1,"event_id":"e","source":"t","type":"visit","ts":"bad","persons":[")" +
                Pseudonymizer::format(pseudonymizer_.pseudonymise("id:RAW-1")) +
                R"("],"matter":"m","region":"520302","level":"county"})");
  EXPECT_EQ(batch.rejections[1].reason, RejectReason::kInvalidJson);
  EXPECT_EQ(batch.rejections[1].raw.find("RAW-2"), std::string::npos) << batch.rejections[1].raw;
  EXPECT_EQ(batch.rejections[1].raw_size, 45u);
}

TEST_F(BatchDecoderTest, RecycledEventsAreDecodedIntoAfresh) {
  IngestConfig ingest;
  BatchDecoder decoder(pseudonymizer_, decoderLimits(ingest), ingest.dead_letter_max_bytes);
  DecodedBatch batch;
  decoder.add(acceptedLine("first"), batch, ts_);
  decoder.add(acceptedLine("second"), batch, ts_);
  ASSERT_EQ(batch.events.size(), 2u);
  const CaseEvent want = batch.events[1];
  decoder.recycle(batch.events);
  EXPECT_TRUE(batch.events.empty());
  // The next events land in the recycled ones: nothing of the old content shows.
  decoder.add(acceptedLine("third"), batch, ts_);
  decoder.add(acceptedLine("second"), batch, ts_);
  ASSERT_EQ(batch.events.size(), 2u);
  EXPECT_EQ(batch.events[0].event_id, "third");
  EXPECT_EQ(batch.events[1].event_id, want.event_id);
  EXPECT_EQ(batch.events[1].case_id, want.case_id);
  EXPECT_EQ(batch.events[1].persons, want.persons);
  EXPECT_EQ(batch.events[1].ts, want.ts);
}

}  // namespace
}  // namespace casewatch
