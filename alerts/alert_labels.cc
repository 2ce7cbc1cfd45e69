#include "alerts/alert_labels.h"

#include <algorithm>

namespace casewatch {
namespace {

constexpr std::array<std::string_view, 5> kSeverities = {"none", "info", "warning", "major",
                                                         "critical"};

}  // namespace

bool isAlertLabelName(std::string_view name) {
  return std::find(kAlertLabelNames.begin(), kAlertLabelNames.end(), name) !=
         kAlertLabelNames.end();
}

std::string_view severityOf(Tier tier) {
  return kSeverities[static_cast<size_t>(tier)];
}

std::string alertLabel(const Alert& a, std::string_view name, const AlertNames& names) {
  if (name == "alertname") return names.of(a.model);
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
