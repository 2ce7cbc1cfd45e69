// A decoded feed event (contract: shared/contracts/events.md), after validation and
// pseudonymisation. Person ids are keyed hashes (`PersonId`); the raw ids never leave the decoder.
//
// A `CaseEvent` is reused across decodes (`clear()` keeps string capacity), so the steady-state
// decode path allocates nothing for short fields.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace casewatch {

enum class EventType : uint8_t {
  kRegistered,
  kAccepted,
  kRejected,
  kTransferred,
  kProceduralReply,
  kExtended,
  kReplied,
  kReviewRequested,
  kReviewDecided,
  kRecheckRequested,
  kRecheckDecided,
  kLeaderAssigned,
  kHearingHeld,
  kAidGranted,
  kSettled,
  kClosed,
  kReopened,
  kVisit,
};
constexpr size_t kEventTypeCount = 18;

enum class Channel : uint8_t { kUnknown, kVisit, kLetter, kOnline, kPhone };
enum class Level : uint8_t { kUnknown, kCounty, kCity, kProvince, kNational };
enum class Outcome : uint8_t { kUnknown, kUpheld, kPartlyUpheld, kNotUpheld };
enum class Satisfaction : uint8_t { kUnknown, kSatisfied, kUnsatisfied };

// The contract's names ("case.registered", "visit", ...).
std::string_view eventTypeName(EventType t);
bool eventTypeFromName(std::string_view name, EventType& out);
std::string_view channelName(Channel c);
std::string_view levelName(Level l);
std::string_view outcomeName(Outcome o);
std::string_view satisfactionName(Satisfaction s);
bool channelFromName(std::string_view s, Channel& out);
bool levelFromName(std::string_view s, Level& out);
bool outcomeFromName(std::string_view s, Outcome& out);
bool satisfactionFromName(std::string_view s, Satisfaction& out);

// 64-bit keyed hash of a raw person id (see connectors/pseudonym/pseudonymizer.h).
using PersonId = uint64_t;

struct CaseEvent {
  EventType type = EventType::kRegistered;
  TimeMs ts = 0;
  uint64_t seq = 0;
  bool has_seq = false;
  std::string event_id;
  std::string source;
  std::string case_id;  // empty only for a `visit` without one

  // case.registered / visit
  std::vector<PersonId> persons;
  std::string matter;
  std::string region;
  std::string agency;  // case.registered (req), case.accepted (opt)
  std::string category;
  Channel channel = Channel::kUnknown;
  Level level = Level::kUnknown;  // also review/recheck `level` (opt)
  Level competent_level = Level::kUnknown;
  uint32_t group_size = 0;  // 0 = not given (defaults to persons.size())

  // case.transferred
  std::string to_agency;
  Level to_level = Level::kUnknown;
  // case.extended
  int32_t days = 0;
  // case.replied / review_decided / recheck_decided
  Outcome outcome = Outcome::kUnknown;
  // case.leader_assigned: an official's id (not a petitioner; kept as given)
  std::string leader;
  // case.aid_granted
  double amount = 0;
  bool has_amount = false;
  // case.closed
  bool resolved = false;
  Satisfaction satisfaction = Satisfaction::kUnknown;
  // case.rejected / case.reopened
  std::string reason;

  uint32_t effectiveGroupSize() const {
    return group_size > 0 ? group_size : static_cast<uint32_t>(persons.size());
  }
  void clear();
};

}  // namespace casewatch
