// Encoding an alert change's JSON (alerts/alert_json.h), once per change for the store, the bus
// and the API: an escalated overdue alert with two reasons, English and Chinese texts, as the
// alert-heavy feed publishes them (about 1.1 KB). Reported as items/s (alerts) and bytes/s.
#include <benchmark/benchmark.h>

#include <string>

#include "alerts/alert_json.h"

namespace casewatch {
namespace {

constexpr TimeMs kStart = 1772586900000;  // 2026-03-04T09:15:00+08:00

Alert escalatedOverdueAlert() {
  Alert a;
  a.alert_id = alertFingerprint("overdue", SubjectKind::kCase, "ZY-2026-0042");
  a.status = AlertStatus::kEscalated;
  a.model = "overdue";
  a.tier = Tier::kRed;
  a.subject_kind = SubjectKind::kCase;
  a.subject_id = "ZY-2026-0042";
  a.score = 0.8125;
  a.region = "520302";
  a.agency = "huichuan-hrss";
  a.category = "wage_arrears";
  a.starts_at = kStart;
  a.updated_at = kStart + 9 * kMsPerDay;
  AlertReason days;
  days.code = "procedural_reply_days_overdue";
  days.number = 8;
  days.text.set("en", "procedural reply was due on 2026-03-11: 8 day(s) overdue");
  days.text.set("zh-CN", "程序性回复期限为2026-03-11，已超期8天");
  AlertReason done;
  done.code = "steps_done";
  done.string_value = "routing decision";
  done.text.set("en", "done: routing decision");
  done.text.set("zh-CN", "已完成：受理/转送决定");
  a.reasons = {days, done};
  a.actions = {Action::kSendProceduralReply, Action::kNotifyLeadership};
  a.summary.set("en",
                "Case ZY-2026-0042 (huichuan-hrss): procedural reply overdue by up to 8 day(s).");
  a.summary.set("zh-CN", "案件ZY-2026-0042（huichuan-hrss）：程序性回复已超期，最长8天。");
  a.escalation = AlertEscalation{2, "leadership", kStart + 2 * kMsPerDay, kStart + 9 * kMsPerDay};
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
