#include "daemon/components.h"

#include "models/escalation_risk/escalation_risk_model.h"
#include "models/group_incident/group_incident_model.h"
#include "models/key_case/key_case_model.h"
#include "models/overdue/overdue_model.h"
#include "models/repeat_visit/repeat_visit_model.h"
#include "models/stability/stability_model.h"

namespace casewatch {
namespace {

absl::StatusOr<std::unique_ptr<Model>> makeOverdue(const Config& config) {
  std::optional<WorkCalendar> calendar;
  if (!config.clocks.holiday_calendar.empty()) {
    auto loaded = WorkCalendar::load(config.clocks.holiday_calendar);
    if (!loaded.ok()) {
      return absl::InvalidArgumentError("clocks.holiday_calendar: " +
                                        std::string(loaded.status().message()));
    }
    calendar = std::move(*loaded);
  }
  return std::unique_ptr<Model>(new OverdueModel(config.clocks, std::move(calendar)));
}

}  // namespace

const std::vector<ModelComponent>& modelComponents() {
  static const std::vector<ModelComponent> kModels = {
      {"overdue", "statutory stage clocks: warns before and after a deadline", &makeOverdue},
      {"repeat_visit", "persons and matters that keep coming back", &RepeatVisitModel::create},
      {"group_incident", "collective petitions (EARS, CUSUM)", &GroupIncidentModel::create},
      {"escalation_risk", "P(a case is taken to a higher level), logistic regression",
       &EscalationRiskModel::create},
      // key_case and stability build on the signals of the models above (Model::onSignal):
      // they come after them, so that a reload rebuilds those first.
      {"key_case", "the key-case ledger (台账) and its owners", &KeyCaseModel::create},
      {"stability", "per-region stability index from all alerts", &StabilityModel::create},
  };
  return kModels;
}

absl::StatusOr<std::vector<std::unique_ptr<Model>>> buildModels(const Config& config) {
  std::vector<std::unique_ptr<Model>> models;
  for (const ModelComponent& c : modelComponents()) {
    auto m = c.make(config);
    if (!m.ok()) return m.status();
    models.push_back(std::move(*m));
  }
  return models;
}

}  // namespace casewatch
