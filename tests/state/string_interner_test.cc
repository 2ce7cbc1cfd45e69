#include "state/string_interner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace casewatch {
namespace {

TEST(StringInterner, GivesEachStringOneIdAndIdZeroToTheEmptyString) {
  StringInterner s;
  EXPECT_EQ(s.find(""), 0u);
  EXPECT_EQ(s.intern(""), 0u);
  const uint32_t a = s.intern("520301");
  const uint32_t b = s.intern("agency-7");
  EXPECT_NE(a, b);
  EXPECT_EQ(s.intern("520301"), a);
  EXPECT_EQ(s.find("agency-7"), b);
  EXPECT_EQ(s.find("never"), 0u);
  EXPECT_EQ(s.name(a), "520301");
  EXPECT_EQ(s.name(0), "");
  EXPECT_EQ(s.size(), 3u);
}

TEST(StringInterner, NamesStayValidAsItGrowsAndWhenMoved) {
  StringInterner s;
  std::vector<std::string_view> views;
  std::vector<std::string> want;
  for (int i = 0; i < 50000; ++i) {
    // Short, chunk-filling and longer-than-a-chunk-quarter strings alike.
    std::string v = "ZY-2026-" + std::to_string(i);
    if (i % 1000 == 7) v += std::string(20000, 'x');
    want.push_back(v);
    views.push_back(s.name(s.intern(v)));
  }
  StringInterner moved = std::move(s);
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(views[i], want[i]) << i;
    ASSERT_EQ(moved.find(want[i]), i + 1) << i;
  }
  EXPECT_EQ(moved.intern("new"), want.size() + 1);
}

TEST(StringInterner, SavesAndLoadsWithTheSameIds) {
  StringInterner s;
  for (int i = 0; i < 1000; ++i) s.intern("m:520301-land-" + std::to_string(i * 7));
  std::string buf;
  ArchiveOut out(buf);
  s.save(out);
  StringInterner loaded;
  loaded.intern("left over");  // replaced by the load
  ArchiveIn in(buf);
  ASSERT_TRUE(loaded.load(in));
  ASSERT_EQ(loaded.size(), s.size());
  for (uint32_t i = 0; i < s.size(); ++i) {
    ASSERT_EQ(loaded.name(i), s.name(i));
    ASSERT_EQ(loaded.find(s.name(i)), i);
  }
  EXPECT_EQ(loaded.find("left over"), 0u);
}

TEST(StringInterner, RefusesALoadWithADuplicate) {
  std::string buf;
  ArchiveOut out(buf);
  out.count(3);
  out.str("");
  out.str("a");
  out.str("a");
  StringInterner loaded;
  ArchiveIn in(buf);
  EXPECT_FALSE(loaded.load(in));
}

}  // namespace
}  // namespace casewatch
