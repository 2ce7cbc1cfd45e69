// The figures of the models that learn from the daemon's own history: whether a model has a fit
// in use (casewatch_model_fitted{model}), the labelled rows its latest fit read
// (casewatch_model_training_rows{model}), and the refits by outcome
// (casewatch_model_refits_total{model,outcome}: accepted, refused).
//
// Threads: every call on the io_context thread.
#pragma once

#include <map>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace casewatch {

class LearningMetrics {
 public:
  explicit LearningMetrics(prometheus::Registry& registry);
  void setFitted(const std::string& model, bool fitted);
  void setTrainingRows(const std::string& model, double rows);
  void refit(const std::string& model, bool accepted);

 private:
  prometheus::Family<prometheus::Gauge>* fitted_;
  prometheus::Family<prometheus::Gauge>* rows_;
  prometheus::Family<prometheus::Counter>* refits_;
};

}  // namespace casewatch
