#include "daemon/telemetry/retention_metrics.h"

#include <string>

namespace casewatch {

using prometheus::BuildCounter;
using prometheus::BuildGauge;

RetentionMetrics::RetentionMetrics(prometheus::Registry& r) {
  purged_ = &BuildCounter()
                 .Name("casewatch_retention_purged_total")
                 .Help(
                     "What the daily retention purge removed, by kind: closed cases, visits and "
                     "persons (pseudonyms) from the state; resolved alerts, their history rows, "
                     "dead letters and training rows from the store.")
                 .Register(r);
  for (const char* what :
       {"cases", "visits", "persons", "alerts", "alert_history", "dead_letters", "training_rows"}) {
    purged_->Add({{"what", what}});
  }
  last_run_ = &BuildGauge()
                   .Name("casewatch_retention_last_purge_timestamp_seconds")
                   .Help(
                       "Time of the last retention purge on the daemon's clock (event time when "
                       "it follows events); 0 before the first.")
                   .Register(r)
                   .Add({});
}

void RetentionMetrics::purged(std::string_view what, uint64_t n) {
  purged_->Add({{"what", std::string(what)}}).Increment(static_cast<double>(n));
}

void RetentionMetrics::ran(double unix_seconds) {
  last_run_->Set(unix_seconds);
}

}  // namespace casewatch
