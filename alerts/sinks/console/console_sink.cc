#include "alerts/sinks/console/console_sink.h"

#include "alerts/wording/alert_wording.h"
#include "base/str_cat.h"

namespace casewatch {
namespace {

std::string_view tierZh(Tier t) {
  switch (t) {
    case Tier::kBlue:
      return "蓝色";
    case Tier::kYellow:
      return "黄色";
    case Tier::kOrange:
      return "橙色";
    case Tier::kRed:
      return "红色";
    case Tier::kNone:
      break;
  }
  return "";
}

std::string_view statusZh(AlertStatus s) {
  switch (s) {
    case AlertStatus::kFiring:
      return "预警";
    case AlertStatus::kAcknowledged:
      return "已确认";
    case AlertStatus::kEscalated:
      return "已升级";
    case AlertStatus::kResolved:
      return "已解除";
    case AlertStatus::kSilenced:
      return "已静默";
  }
  return "";
}

std::string_view colorOf(Tier t) {
  switch (t) {
    case Tier::kBlue:
      return "\x1b[34m";
    case Tier::kYellow:
      return "\x1b[33m";
    case Tier::kOrange:
      return "\x1b[38;5;208m";
    case Tier::kRed:
      return "\x1b[31m";
    case Tier::kNone:
      break;
  }
  return "";
}

}  // namespace

std::string ConsoleSink::render(const AlertChange& change) const {
  const Alert& a = change.alert;
  const bool zh = locale_ == "zh-CN";
  std::string when = formatRfc3339(a.updated_at, offset_);
  when[10] = ' ';
  std::string tier(zh ? tierZh(a.tier) : tierName(a.tier));
  if (!zh) {
    for (char& ch : tier) ch = static_cast<char>(ch - ('a' <= ch && ch <= 'z' ? 32 : 0));
  }
  std::string status =
      zh ? std::string(statusZh(a.status)) : std::string(alertStatusName(a.status));
  std::string out;
  if (color_ && a.status != AlertStatus::kResolved) strAppend(out, colorOf(a.tier));
  strAppend(out, when, "  ", tier, " ", status, "  [", a.model, " ",
            subjectKindName(a.subject_kind), " ", a.subject_id, "]  ", a.summary.get(locale_));
  if (color_) strAppend(out, "\x1b[0m");
  out += '\n';
  for (const AlertReason& r : a.reasons) {
    strAppend(out, "    - ", r.text.get(locale_), "\n");
  }
  if (!a.actions.empty()) {
    strAppend(out, zh ? "    建议: " : "    do: ");
    for (size_t i = 0; i < a.actions.size(); ++i) {
      if (i) out += zh ? "；" : "; ";
      strAppend(out, AlertWording::builtin().actionText(a.actions[i], locale_));
    }
    out += '\n';
  }
  return out;
}

SinkOutcome ConsoleSink::deliver(const AlertChange& change) {
  // Reminders and bookkeeping updates go to the bus and the store; a person reading the console
  // needs only what changed (fired, tier, ack, escalation, resolution).
  if (change.kind == ChangeKind::kUpdated) return SinkOutcome::kDelivered;
  const std::string text = render(change);
  std::fwrite(text.data(), 1, text.size(), out_);
  return SinkOutcome::kDelivered;
}

}  // namespace casewatch
