#include "connectors/decode/case_event.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace casewatch {
namespace {

TEST(CaseEventTest, EventTypeNamesRoundTripAndAreDistinct) {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < kEventTypeCount; ++i) {
    const auto t = static_cast<EventType>(i);
    const std::string_view name = eventTypeName(t);
    EXPECT_TRUE(seen.insert(name).second) << name;
    EventType back = EventType::kVisit;
    ASSERT_TRUE(eventTypeFromName(name, back)) << name;
    EXPECT_EQ(back, t);
  }
  EXPECT_EQ(eventTypeName(EventType::kRegistered), "case.registered");
  EXPECT_EQ(eventTypeName(EventType::kVisit), "visit");
  EventType t;
  EXPECT_FALSE(eventTypeFromName("case.unknown", t));
  EXPECT_FALSE(eventTypeFromName("", t));
}

TEST(CaseEventTest, EnumNamesRoundTrip) {
  for (Channel c : {Channel::kVisit, Channel::kLetter, Channel::kOnline, Channel::kPhone}) {
    Channel back = Channel::kUnknown;
    ASSERT_TRUE(channelFromName(channelName(c), back));
    EXPECT_EQ(back, c);
  }
  for (Level l : {Level::kCounty, Level::kCity, Level::kProvince, Level::kNational}) {
    Level back = Level::kUnknown;
    ASSERT_TRUE(levelFromName(levelName(l), back));
    EXPECT_EQ(back, l);
  }
  for (Outcome o : {Outcome::kUpheld, Outcome::kPartlyUpheld, Outcome::kNotUpheld}) {
    Outcome back = Outcome::kUnknown;
    ASSERT_TRUE(outcomeFromName(outcomeName(o), back));
    EXPECT_EQ(back, o);
  }
  // "unknown" is a contract value for satisfaction, but "" is no value of any enum.
  for (Satisfaction s :
       {Satisfaction::kUnknown, Satisfaction::kSatisfied, Satisfaction::kUnsatisfied}) {
    Satisfaction back = Satisfaction::kSatisfied;
    ASSERT_TRUE(satisfactionFromName(satisfactionName(s), back));
    EXPECT_EQ(back, s);
  }
  Channel c;
  Level l;
  Outcome o;
  EXPECT_FALSE(channelFromName("", c));
  EXPECT_FALSE(levelFromName("", l));
  EXPECT_FALSE(outcomeFromName("", o));
  EXPECT_FALSE(levelFromName("County", l));
}

TEST(CaseEventTest, ClearResetsEverythingAndKeepsCapacity) {
  CaseEvent e;
  e.type = EventType::kClosed;
  e.ts = 5;
  e.seq = 7;
  e.has_seq = true;
  e.event_id.assign(100, 'e');
  e.matter = "m";
  e.persons = {1, 2, 3};
  e.channel = Channel::kPhone;
  e.level = Level::kCity;
  e.group_size = 4;
  e.days = 3;
  e.outcome = Outcome::kUpheld;
  e.amount = 2.5;
  e.has_amount = true;
  e.resolved = true;
  e.satisfaction = Satisfaction::kSatisfied;
  e.reason = "r";
  const size_t capacity = e.event_id.capacity();
  e.clear();
  EXPECT_EQ(e.type, EventType::kRegistered);
  EXPECT_EQ(e.ts, 0);
  EXPECT_FALSE(e.has_seq);
  EXPECT_EQ(e.seq, 0u);
  EXPECT_TRUE(e.event_id.empty());
  EXPECT_EQ(e.event_id.capacity(), capacity);  // reused without reallocating
  EXPECT_TRUE(e.matter.empty());
  EXPECT_TRUE(e.persons.empty());
  EXPECT_EQ(e.channel, Channel::kUnknown);
  EXPECT_EQ(e.level, Level::kUnknown);
  EXPECT_EQ(e.group_size, 0u);
  EXPECT_EQ(e.days, 0);
  EXPECT_EQ(e.outcome, Outcome::kUnknown);
  EXPECT_FALSE(e.has_amount);
  EXPECT_EQ(e.amount, 0.0);
  EXPECT_FALSE(e.resolved);
  EXPECT_EQ(e.satisfaction, Satisfaction::kUnknown);
  EXPECT_TRUE(e.reason.empty());
}

TEST(CaseEventTest, EffectiveGroupSizeDefaultsToPersons) {
  CaseEvent e;
  e.persons = {1, 2, 3};
  EXPECT_EQ(e.effectiveGroupSize(), 3u);
  e.group_size = 40;
  EXPECT_EQ(e.effectiveGroupSize(), 40u);
}

}  // namespace
}  // namespace casewatch
