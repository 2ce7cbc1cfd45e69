// The open cases of each person (models/key_case/open_cases_by_person.h): one case in the slot,
// more in a list aside, in the order they opened.
#include "models/key_case/open_cases_by_person.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace casewatch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<CaseIndex> casesOf(const OpenCasesByPerson& t, PersonId p) {
  const auto s = t.of(p);
  return {s.begin(), s.end()};
}

TEST(OpenCasesByPersonTest, CountsEachPersonsOpenCasesInTheOrderTheyOpened) {
  OpenCasesByPerson t;
  EXPECT_EQ(t.add(7, 30), 1u);
  EXPECT_EQ(t.add(7, 10), 2u);
  EXPECT_EQ(t.add(7, 20), 3u);
  EXPECT_EQ(t.add(7, 10), 3u);  // already there
  EXPECT_EQ(t.add(8, 10), 1u);  // a case of two persons
  EXPECT_THAT(casesOf(t, 7), ElementsAre(30, 10, 20));
  EXPECT_THAT(casesOf(t, 8), ElementsAre(10));
  EXPECT_THAT(casesOf(t, 9), IsEmpty());
  EXPECT_EQ(t.size(), 2u);
}

TEST(OpenCasesByPersonTest, APersonBackToOneCaseKeepsTheOneLeftAndAPersonWithNoneLeaves) {
  OpenCasesByPerson t;
  t.add(7, 1);
  t.add(7, 2);
  t.add(7, 3);
  t.remove(7, 1);
  EXPECT_THAT(casesOf(t, 7), ElementsAre(2, 3));
  t.remove(7, 3);
  EXPECT_THAT(casesOf(t, 7), ElementsAre(2));
  t.remove(7, 99);  // not one of the person's: nothing changes
  EXPECT_THAT(casesOf(t, 7), ElementsAre(2));
  t.remove(7, 2);
  EXPECT_THAT(casesOf(t, 7), IsEmpty());
  EXPECT_EQ(t.size(), 0u);
  t.remove(7, 2);  // a person not there
  EXPECT_EQ(t.size(), 0u);
}

TEST(OpenCasesByPersonTest, ListsLeftBehindAreReusedAndDoNotLeakIntoOtherPersons) {
  OpenCasesByPerson t;
  t.add(1, 10);
  t.add(1, 11);  // person 1 takes a list
  t.erase(1);    // retention: the list is free again
  t.add(2, 20);
  t.add(2, 21);  // takes the freed list, emptied
  EXPECT_THAT(casesOf(t, 2), ElementsAre(20, 21));
  EXPECT_THAT(casesOf(t, 1), IsEmpty());
  t.add(3, 30);
  t.add(3, 31);
  t.remove(2, 20);
  t.remove(2, 21);
  t.add(4, 40);
  t.add(4, 41);
  EXPECT_THAT(casesOf(t, 3), ElementsAre(30, 31));
  EXPECT_THAT(casesOf(t, 4), ElementsAre(40, 41));
}

TEST(OpenCasesByPersonTest, ForEachVisitsEveryPersonWithTheirCases) {
  OpenCasesByPerson t;
  t.add(1, 10);
  t.add(2, 20);
  t.add(2, 21);
  std::map<PersonId, std::vector<CaseIndex>> seen;
  t.forEach([&](PersonId p, std::span<const CaseIndex> cases) {
    seen[p].assign(cases.begin(), cases.end());
  });
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_THAT(seen[1], ElementsAre(10));
  EXPECT_THAT(seen[2], ElementsAre(20, 21));
  t.clear();
  EXPECT_EQ(t.size(), 0u);
  EXPECT_THAT(casesOf(t, 2), IsEmpty());
}

}  // namespace
}  // namespace casewatch
