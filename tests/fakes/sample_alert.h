// One alert as the overdue model raises it, every contract field filled: a case 12 days past
// its procedural reply, with English and Chinese texts. Shared by the alert JSON tests and the
// encoding benchmark (bench/alert_json_bench.cc).
//
// Header-only.
#pragma once

#include "alerts/alert.h"

namespace casewatch::testing {

inline constexpr TimeMs kSampleAlertStart = 1772586900000;  // 2026-03-04T09:15:00+08:00
inline constexpr TimeMs kSampleAlertUpdate = kSampleAlertStart + 3 * kMsPerDay + 17 * kMsPerSecond;

inline Alert sampleOverdueAlert() {
  Alert a;
  a.alert_id = alertFingerprint("overdue", SubjectKind::kCase, "ZY-2026-0042");
  a.status = AlertStatus::kFiring;
  a.model = "overdue";
  a.tier = Tier::kOrange;
  a.subject_kind = SubjectKind::kCase;
  a.subject_id = "ZY-2026-0042";
  a.score = 0.7375;
  a.region = "520302";
  a.agency = "huichuan-hrss";
  a.category = "wage_arrears";
  a.starts_at = kSampleAlertStart;
  a.updated_at = kSampleAlertUpdate;
  AlertReason days;
  days.code = "procedural_reply_days_overdue";
  days.number = 12;
  days.text.set("en", "procedural reply was due on 2026-03-11: 12 day(s) overdue");
  days.text.set("zh-CN", "程序性回复期限为2026-03-11，已超期12天");
  AlertReason done;
  done.code = "steps_done";
  done.string_value = "routing decision";
  done.text.set("en", "done: routing decision");
  done.text.set("zh-CN", "已完成：受理/转送决定");
  a.reasons = {days, done};
  a.actions = {Action::kSendProceduralReply, Action::kNotifyLeadership};
  a.summary.set("en",
                "Case ZY-2026-0042 (huichuan-hrss): procedural reply overdue by up to 12 day(s).");
  a.summary.set("zh-CN", "案件ZY-2026-0042（huichuan-hrss）：程序性回复已超期，最长12天。");
  return a;
}

}  // namespace casewatch::testing
