// An alert's labels: the names and values that silences match on and that Alertmanager receives
// (shared/contracts/alerts.md): alertname, model, tier, severity, subject_kind, subject_id,
// region, agency, category. Derived from the alert's fields on demand; nothing is stored. The
// alertname comes from the model table's names (alerts/alert_names.h).
//
// Stateless; every function may be called from any thread.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "alerts/alert.h"
#include "alerts/alert_names.h"

namespace casewatch {

inline constexpr std::array<std::string_view, 9> kAlertLabelNames = {
    "alertname",  "model",  "tier",   "severity", "subject_kind",
    "subject_id", "region", "agency", "category"};

bool isAlertLabelName(std::string_view name);

// info, warning, major, critical for blue..red ("none" for none).
std::string_view severityOf(Tier tier);

// The value of label `name` for `a`; empty when the alert has none or the name is unknown.
std::string alertLabel(const Alert& a, std::string_view name, const AlertNames& names);

}  // namespace casewatch
