// What a model reports: a risk on a subject at a tier, with the numbers behind it and what to do.
// The alert book (alerts/alert_book.h) turns signals into alerts: the same (model, subject) is the
// same alert, updated in place; a signal with tier kNone means the risk is gone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace casewatch {

enum class Tier : uint8_t { kNone, kBlue, kYellow, kOrange, kRed };
std::string_view tierName(Tier t);  // "none", "blue", "yellow", "orange", "red"
bool tierFromName(std::string_view s, Tier& out);

enum class SubjectKind : uint8_t { kCase, kPerson, kMatter, kRegion, kAgency };
std::string_view subjectKindName(SubjectKind k);

// The contract's recommended actions.
enum class Action : uint8_t {
  kReplyNow,
  kSendProceduralReply,
  kAssignLeader,
  kScheduleHearing,
  kMediate,
  kCheckAidEligibility,
  kReviewCase,
  kFixAtSource,
  kNotifyLeadership,
};
std::string_view actionName(Action a);  // "reply_now", ...
std::string_view actionText(Action a, std::string_view locale);

// One piece of evidence: `days_overdue = 12`. Text in both locales.
struct Reason {
  std::string code;
  double number = 0;
  std::string string_value;  // used instead of `number` when non-empty
  std::string text_en;
  std::string text_zh;
};

struct Signal {
  std::string_view model;  // a static name ("overdue", ...)
  SubjectKind subject_kind = SubjectKind::kCase;
  std::string subject_id;
  Tier tier = Tier::kNone;
  double score = 0;  // in [0, 1]
  std::vector<Reason> reasons;
  std::vector<Action> actions;
  std::string region;
  std::string agency;
  std::string category;
  std::string summary_en;
  std::string summary_zh;
  TimeMs at = 0;  // the model's clock when it decided
};

// Where models put their signals (the pipeline's collector).
class SignalSink {
 public:
  virtual ~SignalSink() = default;
  virtual void emit(Signal&& s) = 0;
};

}  // namespace casewatch
