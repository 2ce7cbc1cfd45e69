#include "daemon/telemetry/learning_metrics.h"

namespace casewatch {

LearningMetrics::LearningMetrics(prometheus::Registry& registry)
    : fitted_(&prometheus::BuildGauge()
                   .Name("casewatch_model_fitted")
                   .Help("1 when the model has fitted parameters in use (a model that learns "
                         "raises no alert before its first fit passes its gates)")
                   .Register(registry)),
      rows_(&prometheus::BuildGauge()
                 .Name("casewatch_model_training_rows")
                 .Help("Labelled training rows (or contact streams) the model's latest refit read")
                 .Register(registry)),
      refits_(&prometheus::BuildCounter()
                   .Name("casewatch_model_refits_total")
                   .Help("Refits of the models that learn, by outcome (accepted, refused)")
                   .Register(registry)) {}

void LearningMetrics::setFitted(const std::string& model, bool fitted) {
  fitted_->Add({{"model", model}}).Set(fitted ? 1 : 0);
}

void LearningMetrics::setTrainingRows(const std::string& model, double rows) {
  rows_->Add({{"model", model}}).Set(rows);
}

void LearningMetrics::refit(const std::string& model, bool accepted) {
  refits_->Add({{"model", model}, {"outcome", accepted ? "accepted" : "refused"}}).Increment();
}

}  // namespace casewatch
