#include "state/orphanage.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/fakes/event_builder.h"

namespace casewatch {
namespace {

using testing::EventBuilder;

constexpr TimeMs kHour = kMsPerHour;
constexpr TimeMs kHorizon = 72 * kHour;
constexpr TimeMs kT0 = 1772586900000;  // 2026-03-04T09:15:00+08:00

CaseEvent orphan(EventType type, const std::string& case_id, TimeMs ts, std::string id) {
  return EventBuilder::of(type, case_id, ts).id(std::move(id));
}

std::vector<std::string> ids(const std::vector<CaseEvent>& evs) {
  std::vector<std::string> out;
  for (const CaseEvent& e : evs) out.push_back(e.event_id);
  return out;
}

TEST(OrphanageTest, ReleaseReturnsTheCasesOrphansInTsOrderStable) {
  Orphanage o(kHorizon);
  o.hold(orphan(EventType::kTransferred, "C-1", kT0 + 3 * kHour, "e1"), kT0);
  o.hold(orphan(EventType::kAccepted, "C-1", kT0 + 1 * kHour, "e2"), kT0);
  o.hold(orphan(EventType::kAccepted, "C-2", kT0, "other"), kT0);
  o.hold(orphan(EventType::kHearingHeld, "C-1", kT0 + 2 * kHour, "e3"), kT0);
  o.hold(orphan(EventType::kSettled, "C-1", kT0 + 2 * kHour, "e4"), kT0);  // same ts as e3
  EXPECT_EQ(o.size(), 5u);

  const auto released = o.release("C-1");
  EXPECT_EQ(ids(released), (std::vector<std::string>{"e2", "e3", "e4", "e1"}));
  EXPECT_EQ(released[0].type, EventType::kAccepted);
  EXPECT_EQ(o.size(), 1u);
  EXPECT_TRUE(o.release("C-1").empty());  // released once
  EXPECT_EQ(ids(o.release("C-2")), (std::vector<std::string>{"other"}));
  EXPECT_EQ(o.size(), 0u);
}

TEST(OrphanageTest, ReleaseOfAnUnknownCaseIsEmpty) {
  Orphanage o(kHorizon);
  EXPECT_TRUE(o.release("nope").empty());
  EXPECT_EQ(o.size(), 0u);
}

TEST(OrphanageTest, ExpiresExactlyAtTheHorizon) {
  Orphanage o(kHorizon);
  o.hold(orphan(EventType::kAccepted, "C-1", kT0, "e1"), kT0);
  EXPECT_TRUE(o.expire(kT0 + kHorizon - 1).empty());
  EXPECT_EQ(o.size(), 1u);
  const auto expired = o.expire(kT0 + kHorizon);
  EXPECT_EQ(ids(expired), (std::vector<std::string>{"e1"}));
  EXPECT_EQ(o.size(), 0u);
  EXPECT_TRUE(o.release("C-1").empty());  // gone for good
}

TEST(OrphanageTest, HorizonCountsFromArrivalNotFromTs) {
  Orphanage o(kHorizon);
  // An event stamped long ago arrives now: it still gets its full horizon.
  o.hold(orphan(EventType::kAccepted, "C-1", kT0 - 30 * 24 * kHour, "old"), kT0);
  EXPECT_TRUE(o.expire(kT0 + kHorizon - 1).empty());
  EXPECT_EQ(o.expire(kT0 + kHorizon).size(), 1u);
}

TEST(OrphanageTest, ExpiresOnlyThoseWhoseHorizonPassed) {
  Orphanage o(kHorizon);
  o.hold(orphan(EventType::kAccepted, "C-1", kT0, "a1"), kT0);
  o.hold(orphan(EventType::kAccepted, "C-2", kT0, "b1"), kT0 + 1 * kHour);
  o.hold(orphan(EventType::kHearingHeld, "C-1", kT0, "a2"), kT0 + 2 * kHour);
  EXPECT_EQ(ids(o.expire(kT0 + kHorizon + kHour)), (std::vector<std::string>{"a1", "b1"}));
  EXPECT_EQ(o.size(), 1u);
  EXPECT_EQ(ids(o.release("C-1")), (std::vector<std::string>{"a2"}));
  EXPECT_TRUE(o.expire(kT0 + 10 * kHorizon).empty());
  EXPECT_EQ(o.size(), 0u);
}

TEST(OrphanageTest, AReleasedCaseHeldAgainKeepsItsNewHorizon) {
  Orphanage o(kHorizon);
  o.hold(orphan(EventType::kAccepted, "C-1", kT0, "first"), kT0);
  ASSERT_EQ(o.release("C-1").size(), 1u);
  // The stale arrival record of the first orphan must not expire the second one early.
  o.hold(orphan(EventType::kHearingHeld, "C-1", kT0, "second"), kT0 + 10 * kHour);
  EXPECT_TRUE(o.expire(kT0 + kHorizon).empty());
  EXPECT_EQ(o.size(), 1u);
  EXPECT_EQ(ids(o.expire(kT0 + 10 * kHour + kHorizon)), (std::vector<std::string>{"second"}));
  EXPECT_EQ(o.size(), 0u);
}

TEST(OrphanageTest, SetHorizonAppliesToOrphansAlreadyHeld) {
  Orphanage o(kHorizon);
  o.hold(orphan(EventType::kAccepted, "C-1", kT0, "e1"), kT0);
  o.setHorizon(kHour);
  EXPECT_TRUE(o.expire(kT0 + kHour - 1).empty());
  EXPECT_EQ(o.expire(kT0 + kHour).size(), 1u);
}

TEST(OrphanageTest, KeepsTheWholeEvent) {
  Orphanage o(kHorizon);
  o.hold(EventBuilder::of(EventType::kTransferred, "C-1", kT0)
             .id("t1")
             .toAgency("agency-b", Level::kCity)
             .seq(42),
         kT0);
  const auto out = o.release("C-1");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to_agency, "agency-b");
  EXPECT_EQ(out[0].to_level, Level::kCity);
  EXPECT_EQ(out[0].seq, 42u);
  EXPECT_EQ(out[0].ts, kT0);
}

}  // namespace
}  // namespace casewatch
