// One petition case as the daemon keeps it: compact (interned strings, integer keys, fixed-size
// clock slots) so that a million open cases fit in a few hundred MB.
//
// The statutory clocks are kept as *start times* per step, not as deadlines: the deadline depends
// on the configured rules (days, overrides, working-day calendar), which SIGHUP may change, so the
// overdue model derives deadlines from these starts (models/overdue/).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "base/time.h"
#include "connectors/decode/case_event.h"

namespace casewatch {

enum class Stage : uint8_t {
  kRegistered,   // 登记: waiting for a routing decision
  kAccepted,     // 受理: being handled
  kTransferred,  // 转交: waiting for the receiving agency's decision
  kReplied,      // 答复: written decision given
  kReview,       // 复查 requested
  kRecheck,      // 复核 requested
  kClosed,       // 办结
  kRejected,     // 不予受理
};
constexpr size_t kStageCount = 8;
std::string_view stageName(Stage s);

// The steps with a statutory clock.
enum class Step : uint8_t { kProceduralReply, kRouting, kHandling, kReview, kRecheck };
constexpr size_t kStepCount = 5;
std::string_view stepName(
    Step s);  // "procedural_reply", "routing", "handling", "review", "recheck"

using CaseIndex = uint32_t;
constexpr CaseIndex kNoCase = ~CaseIndex{0};

struct Case {
  uint32_t case_id = 0;  // interned in CaseStore::caseIds()
  uint32_t region = 0;   // interned in CaseStore::strings()
  uint32_t agency = 0;   // the agency currently responsible (changes on transfer)
  uint32_t category = 0;
  uint32_t matter = 0;
  uint32_t leader = 0;  // 0 = no leader assigned
  TimeMs registered_at = 0;
  TimeMs last_event_at = 0;
  TimeMs closed_at = 0;
  std::array<TimeMs, kStepCount> step_start{};  // when each step's clock started
  PersonId first_person = 0;
  uint32_t more_persons = 0;  // index+1 into CaseStore's overflow list; 0 = none
  uint32_t group_size = 1;
  int16_t extension_days = 0;
  uint16_t person_count = 0;
  uint8_t pending_steps = 0;  // bit per Step: the clock is running
  uint8_t saved_steps = 0;    // steps pending when the case closed (restored on reopen)
  Stage stage = Stage::kRegistered;
  Channel channel = Channel::kUnknown;
  Level level = Level::kUnknown;
  Level competent_level = Level::kUnknown;
  Outcome last_outcome = Outcome::kUnknown;
  Satisfaction satisfaction = Satisfaction::kUnknown;
  uint8_t flags = 0;

  static constexpr uint8_t kHearingHeld = 1;
  static constexpr uint8_t kAidGranted = 2;
  static constexpr uint8_t kSettled = 4;
  static constexpr uint8_t kResolved = 8;
  static constexpr uint8_t kReopened = 16;
  static constexpr uint8_t kExists = 128;  // slot in use

  bool open() const { return stage != Stage::kClosed && stage != Stage::kRejected; }
  bool pending(Step s) const { return pending_steps & (1u << static_cast<unsigned>(s)); }
  void startStep(Step s, TimeMs t) {
    step_start[static_cast<size_t>(s)] = t;
    pending_steps |= static_cast<uint8_t>(1u << static_cast<unsigned>(s));
  }
  void finishStep(Step s) {
    pending_steps &= static_cast<uint8_t>(~(1u << static_cast<unsigned>(s)));
  }
  TimeMs start(Step s) const { return step_start[static_cast<size_t>(s)]; }
};

}  // namespace casewatch
