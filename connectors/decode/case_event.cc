#include "connectors/decode/case_event.h"

namespace casewatch {
namespace {

constexpr std::array<std::string_view, kEventTypeCount> kTypeNames = {
    "case.registered",       "case.accepted",
    "case.rejected",         "case.transferred",
    "case.procedural_reply", "case.extended",
    "case.replied",          "case.review_requested",
    "case.review_decided",   "case.recheck_requested",
    "case.recheck_decided",  "case.leader_assigned",
    "case.hearing_held",     "case.aid_granted",
    "case.settled",          "case.closed",
    "case.reopened",         "visit",
};
constexpr std::array<std::string_view, 5> kChannelNames = {"", "visit", "letter", "online",
                                                           "phone"};
constexpr std::array<std::string_view, 5> kLevelNames = {"", "county", "city", "province",
                                                         "national"};
constexpr std::array<std::string_view, 4> kOutcomeNames = {"", "upheld", "partly_upheld",
                                                           "not_upheld"};
constexpr std::array<std::string_view, 3> kSatisfactionNames = {"unknown", "satisfied",
                                                                "unsatisfied"};

template <typename E, size_t N>
bool lookup(const std::array<std::string_view, N>& names, std::string_view s, E& out,
            size_t first = 1) {
  for (size_t i = first; i < N; ++i) {
    if (names[i] == s) {
      out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view eventTypeName(EventType t) {
  return kTypeNames[static_cast<size_t>(t)];
}
bool eventTypeFromName(std::string_view name, EventType& out) {
  return lookup(kTypeNames, name, out, 0);
}
std::string_view channelName(Channel c) {
  return kChannelNames[static_cast<size_t>(c)];
}
std::string_view levelName(Level l) {
  return kLevelNames[static_cast<size_t>(l)];
}
std::string_view outcomeName(Outcome o) {
  return kOutcomeNames[static_cast<size_t>(o)];
}
std::string_view satisfactionName(Satisfaction s) {
  return kSatisfactionNames[static_cast<size_t>(s)];
}
bool channelFromName(std::string_view s, Channel& out) {
  return lookup(kChannelNames, s, out);
}
bool levelFromName(std::string_view s, Level& out) {
  return lookup(kLevelNames, s, out);
}
bool outcomeFromName(std::string_view s, Outcome& out) {
  return lookup(kOutcomeNames, s, out);
}
bool satisfactionFromName(std::string_view s, Satisfaction& out) {
  return lookup(kSatisfactionNames, s, out, 0);
}

void CaseEvent::clear() {
  type = EventType::kRegistered;
  ts = 0;
  seq = 0;
  has_seq = false;
  event_id.clear();
  source.clear();
  case_id.clear();
  persons.clear();
  matter.clear();
  region.clear();
  agency.clear();
  category.clear();
  channel = Channel::kUnknown;
  level = Level::kUnknown;
  competent_level = Level::kUnknown;
  group_size = 0;
  to_agency.clear();
  to_level = Level::kUnknown;
  days = 0;
  outcome = Outcome::kUnknown;
  leader.clear();
  amount = 0;
  has_amount = false;
  resolved = false;
  satisfaction = Satisfaction::kUnknown;
  reason.clear();
}

}  // namespace casewatch
