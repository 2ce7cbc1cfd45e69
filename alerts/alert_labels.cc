#include "alerts/alert_labels.h"

#include <algorithm>
#include <cctype>

namespace casewatch {
namespace {

struct ModelAlertName {
  std::string_view model, alertname;
};
constexpr std::array<ModelAlertName, 6> kAlertNames = {{{"overdue", "CaseOverdue"},
                                                        {"repeat_visit", "RepeatVisit"},
                                                        {"group_incident", "GroupIncident"},
                                                        {"key_case", "KeyCase"},
                                                        {"escalation_risk", "EscalationRisk"},
                                                        {"stability", "RegionalStability"}}};
constexpr std::array<std::string_view, 5> kSeverities = {"none", "info", "warning", "major",
                                                         "critical"};

}  // namespace

bool isAlertLabelName(std::string_view name) {
  return std::find(kAlertLabelNames.begin(), kAlertLabelNames.end(), name) !=
         kAlertLabelNames.end();
}

std::string alertNameOf(std::string_view model) {
  for (const auto& m : kAlertNames) {
    if (m.model == model) return std::string(m.alertname);
  }
  std::string out;
  bool upper = true;
  for (char ch : model) {
    if (ch == '_' || ch == '-' || ch == '.') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
    upper = false;
  }
  return out;
}

std::string_view severityOf(Tier tier) {
  return kSeverities[static_cast<size_t>(tier)];
}

std::string alertLabel(const Alert& a, std::string_view name) {
  if (name == "alertname") return alertNameOf(a.model);
  if (name == "model") return a.model;
  if (name == "tier") return std::string(tierName(a.tier));
  if (name == "severity") return std::string(severityOf(a.tier));
  if (name == "subject_kind") return std::string(subjectKindName(a.subject_kind));
  if (name == "subject_id") return a.subject_id;
  if (name == "region") return a.region;
  if (name == "agency") return a.agency;
  if (name == "category") return a.category;
  return {};
}

}  // namespace casewatch
