// Sample events for the journal tests (and the TempDir and file helpers from tests/fakes/, which
// other tests still reach through this header).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "connectors/decode/case_event.h"
#include "tests/fakes/file_contents.h"
#include "tests/fakes/temp_dir.h"

namespace casewatch::testing {

// Every field set to a non-default value (strings with NUL bytes and non-ASCII text), so a field
// that fails to round-trip shows up.
inline CaseEvent fullEvent(EventType type, int i) {
  CaseEvent e;
  e.type = type;
  e.ts = 1772586900000 + i;
  e.seq = 0xFFFFFFFFFFull + static_cast<uint64_t>(i);
  e.has_seq = true;
  e.event_id = "evt-" + std::to_string(i);
  e.source = "feed-a";
  e.case_id = "C-2026-" + std::to_string(i);
  e.persons = {0xDEADBEEFCAFEF00Dull, UINT64_MAX, 0, static_cast<uint64_t>(i)};
  e.matter = std::string("land") + "\xE5\xBE\x81\xE6\x94\xB6";  // "land" + UTF-8 text
  e.region = "330102";
  e.agency = "bureau-" + std::to_string(i % 7);
  e.category = std::string("wage\0arrears", 12);
  e.channel = Channel::kOnline;
  e.level = Level::kCity;
  e.competent_level = Level::kProvince;
  e.group_size = 4000000000u;
  e.to_agency = "bureau-x";
  e.to_level = Level::kNational;
  e.days = -2147483647 - 1;
  e.outcome = Outcome::kPartlyUpheld;
  e.leader = "official-9";
  e.amount = -1234.5678;
  e.has_amount = true;
  e.resolved = true;
  e.satisfaction = Satisfaction::kUnsatisfied;
  e.reason = "out of scope";
  return e;
}

// A small event whose event_id carries its index, for order checks.
inline CaseEvent smallEvent(uint64_t i) {
  CaseEvent e;
  e.type = static_cast<EventType>(i % kEventTypeCount);
  e.ts = 1772586900000 + static_cast<TimeMs>(i) * 1000;
  e.event_id = "e" + std::to_string(i);
  e.source = "feed";
  e.case_id = "C" + std::to_string(i / 3);
  if (i % 2 == 0) e.persons = {i * 7919};
  e.days = static_cast<int32_t>(i % 30) + 1;
  return e;
}

inline void expectSameEvent(const CaseEvent& a, const CaseEvent& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.ts, b.ts);
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.has_seq, b.has_seq);
  EXPECT_EQ(a.event_id, b.event_id);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.case_id, b.case_id);
  EXPECT_EQ(a.persons, b.persons);
  EXPECT_EQ(a.matter, b.matter);
  EXPECT_EQ(a.region, b.region);
  EXPECT_EQ(a.agency, b.agency);
  EXPECT_EQ(a.category, b.category);
  EXPECT_EQ(a.channel, b.channel);
  EXPECT_EQ(a.level, b.level);
  EXPECT_EQ(a.competent_level, b.competent_level);
  EXPECT_EQ(a.group_size, b.group_size);
  EXPECT_EQ(a.to_agency, b.to_agency);
  EXPECT_EQ(a.to_level, b.to_level);
  EXPECT_EQ(a.days, b.days);
  EXPECT_EQ(a.outcome, b.outcome);
  EXPECT_EQ(a.leader, b.leader);
  EXPECT_EQ(a.amount, b.amount);
  EXPECT_EQ(a.has_amount, b.has_amount);
  EXPECT_EQ(a.resolved, b.resolved);
  EXPECT_EQ(a.satisfaction, b.satisfaction);
  EXPECT_EQ(a.reason, b.reason);
}

}  // namespace casewatch::testing
