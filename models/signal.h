// What a model reports: a risk on a subject at a tier, with the numbers behind it and what to do,
// and what to say about it as phrases in no language (models/phrase.h). The alert book
// (alerts/alert_book.h) turns signals into alerts and words them (alerts/wording/): the same
// (model, subject) is the same alert, updated in place; a signal with tier kNone means the risk is
// gone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "models/phrase.h"

namespace casewatch {

enum class Tier : uint8_t { kNone, kBlue, kYellow, kOrange, kRed };
std::string_view tierName(Tier t);  // "none", "blue", "yellow", "orange", "red"
bool tierFromName(std::string_view s, Tier& out);
Phrase tierPhrase(Tier t);  // the tier's name in words (`tier.<name>`)

// kService: the daemon itself, the subject of its own alerts (model `casewatch`, raised by the
// App, daemon/health/self_alert.h); no model emits it.
enum class SubjectKind : uint8_t { kCase, kPerson, kMatter, kRegion, kAgency, kService };
inline constexpr size_t kSubjectKindCount = 6;
std::string_view subjectKindName(SubjectKind k);

// The contract's recommended actions, and one extension (README "Contracts"): kJointVisit, a
// joint visit by the agencies involved in a matter (recurring_matter's resolution step).
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
  kJointVisit,
};
inline constexpr size_t kActionCount = 10;
std::string_view actionName(Action a);  // "reply_now", ...

// One piece of evidence: `days_overdue = 12`, and what to say of it.
struct Reason {
  std::string code;
  double number = 0;
  std::string string_value;  // used instead of `number` when non-empty
  // A value given in words (overdue's `steps_done`): the alert's value is these words in English,
  // the reference locale of the contract's values. Empty: `string_value` or `number`.
  Phrase value_words;
  Phrase text;

  template <typename H>
  friend H AbslHashValue(H h, const Reason& r) {
    return H::combine(std::move(h), r.code, r.number, r.string_value, r.value_words, r.text);
  }
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
  Phrase summary;
  TimeMs at = 0;  // the model's clock when it decided

  // The one way models add evidence: a number, or a string value, and what to say of it.
  Reason& addReason(std::string code, double number, Phrase text) {
    Reason& r = reasons.emplace_back();
    r.code = std::move(code);
    r.number = number;
    r.text = std::move(text);
    return r;
  }
  Reason& addReason(std::string code, std::string value, Phrase text) {
    Reason& r = reasons.emplace_back();
    r.code = std::move(code);
    r.string_value = std::move(value);
    r.text = std::move(text);
    return r;
  }
};

// Where models put their signals (the pipeline's collector).
class SignalSink {
 public:
  virtual ~SignalSink() = default;
  virtual void emit(Signal&& s) = 0;
};

}  // namespace casewatch
