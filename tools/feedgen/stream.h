// The generator's intermediate form: a Stream is a time-ordered list of compact GenEvents that one
// actor produces (a case, a repeat petitioner, the collective burst, the day planner). The
// FeedGenerator merges streams by time; only the events of streams that have started are in memory.
//
// Ownership: a Stream owns its events; a case's CaseInfo is shared (shared_ptr) between its stream
// and the streams whose visits cite it. Not thread-safe; the generator is single-threaded.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "connectors/decode/case_event.h"
#include "tools/feedgen/world.h"

namespace casewatch::feedgen {

// What the generator does with a GenEvent: write it as the contract's event (GenEvent::type,
// connectors/decode/case_event.h), or take an internal step that is never written.
enum class GenAction : uint8_t {
  kWrite,
  kSpawnCase,  // start the case stream Stream::spawns[value]
  kPlanDay,    // plan day `value`
};

enum class Outcome : uint8_t { kUpheld, kPartlyUpheld, kNotUpheld };
enum class Satisfaction : uint8_t { kSatisfied, kUnsatisfied, kUnknown };
std::string_view outcomeName(Outcome o);
std::string_view satisfactionName(Satisfaction s);
std::string_view rejectReason(uint8_t code);
std::string_view reopenReason(uint8_t code);
constexpr uint8_t kRejectReasonCount = 4;
constexpr uint8_t kRejectRepeatMatter = 3;  // "repeat_of_concluded_matter"
constexpr uint8_t kReopenReasonCount = 3;

// What kind of actor a case comes from; it shapes the lifecycle (repeat cases are rejected and
// not upheld more often, burst cases get leadership attention).
enum class Profile : uint8_t { kRegular, kRepeatAnchor, kRepeatFollowUp, kBurst };

// One compact event; its meaning per type is noted on each field.
struct GenEvent {
  TimeMs ts = 0;
  uint64_t person_base = 0;  // visit: the first person number (persons are consecutive numbers)
  // extended: days; aid_granted: yuan; leader_assigned: leader number; accepted / transferred:
  // AgencyId; visit: group size (0 = same as persons); spawn: index in Stream::spawns.
  uint32_t value = 0;
  EventType type = EventType::kVisit;
  GenAction action = GenAction::kWrite;
  // replied / *_decided: Outcome; *_requested, visit: Level; closed: Satisfaction;
  // rejected / reopened: reason; transferred: to_level + 1 (0 = not given).
  uint8_t code = 0;
  uint8_t count = 0;       // visit: number of persons; closed: resolved (0/1)
  bool with_case = false;  // visit: carries the case id of the stream's case
};

// A grievance matter: the key a person's repeat contacts share.
struct MatterRef {
  uint64_t number = 0;
  uint16_t region = 0;
  Category category = Category::kOther;
  bool site = false;  // a collective matter (a building site, an expropriation block)
};

constexpr uint32_t kNoSerial = std::numeric_limits<uint32_t>::max();

// A planned case. The generator fills `case_id` and `serial` when it writes the registration.
struct CaseInfo {
  TimeMs registered_ts = 0;
  uint64_t person_base = 0;
  uint8_t person_count = 1;
  uint32_t group_size = 0;  // 0 = not given (the number of persons)
  MatterRef matter;
  AgencyId agency = 0;
  Channel channel = Channel::kOnline;
  Level level = Level::kCounty;
  Level competent_level = Level::kCounty;
  Profile profile = Profile::kRegular;
  int32_t repeat_index = -1;     // the repeat petitioner this case belongs to
  int32_t burst_index = -1;      // the collective incident this case belongs to
  int32_t recurring_index = -1;  // the planted recurring or quiet matter this case belongs to
  std::string case_id;
  uint32_t serial = kNoSerial;
};
using CaseInfoPtr = std::shared_ptr<CaseInfo>;

struct Stream {
  std::vector<GenEvent> events;  // sorted by ts
  size_t queued = 0;             // events handed to the generator's queue and not yet written
  uint64_t order = 0;            // creation order: breaks ties between streams at the same ts
  bool is_case = false;
  CaseInfoPtr kase;  // a case stream's case; for a series, the case its visits may cite
  MatterRef matter;  // a series' matter (visits)
  int32_t repeat_index = -1;
  int32_t burst_index = -1;
  int32_t recurring_index = -1;
  std::vector<std::unique_ptr<Stream>> spawns;  // case streams this stream starts (kSpawnCase)
};
using StreamPtr = std::unique_ptr<Stream>;

}  // namespace casewatch::feedgen
