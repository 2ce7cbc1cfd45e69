// Encoding an alert change's JSON (alerts/alert_json.h), once per change for the store, the bus
// and the API: an escalated overdue alert with two reasons, English and Chinese texts, as the
// alert-heavy feed publishes them (about 1.1 KB). Reported as items/s (alerts) and bytes/s.
#include <benchmark/benchmark.h>

#include <string>

#include "alerts/alert_json.h"
#include "tests/fakes/sample_alert.h"

namespace casewatch {
namespace {

// The shared sample (tests/fakes/sample_alert.h), escalated to leadership and reminded since.
Alert escalatedOverdueAlert() {
  Alert a = testing::sampleOverdueAlert();
  a.status = AlertStatus::kEscalated;
  a.tier = Tier::kRed;
  a.escalation = AlertEscalation{2, "leadership", a.starts_at + 2 * kMsPerDay, a.updated_at};
  return a;
}

void BM_AlertToJson(benchmark::State& state) {
  const Alert a = escalatedOverdueAlert();
  const AlertJsonOptions opts;
  size_t bytes = 0;
  for (auto _ : state) {
    std::string json = alertToJson(a, opts);
    bytes += json.size();
    benchmark::DoNotOptimize(json);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_AlertToJson);

}  // namespace
}  // namespace casewatch
