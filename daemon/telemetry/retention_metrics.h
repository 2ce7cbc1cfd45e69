// The retention figures (daemon/retention/): what each daily purge removed, by kind, and when the
// last one ran. Updated on the io_context (the case side) and on the store's thread (the store's
// side); prometheus-cpp's counters and gauges are thread-safe.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <string_view>

namespace casewatch {

class RetentionMetrics {
 public:
  explicit RetentionMetrics(prometheus::Registry& r);

  // `what`: cases, visits, persons, alerts, alert_history, dead_letters, training_rows.
  void purged(std::string_view what, uint64_t n);
  // The purge ran at `unix_seconds` on the daemon's clock (event time in replay).
  void ran(double unix_seconds);

 private:
  prometheus::Family<prometheus::Counter>* purged_;
  prometheus::Gauge* last_run_;
};

}  // namespace casewatch
