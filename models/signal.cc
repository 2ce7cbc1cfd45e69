#include "models/signal.h"

#include <array>

namespace casewatch {
namespace {
constexpr std::array<std::string_view, 5> kTierNames = {"none", "blue", "yellow", "orange", "red"};
constexpr std::array<std::string_view, kSubjectKindCount> kSubjectNames = {
    "case", "person", "matter", "region", "agency", "service"};
constexpr std::array<std::string_view, kActionCount> kActionNames = {
    "reply_now",         "send_procedural_reply",
    "assign_leader",     "schedule_hearing",
    "mediate",           "check_aid_eligibility",
    "review_case",       "fix_at_source",
    "notify_leadership", "joint_visit"};
constexpr std::array<std::string_view, 5> kTierPhrases = {"tier.none", "tier.blue", "tier.yellow",
                                                          "tier.orange", "tier.red"};
}  // namespace

std::string_view tierName(Tier t) {
  return kTierNames[static_cast<size_t>(t)];
}
bool tierFromName(std::string_view s, Tier& out) {
  for (size_t i = 0; i < kTierNames.size(); ++i) {
    if (kTierNames[i] == s) {
      out = static_cast<Tier>(i);
      return true;
    }
  }
  return false;
}
std::string_view subjectKindName(SubjectKind k) {
  return kSubjectNames[static_cast<size_t>(k)];
}
std::string_view actionName(Action a) {
  return kActionNames[static_cast<size_t>(a)];
}
Phrase tierPhrase(Tier t) {
  return Phrase(std::string(kTierPhrases[static_cast<size_t>(t)]));
}

}  // namespace casewatch
