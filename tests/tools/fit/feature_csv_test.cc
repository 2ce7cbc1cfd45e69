// The prepared table of `casewatch fit escalation --features`: values land where they belong
// whether a row takes the plain path (numbers and commas) or the general one (blanks, quotes,
// CRLF), and every malformed line is named with its line number and column.
#include "tools/fit/feature_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace casewatch::fit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string error(std::string_view csv) {
  auto t = parseFeatureCsv(csv);
  EXPECT_FALSE(t.ok()) << csv;
  return t.ok() ? "" : std::string(t.status().message());
}

void expectSameTable(const FeatureTable& a, const FeatureTable& b) {
  EXPECT_EQ(a.names, b.names);
  ASSERT_EQ(a.x.rows(), b.x.rows());
  ASSERT_EQ(a.x.cols(), b.x.cols());
  EXPECT_TRUE(a.x == b.x) << a.x << "\n---\n" << b.x;
  EXPECT_TRUE(a.y == b.y);
}

TEST(FeatureCsvTest, ReadsValuesWithTheLabelInAnyColumn) {
  auto t = parseFeatureCsv("a,y,b\n1.5,0,-2\n+3,1,1e-3\n-0.25,1,7\n");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->names, ElementsAre("a", "b"));
  ASSERT_EQ(t->x.rows(), 3);
  ASSERT_EQ(t->x.cols(), 2);
  EXPECT_EQ(t->x(0, 0), 1.5);
  EXPECT_EQ(t->x(0, 1), -2);
  EXPECT_EQ(t->x(1, 0), 3);
  EXPECT_EQ(t->x(1, 1), 1e-3);
  EXPECT_EQ(t->x(2, 0), -0.25);
  EXPECT_EQ(t->x(2, 1), 7);
  EXPECT_EQ(t->y[0], 0);
  EXPECT_EQ(t->y[1], 1);
  EXPECT_EQ(t->y[2], 1);
}

TEST(FeatureCsvTest, ShortestRoundTripTextReadsBackToTheSameDouble) {
  auto t = parseFeatureCsv("a,y\n0.1,0\n-1.0921732151041414,1\n2.2250738585072014e-308,0\n");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->x(0, 0), 0.1);
  EXPECT_EQ(t->x(1, 0), -1.0921732151041414);
  EXPECT_EQ(t->x(2, 0), 2.2250738585072014e-308);
}

TEST(FeatureCsvTest, BlanksQuotesAndCrlfGiveTheSameTableAsPlainRows) {
  auto plain = parseFeatureCsv("a,b,y\n1,2.5,0\n3,-4,1\n5,6e2,1\n");
  ASSERT_TRUE(plain.ok()) << plain.status();
  for (const char* other : {
           "a,b,y\r\n1,2.5,0\r\n3,-4,1\r\n5,6e2,1\r\n",                // CRLF
           "a,b,y\r\n1,2.5,0\r\n3,-4,1\r\n5,6e2,1",                    // CRLF, no final newline
           "a,b,y\n1,2.5,0\n3,-4,1\n5,6e2,1",                          // no final newline
           " a , b ,\"y\"\n 1,\t2.5 ,0\n\"3\",-4, 1\n5 ,6e2,\"1\"\n",  // blanks and quotes
           "a,b,y\n1\r,2.5,0\n3,-4,1 \n5,6e2,1\r\r\n",                 // CR and blanks inside
           "\n  \na,b,y\n\n1,2.5,0\n \t\n3,-4,1\n5,6e2,1\n\n\n",       // blank lines
       }) {
    auto t = parseFeatureCsv(other);
    ASSERT_TRUE(t.ok()) << t.status() << " in " << other;
    expectSameTable(*plain, *t);
  }
}

TEST(FeatureCsvTest, EmptyInputSaysSo) {
  EXPECT_EQ(error(""), "line 1: the file is empty (no header)");
  EXPECT_EQ(error("\n \r\n\t\n"), "line 1: the file is empty (no header)");
  EXPECT_EQ(error("a,y\n"), "the file has a header but no rows");
  EXPECT_EQ(error("a,y"), "the file has a header but no rows");
  EXPECT_EQ(error("a,y\r\n\r\n"), "the file has a header but no rows");
}

TEST(FeatureCsvTest, MalformedNumbersNameTheLineAndColumn) {
  for (const char* bad : {"1.2.3", "1e", "--1", "+", "++1", "0x10", "1,5", "inf", "-inf", "nan",
                          "1e400", "abc", "1 2", "\"\"", "."}) {
    const std::string csv = std::string("a,b,y\n1,2,0\n3,") + bad + ",1\n";
    EXPECT_THAT(error(csv), HasSubstr("line 3")) << bad;
    if (std::string(bad) != "1,5") {
      EXPECT_THAT(error(csv), HasSubstr("line 3, column \"b\": ")) << bad;
      EXPECT_THAT(error(csv), HasSubstr(" is not a finite number")) << bad;
    }
  }
  EXPECT_EQ(error("a,b,y\n1,2,0\n3,n/a,1\n"),
            "line 3, column \"b\": \"n/a\" is not a finite number");
  // An empty field is a missing number, not a zero.
  EXPECT_EQ(error("a,b,y\n1,,0\n"), "line 2, column \"b\": \"\" is not a finite number");
  EXPECT_EQ(error("a,b,y\n1,2,\n"), "line 2, column \"y\": \"\" is not a finite number");
}

TEST(FeatureCsvTest, MissingOrExtraFieldsNameTheLine) {
  EXPECT_EQ(error("a,b,y\n1,2,0\n1,2\n"), "line 3: expected 3 fields as in the header, got 2");
  EXPECT_EQ(error("a,b,y\n1,2,0\n1\n"), "line 3: expected 3 fields as in the header, got 1");
  EXPECT_EQ(error("a,b,y\n1,2,0,\n"), "line 2: expected 3 fields as in the header, got 4");
  EXPECT_EQ(error("a,b,y\n1,2,0,4\n"), "line 2: expected 3 fields as in the header, got 4");
  // Line numbers count blank lines and CRLF lines like any other.
  EXPECT_EQ(error("a,b,y\r\n\r\n1,2,0\r\n\r\n1,2\r\n"),
            "line 5: expected 3 fields as in the header, got 2");
  // The last line, without its newline, is checked too.
  EXPECT_EQ(error("a,b,y\n1,2,0\n1,2"), "line 3: expected 3 fields as in the header, got 2");
}

TEST(FeatureCsvTest, LabelMustBeZeroOrOne) {
  EXPECT_EQ(error("a,y\n1,0\n2,2\n"), "line 3, column \"y\": \"2\" is not 0 or 1");
  EXPECT_EQ(error("a,y\n1,0\n2,0.5\r\n"), "line 3, column \"y\": \"0.5\" is not 0 or 1");
  auto t = parseFeatureCsv("a,y\n1,0.0\n2,1e0\n3,-0\n");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->y[0], 0);
  EXPECT_EQ(t->y[1], 1);
  EXPECT_EQ(t->y[2], 0);
}

TEST(FeatureCsvTest, HeaderErrors) {
  EXPECT_EQ(error("a,b\n1,2\n"),
            "line 1: the header has no column \"y\" (the 0/1 label), got \"a,b\"");
  EXPECT_EQ(error("\na,,y\n"), "line 2: column 2 of the header has no name");
  EXPECT_EQ(error("a,a,y\n"), "line 1: column \"a\" appears twice");
  EXPECT_EQ(error("y\n1\n"), "line 1: the header has no feature column besides \"y\"");
}

}  // namespace
}  // namespace casewatch::fit
