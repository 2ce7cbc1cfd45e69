#include "models/signal.h"

#include <array>

namespace casewatch {
namespace {
constexpr std::array<std::string_view, 5> kTierNames = {"none", "blue", "yellow", "orange", "red"};
constexpr std::array<std::string_view, 5> kSubjectNames = {"case", "person", "matter", "region",
                                                           "agency"};
struct ActionNames {
  std::string_view code, en, zh;
};
constexpr std::array<ActionNames, 9> kActions = {{
    {"reply_now", "Reply to the petitioner now", "立即答复信访人"},
    {"send_procedural_reply", "Send the procedural reply", "发送程序性回复"},
    {"assign_leader", "Assign a leader to own the case", "落实领导包案"},
    {"schedule_hearing", "Schedule a hearing", "组织听证"},
    {"mediate", "Arrange mediation", "组织调解"},
    {"check_aid_eligibility", "Check eligibility for judicial or social aid", "核查司法救助资格"},
    {"review_case", "Review the case", "复查案件"},
    {"fix_at_source", "Fix the underlying problem at its source", "从源头解决问题"},
    {"notify_leadership", "Notify leadership", "报告领导"},
}};
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
  return kActions[static_cast<size_t>(a)].code;
}
std::string_view actionText(Action a, std::string_view locale) {
  const auto& n = kActions[static_cast<size_t>(a)];
  return locale == "zh-CN" ? n.zh : n.en;
}

}  // namespace casewatch
