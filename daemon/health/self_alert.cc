#include "daemon/health/self_alert.h"

#include "base/str_cat.h"

namespace casewatch {

std::string_view selfAlertCauseCode(SelfAlertCause cause) {
  switch (cause) {
    case SelfAlertCause::kDiskFull:
      return "disk_full";
    case SelfAlertCause::kJournalFailing:
      return "journal_failing";
    case SelfAlertCause::kStoreFailing:
      return "store_failing";
  }
  return "unknown";
}

Alert selfAlert(SelfAlertCause cause, std::string_view detail, const std::string& data_dir,
                TimeMs at) {
  Alert a;
  a.model = std::string(kSelfAlertModel);
  a.subject_kind = SubjectKind::kService;
  a.subject_id = std::string(kSelfAlertSubject);
  a.alert_id = alertFingerprint(a.model, a.subject_kind, a.subject_id);
  a.tier = Tier::kRed;
  a.score = 1;
  a.starts_at = a.updated_at = at;
  const bool full = cause == SelfAlertCause::kDiskFull;
  a.summary =
      LocalText{{"en", full ? strCat("casewatch has paused taking events: the disk of ", data_dir,
                                     " is full. Alerts wait until space is freed.")
                            : strCat("casewatch has paused taking events: it cannot write to ",
                                     data_dir, ". Alerts wait until writing works again.")},
                {"zh-CN", full ? strCat("casewatch 已暂停接收事件：", data_dir,
                                        " 所在磁盘已满。释放空间前，预警将暂缓。")
                               : strCat("casewatch 已暂停接收事件：无法写入 ", data_dir,
                                        "。恢复写入前，预警将暂缓。")}};
  AlertReason reason;
  reason.code = std::string(selfAlertCauseCode(cause));
  reason.string_value = data_dir;
  reason.text = LocalText{{"en", std::string(detail)}, {"zh-CN", std::string(detail)}};
  a.reasons.push_back(std::move(reason));
  a.actions.push_back(Action::kFixAtSource);
  return a;
}

AlertChange selfAlertFired(Alert alert) {
  AlertChange c;
  c.at = alert.updated_at;
  c.alert = std::move(alert);
  c.kind = ChangeKind::kFired;
  return c;
}

AlertChange selfAlertResolved(Alert alert, TimeMs at) {
  AlertChange c;
  alert.status = AlertStatus::kResolved;
  alert.updated_at = at;
  c.alert = std::move(alert);
  c.kind = ChangeKind::kResolved;
  c.at = at;
  return c;
}

}  // namespace casewatch
