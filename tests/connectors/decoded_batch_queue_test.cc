#include "connectors/decoded_batch_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace casewatch {
namespace {

DecodedBatchPtr batchNumbered(int n, bool end = false) {
  auto b = std::make_unique<DecodedBatch>();
  b->feed = std::to_string(n);
  b->end_of_input = end;
  return b;
}

TEST(DecodedBatchQueue, HandsBatchesOverInOrderAcrossThreads) {
  DecodedBatchQueue q;
  constexpr int kBatches = 2000;
  std::thread producer([&q] {
    for (int i = 0; i < kBatches; ++i) q.push(batchNumbered(i, i == kBatches - 1));
  });
  int next = 0;
  for (bool end = false; !end;) {
    DecodedBatchPtr b = q.pop();
    ASSERT_EQ(b->feed, std::to_string(next));
    end = b->end_of_input;
    ++next;
  }
  producer.join();
  EXPECT_EQ(next, kBatches);
}

TEST(DecodedBatchQueue, PopWaitsForAPush) {
  DecodedBatchQueue q;
  std::atomic<bool> popped{false};
  std::thread consumer([&] {
    DecodedBatchPtr b = q.pop();
    EXPECT_EQ(b->feed, "7");
    popped = true;
  });
  // Nothing to pop yet: the consumer must still be waiting (not handed a null batch).
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(popped.load());
  q.push(batchNumbered(7));
  consumer.join();
  EXPECT_TRUE(popped.load());
}

}  // namespace
}  // namespace casewatch
