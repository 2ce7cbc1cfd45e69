#include "alerts/sinks/retry_stage.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>

namespace casewatch {
namespace {

using ::testing::ElementsAre;

// A sink that answers from a script (then kDelivered) and records what it was given.
class ScriptedSink : public BatchSink {
 public:
  explicit ScriptedSink(bool batches) : batches_(batches) {}
  std::string_view name() const override { return "scripted"; }
  SinkOutcome deliverBatch(std::span<const AlertChange* const> changes) override {
    ++attempts;
    SinkOutcome o = SinkOutcome::kDelivered;
    if (!script.empty()) {
      o = script.front();
      script.pop_front();
    }
    batch_sizes.push_back(changes.size());
    if (o == SinkOutcome::kDelivered) {
      for (const AlertChange* c : changes) delivered.push_back(c->note);
    }
    return o;
  }
  SinkOutcome deliver(const AlertChange& c) override {
    if (batches_) return BatchSink::deliver(c);
    const AlertChange* one = &c;
    return deliverBatch({&one, 1});
  }
  std::deque<SinkOutcome> script;
  std::vector<std::string> delivered;
  std::vector<size_t> batch_sizes;
  int attempts = 0;

 private:
  bool batches_;
};

// A plain Sink (no batches) over a script.
class PlainSink : public Sink {
 public:
  std::string_view name() const override { return "plain"; }
  SinkOutcome deliver(const AlertChange& c) override {
    SinkOutcome o = SinkOutcome::kDelivered;
    if (!script.empty()) {
      o = script.front();
      script.pop_front();
    }
    if (o == SinkOutcome::kDelivered) delivered.push_back(c.note);
    return o;
  }
  std::deque<SinkOutcome> script;
  std::vector<std::string> delivered;
};

AlertChange change(std::string note, std::string alert_id = "a") {
  AlertChange c;
  c.alert.alert_id = std::move(alert_id);
  c.note = std::move(note);
  return c;
}

RetryStage::Options noJitter() {
  RetryStage::Options o;
  o.policy.initial_backoff_ms = 100;
  o.policy.max_backoff_ms = 1000;
  o.policy.jitter = 0;
  return o;
}

TEST(RetryStageTest, DeliversInOrderAndBacksOffExponentiallyUpToTheCap) {
  PlainSink sink;
  RetryStage stage(sink, noJitter());
  sink.script = {SinkOutcome::kRetryLater, SinkOutcome::kRetryLater, SinkOutcome::kRetryLater,
                 SinkOutcome::kRetryLater, SinkOutcome::kRetryLater};
  stage.submit(change("1"));
  stage.submit(change("2"));
  EXPECT_EQ(stage.pump(0), 100);
  EXPECT_EQ(stage.pump(50), 100);  // still backing off: no attempt
  EXPECT_EQ(sink.script.size(), 4u);
  EXPECT_EQ(stage.pump(100), 100 + 200);
  EXPECT_EQ(stage.pump(300), 300 + 400);
  EXPECT_EQ(stage.pump(700), 700 + 800);
  EXPECT_EQ(stage.pump(1500), 1500 + 1000);  // capped
  EXPECT_TRUE(sink.delivered.empty());
  EXPECT_EQ(stage.pump(2500), std::nullopt);  // the peer is back: everything, in order
  EXPECT_THAT(sink.delivered, ElementsAre("1", "2"));
  EXPECT_EQ(stage.stats().retries, 5u);
  EXPECT_EQ(stage.stats().delivered, 2u);
  EXPECT_EQ(stage.currentBackoffMs(), 0);
  // The backoff starts over after a success.
  sink.script = {SinkOutcome::kRetryLater};
  stage.submit(change("3"));
  EXPECT_EQ(stage.pump(3000), 3100);
}

TEST(RetryStageTest, GivingUpDropsAndCountsAndMovesOn) {
  PlainSink sink;
  RetryStage stage(sink, noJitter());
  sink.script = {SinkOutcome::kGiveUp};
  stage.submit(change("bad"));
  stage.submit(change("good"));
  EXPECT_EQ(stage.pump(0), std::nullopt);
  EXPECT_THAT(sink.delivered, ElementsAre("good"));
  EXPECT_EQ(stage.stats().given_up, 1u);
}

TEST(RetryStageTest, CoalescingKeepsOnlyTheLatestStatePerKeyInPlace) {
  PlainSink sink;
  RetryStage::Options o = noJitter();
  o.coalesce_key = [](const AlertChange& c) { return c.alert.alert_id; };
  RetryStage stage(sink, o);
  sink.script = {SinkOutcome::kRetryLater};
  stage.submit(change("a1", "a"));
  stage.pump(0);
  stage.submit(change("b1", "b"));
  stage.submit(change("a2", "a"));
  stage.submit(change("b2", "b"));
  stage.submit(change("c1", "c"));
  EXPECT_EQ(stage.queued(), 3u);
  EXPECT_EQ(stage.stats().coalesced, 2u);
  stage.pump(100);
  EXPECT_THAT(sink.delivered, ElementsAre("a2", "b2", "c1"));
  // Once delivered, the key is free again.
  stage.submit(change("a3", "a"));
  stage.pump(200);
  EXPECT_THAT(sink.delivered, ElementsAre("a2", "b2", "c1", "a3"));
}

TEST(RetryStageTest, BatchSinksGetBatchesAllOrNothing) {
  ScriptedSink sink(true);
  RetryStage::Options o = noJitter();
  o.max_batch = 2;
  RetryStage stage(sink, o);
  sink.script = {SinkOutcome::kDelivered, SinkOutcome::kRetryLater};
  for (int i = 1; i <= 5; ++i) stage.submit(change(std::to_string(i)));
  EXPECT_EQ(stage.pump(0), 100);
  EXPECT_THAT(sink.delivered, ElementsAre("1", "2"));
  EXPECT_EQ(stage.queued(), 3u);
  stage.pump(100);
  EXPECT_THAT(sink.delivered, ElementsAre("1", "2", "3", "4", "5"));
  EXPECT_THAT(sink.batch_sizes, ElementsAre(2, 2, 2, 1));
}

TEST(RetryStageTest, AFullQueueDropsTheOldest) {
  PlainSink sink;
  RetryStage::Options o = noJitter();
  o.max_queue = 2;
  RetryStage stage(sink, o);
  sink.script = {SinkOutcome::kRetryLater};
  stage.submit(change("1"));
  stage.pump(0);
  stage.submit(change("2"));
  stage.submit(change("3"));
  EXPECT_EQ(stage.stats().overflowed, 1u);
  stage.pump(100);
  EXPECT_THAT(sink.delivered, ElementsAre("2", "3"));
}

TEST(RetryStageTest, DrainIgnoresTheBackoffButNotTheAttemptLimit) {
  PlainSink sink;
  RetryStage stage(sink, noJitter());
  sink.script = {SinkOutcome::kRetryLater, SinkOutcome::kRetryLater};
  stage.submit(change("1"));
  stage.pump(0);
  stage.drain(1, 1);  // one failed attempt allowed
  EXPECT_EQ(stage.queued(), 1u);
  stage.drain(2, 1);
  EXPECT_THAT(sink.delivered, ElementsAre("1"));
}

TEST(RetryStageTest, JitterStaysWithinItsBand) {
  PlainSink sink;
  RetryStage::Options o = noJitter();
  o.policy.jitter = 0.1;
  o.policy.max_backoff_ms = 100;
  RetryStage stage(sink, o);
  stage.submit(change("1"));
  int64_t now = 0;
  for (int i = 0; i < 50; ++i) {
    sink.script = {SinkOutcome::kRetryLater};
    const auto next = stage.pump(now);
    ASSERT_TRUE(next.has_value());
    EXPECT_GE(*next - now, 90);
    EXPECT_LE(*next - now, 110);
    now = *next;
  }
}

}  // namespace
}  // namespace casewatch
