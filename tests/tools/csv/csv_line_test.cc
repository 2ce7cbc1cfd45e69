// The analysts' CSV line reader: fields trimmed of blanks, a trailing CR and one pair of quotes;
// the split into a kept vector gives what the returning split gives.
#include "tools/csv/csv_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace casewatch::csv {
namespace {

using ::testing::ElementsAre;

TEST(CsvLineTest, SplitTrimsEachField) {
  EXPECT_THAT(split(" a ,\"b\",\tc\r"), ElementsAre("a", "b", "c"));
  EXPECT_THAT(split("1,,3,"), ElementsAre("1", "", "3", ""));
  EXPECT_THAT(split(""), ElementsAre(""));
}

TEST(CsvLineTest, SplitIntoAKeptVectorClearsItFirst) {
  std::vector<std::string_view> fields = {"left", "over"};
  split("x, y", fields);
  EXPECT_THAT(fields, ElementsAre("x", "y"));
  split("1,2,3\r", fields);
  EXPECT_THAT(fields, ElementsAre("1", "2", "3"));
}

TEST(CsvLineTest, BlankLines) {
  EXPECT_TRUE(blank(""));
  EXPECT_TRUE(blank(" \t\r"));
  EXPECT_FALSE(blank(","));
  EXPECT_FALSE(blank("0"));
}

}  // namespace
}  // namespace casewatch::csv
