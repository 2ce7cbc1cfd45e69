#include "models/escalation_risk/rescore_queue.h"

#include <gtest/gtest.h>

#include <limits>
#include <utility>
#include <vector>

namespace casewatch {
namespace {

using Popped = std::vector<std::pair<TimeMs, CaseIndex>>;

Popped popAllBefore(RescoreQueue& q, TimeMs now) {
  Popped out;
  while (q.hasDueBefore(now)) out.push_back(q.pop());
  return out;
}

TEST(RescoreQueueTest, PopsInTimeOrderAndEqualTimesInTheOrderQueued) {
  RescoreQueue q;
  q.push(300, 7);
  q.push(100, 5);
  q.push(300, 2);
  q.push(200, 9);
  q.push(300, 4);
  q.push(100, 1);
  EXPECT_EQ(q.inOrder(), (Popped{{100, 5}, {100, 1}, {200, 9}, {300, 7}, {300, 2}, {300, 4}}));
  // Strictly before: the entries at 300 stay.
  EXPECT_EQ(popAllBefore(q, 300), (Popped{{100, 5}, {100, 1}, {200, 9}}));
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(popAllBefore(q, 301), (Popped{{300, 7}, {300, 2}, {300, 4}}));
}

TEST(RescoreQueueTest, ACaseIsQueuedUntilItPops) {
  RescoreQueue q;
  EXPECT_FALSE(q.queued(3));
  q.push(100, 3);
  q.push(50, 1000);  // a case index far beyond the others: the bit array grows
  EXPECT_TRUE(q.queued(3));
  EXPECT_TRUE(q.queued(1000));
  EXPECT_FALSE(q.queued(4));
  EXPECT_EQ(q.pop(), (std::pair<TimeMs, CaseIndex>{50, 1000}));
  EXPECT_FALSE(q.queued(1000));
  EXPECT_TRUE(q.queued(3));
  q.clear();
  EXPECT_FALSE(q.queued(3));
  EXPECT_EQ(q.size(), 0u);
  EXPECT_FALSE(q.hasDueBefore(std::numeric_limits<TimeMs>::max()));
}

TEST(RescoreQueueTest, TheOrderOfEqualTimesSurvivesTheOrderNumbersWrapping) {
  RescoreQueue q;
  q.setNextOrderForTest(std::numeric_limits<uint32_t>::max() - 2);
  q.push(100, 1);
  q.push(100, 2);
  q.push(100, 3);  // renumbered first: the numbers would wrap
  q.push(100, 4);
  q.push(50, 5);
  EXPECT_EQ(popAllBefore(q, 101), (Popped{{50, 5}, {100, 1}, {100, 2}, {100, 3}, {100, 4}}));
}

TEST(RescoreQueueTest, EntriesPushedBackInTheirOrderPopAsBefore) {
  RescoreQueue q;
  for (CaseIndex i = 0; i < 50; ++i) q.push(static_cast<TimeMs>((i * 7) % 5), i);
  const Popped saved = q.inOrder();
  RescoreQueue loaded;
  for (const auto& [at, i] : saved) loaded.push(at, i);
  EXPECT_EQ(popAllBefore(loaded, 100), popAllBefore(q, 100));
}

}  // namespace
}  // namespace casewatch
