// The two-generation table shared by repeat_visit and group_incident: light slots and values, a key
// touched in the previous generation moving to the current one, forgetting after two generations,
// and reuse of released places.
#include "models/generational_table.h"

#include <gtest/gtest.h>

#include <string>

namespace casewatch {
namespace {

// A slot as the models use one: light entries carry a number, kFull marks a value's index.
struct TestSlot {
  static constexpr uint32_t kFull = 0xffffffffu;
  uint32_t mark;
  uint32_t data;

  bool holdsValue() const { return mark == kFull; }
  uint32_t valueIndex() const { return data; }
  static TestSlot ofValue(uint32_t index) { return TestSlot{kFull, index}; }
};

using Table = GenerationalTable<TestSlot, std::string, 7>;

TEST(GenerationalTableTest, UnknownKeyHasNeitherValueNorSlot) {
  Table t;
  t.rotateIfDue(100);
  std::optional<TestSlot> light;
  EXPECT_EQ(t.find(1, light), nullptr);
  EXPECT_FALSE(light.has_value());
  EXPECT_EQ(t.size(), 0u);
}

TEST(GenerationalTableTest, LightSlotThenValue) {
  Table t;
  t.rotateIfDue(100);
  t.setLight(1, TestSlot{42, 7});
  std::optional<TestSlot> light;
  EXPECT_EQ(t.find(1, light), nullptr);
  ASSERT_TRUE(light.has_value());
  EXPECT_EQ(light->mark, 42u);
  EXPECT_EQ(light->data, 7u);

  t.setValue(1, "tracked");
  std::string* v = t.find(1, light);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(*v, "tracked");
  EXPECT_FALSE(light.has_value());
  EXPECT_EQ(t.size(), 1u);
}

TEST(GenerationalTableTest, RotatesOnlyAfterTheGenerationsDays) {
  Table t;
  t.rotateIfDue(100);
  t.setLight(1, TestSlot{1, 0});
  t.rotateIfDue(106);  // 6 days: same generation
  t.rotateIfDue(107);  // 7 days: 1 is now in the previous generation
  t.setLight(2, TestSlot{2, 0});
  EXPECT_EQ(t.size(), 2u);
  t.rotateIfDue(113);
  EXPECT_EQ(t.size(), 2u);
  t.rotateIfDue(114);  // 1 was not touched for two generations: forgotten
  EXPECT_EQ(t.size(), 1u);
  std::optional<TestSlot> light;
  EXPECT_EQ(t.find(1, light), nullptr);
  EXPECT_FALSE(light.has_value());
  EXPECT_EQ(t.find(2, light), nullptr);
  EXPECT_TRUE(light.has_value());
}

TEST(GenerationalTableTest, TouchedInThePreviousGenerationMovesToTheCurrentOne) {
  Table t;
  t.rotateIfDue(100);
  t.setLight(1, TestSlot{1, 5});
  t.setValue(2, "kept");
  t.rotateIfDue(107);
  std::optional<TestSlot> light;
  EXPECT_EQ(t.find(1, light), nullptr);
  ASSERT_TRUE(light.has_value());
  EXPECT_EQ(light->data, 5u);
  std::string* v = t.find(2, light);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(*v, "kept");
  t.rotateIfDue(114);  // both were moved to the generation started on day 107: still known
  EXPECT_EQ(t.size(), 2u);
  v = t.find(2, light);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(*v, "kept");
}

TEST(GenerationalTableTest, PeekDoesNotMove) {
  Table t;
  t.rotateIfDue(100);
  t.setValue(1, "v");
  t.rotateIfDue(107);
  const std::string* v = nullptr;
  const TestSlot* slot = t.peek(1, v);
  ASSERT_NE(slot, nullptr);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(*v, "v");
  t.rotateIfDue(114);  // peeked, not touched: forgotten
  EXPECT_EQ(t.peek(1, v), nullptr);
  EXPECT_EQ(v, nullptr);
}

TEST(GenerationalTableTest, ReleasedPlacesAreReused) {
  Table t;
  t.rotateIfDue(100);
  t.setValue(1, "a");
  t.release(1);
  const size_t bytes = t.approximateBytes();
  EXPECT_EQ(t.size(), 0u);
  std::optional<TestSlot> light;
  EXPECT_EQ(t.find(1, light), nullptr);
  t.setValue(2, "b");
  EXPECT_EQ(t.approximateBytes(), bytes);  // the released place, not a new one
  const std::string* v = nullptr;
  const TestSlot* slot = t.peek(2, v);
  ASSERT_NE(slot, nullptr);
  EXPECT_EQ(slot->valueIndex(), 0u);
}

TEST(GenerationalTableTest, ClearForgetsEverythingAndRestartsTheGeneration) {
  Table t;
  t.rotateIfDue(100);
  t.setValue(1, "a");
  t.clear();
  EXPECT_EQ(t.size(), 0u);
  t.rotateIfDue(105);  // the first day after a clear starts a generation
  t.setLight(2, TestSlot{0, 0});
  t.rotateIfDue(111);
  EXPECT_EQ(t.size(), 1u);
}

}  // namespace
}  // namespace casewatch
