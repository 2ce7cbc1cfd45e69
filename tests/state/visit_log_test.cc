#include "state/visit_log.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/fakes/event_builder.h"

namespace casewatch {
namespace {

using testing::EventBuilder;

constexpr TimeMs kDay = kMsPerDay;

CaseEvent visitOf(std::string matter, TimeMs ts, std::vector<PersonId> persons) {
  return EventBuilder::of(EventType::kVisit, "", ts).matter(std::move(matter)).persons(persons);
}

std::vector<PersonId> personsOf(const VisitLog& log, size_t i) {
  std::vector<PersonId> scratch;
  auto span = log.persons(log.visits()[i], scratch);
  return {span.begin(), span.end()};
}

TEST(VisitLogTest, KeepsVisitsWithTheirPersonsMatterAndRegion) {
  StringInterner strings;
  VisitLog log;
  CaseEvent v = visitOf("m:wages", 10 * kDay, {7, 8, 9});
  v.region = "520302";
  v.level = Level::kCity;
  v.group_size = 12;
  log.record(v, 4, strings);
  log.record(visitOf("m:land", 11 * kDay, {5}), kNoCase, strings);
  ASSERT_EQ(log.size(), 2u);
  const VisitRecord& r = log.visits()[0];
  EXPECT_EQ(strings.name(r.matter), "m:wages");
  EXPECT_EQ(strings.name(r.region), "520302");
  EXPECT_EQ(r.index, 4u);
  EXPECT_EQ(r.level, Level::kCity);
  EXPECT_EQ(r.group_size, 12u);
  EXPECT_EQ(personsOf(log, 0), (std::vector<PersonId>{7, 8, 9}));
  EXPECT_EQ(personsOf(log, 1), (std::vector<PersonId>{5}));
  EXPECT_EQ(log.visits()[1].index, kNoCase);
}

TEST(VisitLogTest, SkipsVisitsWithoutAMatterOrPersons) {
  StringInterner strings;
  VisitLog log;
  log.record(visitOf("", kDay, {1}), kNoCase, strings);
  log.record(visitOf("m:a", kDay, {}), kNoCase, strings);
  EXPECT_EQ(log.size(), 0u);
}

TEST(VisitLogTest, ForgetsVisitsOlderThanTheHorizonAndKeepsTheRestsPersons) {
  StringInterner strings;
  VisitLog log(30 * kDay);
  log.record(visitOf("m:a", 0, {1, 2}), kNoCase, strings);
  log.record(visitOf("m:b", 10 * kDay, {3, 4, 5}), kNoCase, strings);
  log.record(visitOf("m:c", 35 * kDay, {6}), kNoCase, strings);  // day 0 is now past 30 days
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(strings.name(log.visits()[0].matter), "m:b");
  EXPECT_EQ(personsOf(log, 0), (std::vector<PersonId>{3, 4, 5}));
  log.record(visitOf("m:d", 45 * kDay, {7, 8}), kNoCase, strings);  // day 10 goes
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(personsOf(log, 0), (std::vector<PersonId>{6}));
  EXPECT_EQ(personsOf(log, 1), (std::vector<PersonId>{7, 8}));
  EXPECT_EQ(log.dropped(), 0u);
  // Only the persons of visits still held are kept.
  EXPECT_EQ(log.approximateBytes(), 2 * sizeof(VisitRecord) + sizeof(PersonId));
}

TEST(VisitLogTest, DropsTheOldestBeyondTheBoundAndCountsThem) {
  StringInterner strings;
  VisitLog log(180 * kDay, 3);
  for (PersonId p = 1; p <= 5; ++p) {
    log.record(visitOf("m:" + std::to_string(p), static_cast<TimeMs>(p) * kDay, {p, p + 100}),
               kNoCase, strings);
  }
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log.dropped(), 2u);
  EXPECT_EQ(personsOf(log, 0), (std::vector<PersonId>{3, 103}));
  EXPECT_EQ(personsOf(log, 2), (std::vector<PersonId>{5, 105}));
}

}  // namespace
}  // namespace casewatch

namespace casewatch {
namespace {

TEST(VisitLogTest, ForgetIfDropsMatchingVisitsAndKeepsTheOthersPersons) {
  StringInterner strings;
  VisitLog log;
  log.record(visitOf("m:a", 10 * kDay, {1, 2, 3}), 0, strings);
  log.record(visitOf("m:b", 11 * kDay, {4, 5}), 1, strings);
  log.record(visitOf("m:c", 12 * kDay, {6}), kNoCase, strings);
  log.record(visitOf("m:d", 13 * kDay, {7, 8, 9}), 2, strings);
  const size_t removed = log.forgetIf([](const VisitRecord& v, std::span<const PersonId> persons) {
    return v.index == 1 || persons[0] == 6;
  });
  EXPECT_EQ(removed, 2u);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(personsOf(log, 0), (std::vector<PersonId>{1, 2, 3}));
  EXPECT_EQ(personsOf(log, 1), (std::vector<PersonId>{7, 8, 9}));
  // Later visits still find their persons, and the bounds still work.
  log.record(visitOf("m:e", 14 * kDay, {10, 11}), kNoCase, strings);
  EXPECT_EQ(personsOf(log, 2), (std::vector<PersonId>{10, 11}));
  log.record(visitOf("m:f", 300 * kDay, {12}), kNoCase, strings);  // past the horizon: the rest go
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(personsOf(log, 0), (std::vector<PersonId>{12}));
}

}  // namespace
}  // namespace casewatch
