#include "connectors/decoded_batch_ring.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace casewatch {
namespace {

TEST(DecodedBatchRing, HandsBatchesOverInOrderAndRecyclesTheSlots) {
  DecodedBatchRing ring(3);
  constexpr int kBatches = 2000;
  std::thread producer([&ring] {
    for (int i = 0; i < kBatches; ++i) {
      DecodedBatch* b = ring.acquire();
      ASSERT_NE(b, nullptr);
      b->feed = std::to_string(i);
      b->end_of_input = i == kBatches - 1;
      ring.push(b);
    }
  });
  int next = 0;
  std::set<DecodedBatch*> slots;
  for (bool end = false; !end;) {
    DecodedBatch* b = ring.pop();
    ASSERT_NE(b, nullptr);
    ASSERT_EQ(b->feed, std::to_string(next));
    end = b->end_of_input;
    slots.insert(b);
    ring.release(b);
    ++next;
  }
  producer.join();
  EXPECT_EQ(next, kBatches);
  EXPECT_EQ(slots.size(), 3u);  // the same three slots, over and over
}

TEST(DecodedBatchRing, AHandedBackBatchKeepsItsStorage) {
  DecodedBatchRing ring(1);
  DecodedBatch* b = ring.acquire();
  b->events.resize(10);
  b->events[3].case_id.assign(100, 'x');
  const size_t capacity = b->events.capacity();
  ring.push(b);
  DecodedBatch* got = ring.pop();
  ASSERT_EQ(got, b);
  ring.release(got);
  DecodedBatch* again = ring.acquire();
  ASSERT_EQ(again, b);
  EXPECT_EQ(again->events.capacity(), capacity);
  EXPECT_EQ(again->events[3].case_id.size(), 100u);
}

TEST(DecodedBatchRing, CloseWakesAWaitingConsumerWithNothing) {
  DecodedBatchRing ring(2);
  DecodedBatch* got = reinterpret_cast<DecodedBatch*>(1);
  std::thread consumer([&] { got = ring.pop(); });
  ring.close();
  consumer.join();
  EXPECT_EQ(got, nullptr);
}

TEST(DecodedBatchRing, CloseWakesAProducerWaitingForASlot) {
  DecodedBatchRing ring(1);
  ring.push(ring.acquire());  // the only slot is with the consumer
  DecodedBatch* got = reinterpret_cast<DecodedBatch*>(1);
  std::thread producer([&] { got = ring.acquire(); });
  ring.close();
  producer.join();
  EXPECT_EQ(got, nullptr);
}

}  // namespace
}  // namespace casewatch
