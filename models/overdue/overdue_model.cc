#include "models/overdue/overdue_model.h"

#include <algorithm>
#include <array>

#include "daemon/base/str_cat.h"

namespace casewatch {
namespace {

constexpr std::array<std::string_view, kStepCount> kStepEn = {
    "procedural reply", "routing decision", "handling and written reply", "review decision",
    "re-review decision"};
constexpr std::array<std::string_view, kStepCount> kStepZh = {"程序性回复", "受理/转送决定",
                                                              "办理答复", "复查决定", "复核决定"};

constexpr uint8_t bit(Step s) {
  return static_cast<uint8_t>(1u << static_cast<unsigned>(s));
}

Action actionFor(Step s) {
  switch (s) {
    case Step::kProceduralReply:
      return Action::kSendProceduralReply;
    case Step::kRouting:
    case Step::kReview:
    case Step::kRecheck:
      return Action::kReviewCase;
    case Step::kHandling:
      return Action::kReplyNow;
  }
  return Action::kReplyNow;
}

// Whole days, counting a started day as a day: 1 ms late is "1 day overdue".
int64_t daysCeil(TimeMs ms) {
  return ms <= 0 ? 0 : (ms + kMsPerDay - 1) / kMsPerDay;
}

}  // namespace

OverdueModel::OverdueModel(const ClocksConfig& config, std::optional<WorkCalendar> calendar)
    : rules_(config, std::move(calendar)),
      warning_ms_(TimeMs{config.warning_days} * kMsPerDay),
      red_ms_(TimeMs{config.red_after_days} * kMsPerDay) {}

void OverdueModel::scheduleNext(const CaseStore& cases, CaseIndex i, Step s) {
  const TimeMs due = rules_.deadlineOf(cases.at(i), s, cases.strings());
  for (TimeMs threshold : {due - warning_ms_, due, due + red_ms_ + 1}) {
    if (threshold > now_) {
      queue_.push(threshold, i, s);
      return;
    }
  }
}

void OverdueModel::onEvent(const CaseEvent& ev, const CaseUpdate& u, ModelContext& ctx) {
  if (u.index == kNoCase || u.conflict) return;
  const Case& c = ctx.cases.at(u.index);
  if (u.satisfied_steps != 0 && ctx.metrics) {
    for (size_t s = 0; s < kStepCount; ++s) {
      const auto step = static_cast<Step>(s);
      if (!(u.satisfied_steps & bit(step))) continue;
      // On time is judged by the event's own ts, so a late-arriving reply still counts on time.
      const TimeMs due = rules_.deadlineOf(c, step, ctx.cases.strings());
      ctx.metrics->stepCompleted(c.agency, step, ev.ts < due);
    }
  }
  uint8_t rescheduled = u.started_steps;
  if (u.deadline_changed) rescheduled |= bit(Step::kHandling);
  if (rescheduled != 0) {
    auto it = active_.find(u.index);
    if (it != active_.end()) it->second.breached_steps &= static_cast<uint8_t>(~u.started_steps);
    for (size_t s = 0; s < kStepCount; ++s) {
      const auto step = static_cast<Step>(s);
      if ((rescheduled & bit(step)) && c.pending(step)) scheduleNext(ctx.cases, u.index, step);
    }
  }
  if (rescheduled != 0 || active_.contains(u.index)) {
    evaluate(u.index, ctx, static_cast<uint8_t>(u.satisfied_steps | u.cleared_steps));
  }
}

void OverdueModel::advanceTo(TimeMs now, ModelContext& ctx) {
  if (now <= now_) return;
  now_ = now;
  while (queue_.hasDue(now_)) {
    const DeadlineEntry e = queue_.pop();
    const Case& c = ctx.cases.at(e.case_index);
    if (!c.pending(e.step)) continue;  // the step happened since: a stale entry
    // A clock that restarted (transfer, extension, reopen) left its old entry behind; only an entry
    // at one of the current deadline's thresholds may schedule the next one.
    const TimeMs due = rules_.deadlineOf(c, e.step, ctx.cases.strings());
    if (e.fire_at != due - warning_ms_ && e.fire_at != due && e.fire_at != due + red_ms_ + 1) {
      continue;
    }
    scheduleNext(ctx.cases, e.case_index, e.step);
    evaluate(e.case_index, ctx, 0);
  }
}

void OverdueModel::rebuild(TimeMs now, ModelContext& ctx) {
  queue_.clear();
  now_ = std::max(now_, now);
  for (CaseIndex i = 0; i < ctx.cases.size(); ++i) {
    const Case& c = ctx.cases.at(i);
    if (c.pending_steps == 0) continue;
    for (size_t s = 0; s < kStepCount; ++s) {
      if (c.pending(static_cast<Step>(s))) scheduleNext(ctx.cases, i, static_cast<Step>(s));
    }
    evaluate(i, ctx, 0);
  }
}

void OverdueModel::evaluate(CaseIndex i, ModelContext& ctx, uint8_t done_steps) {
  const CaseStore& cases = ctx.cases;
  const Case& c = cases.at(i);
  const StringInterner& strings = cases.strings();
  auto it = active_.find(i);
  const Tier before = it == active_.end() ? Tier::kNone : it->second.tier;

  Signal sig;
  sig.model = kName;
  sig.subject_kind = SubjectKind::kCase;
  sig.at = now_;
  Tier tier = Tier::kNone;
  int64_t worst_days_over = 0;
  uint8_t missed_steps = 0;
  std::string steps_en, steps_zh;
  const int offset = rules_.offsetMinutes();
  for (size_t s = 0; s < kStepCount; ++s) {
    const auto step = static_cast<Step>(s);
    if (!c.pending(step)) continue;
    const TimeMs due = rules_.deadlineOf(c, step, strings);
    if (now_ < due - warning_ms_) continue;
    // The last day of the period, in the configured zone (the deadline is its end).
    const std::string due_date =
        formatCivilDate(civilFromDays((due - 1 + TimeMs{offset} * kMsPerMinute) / kMsPerDay));
    Reason r;
    if (now_ < due) {
      tier = std::max(tier, Tier::kYellow);
      const int64_t left = daysCeil(due - now_);
      r.code = strCat(stepName(step), "_days_left");
      r.number = static_cast<double>(left);
      r.text_en = fmt::format("{} due on {}: {} day(s) left", kStepEn[s], due_date, left);
      r.text_zh = fmt::format("{}期限为{}，剩余{}天", kStepZh[s], due_date, left);
    } else {
      const int64_t over = daysCeil(now_ - due);
      tier = std::max(tier, now_ > due + red_ms_ ? Tier::kRed : Tier::kOrange);
      worst_days_over = std::max(worst_days_over, over);
      missed_steps |= bit(step);
      r.code = strCat(stepName(step), "_days_overdue");
      r.number = static_cast<double>(over);
      r.text_en = fmt::format("{} was due on {}: {} day(s) overdue", kStepEn[s], due_date, over);
      r.text_zh = fmt::format("{}期限为{}，已超期{}天", kStepZh[s], due_date, over);
    }
    if (!steps_en.empty()) {
      steps_en += ", ";
      steps_zh += "、";
    }
    steps_en += kStepEn[s];
    steps_zh += kStepZh[s];
    sig.reasons.push_back(std::move(r));
    const Action a = actionFor(step);
    if (std::find(sig.actions.begin(), sig.actions.end(), a) == sig.actions.end()) {
      sig.actions.push_back(a);
    }
  }

  // Count each breach once per running clock, for the per-agency accountability figures.
  if (missed_steps != 0) {
    Active& a = active_[i];
    const uint8_t fresh = static_cast<uint8_t>(missed_steps & ~a.breached_steps);
    if (fresh && ctx.metrics) {
      for (size_t s = 0; s < kStepCount; ++s) {
        if (fresh & bit(static_cast<Step>(s)))
          ctx.metrics->deadlineBreached(c.agency, static_cast<Step>(s));
      }
    }
    a.breached_steps |= missed_steps;
    it = active_.find(i);
  }
  if (tier == before) return;

  const std::string_view case_id = cases.caseId(i);
  sig.subject_id = std::string(case_id);
  sig.tier = tier;
  sig.region = std::string(strings.name(c.region));
  sig.agency = std::string(strings.name(c.agency));
  sig.category = std::string(strings.name(c.category));
  if (tier == Tier::kNone) {
    active_.erase(i);
    sig.score = 0;
    std::string done_en, done_zh;
    for (size_t s = 0; s < kStepCount; ++s) {
      if (!(done_steps & bit(static_cast<Step>(s)))) continue;
      if (!done_en.empty()) {
        done_en += ", ";
        done_zh += "、";
      }
      done_en += kStepEn[s];
      done_zh += kStepZh[s];
    }
    if (done_en.empty()) {
      done_en = "the deadline moved";
      done_zh = "期限已调整";
    }
    Reason r;
    r.code = "steps_done";
    r.string_value = done_en;
    r.text_en = strCat("done: ", done_en);
    r.text_zh = strCat("已完成：", done_zh);
    sig.reasons.push_back(std::move(r));
    sig.summary_en = fmt::format("Case {} ({}): no deadline is at risk any more ({}).", case_id,
                                 sig.agency, done_en);
    sig.summary_zh =
        fmt::format("案件{}（{}）：期限风险已解除（{}）。", case_id, sig.agency, done_zh);
    ctx.signals.emit(std::move(sig));
    return;
  }

  active_[i].tier = tier;
  if (tier == Tier::kYellow) {
    sig.score = 0.4;
    sig.summary_en = fmt::format("Case {} ({}): {} due soon.", case_id, sig.agency, steps_en);
    sig.summary_zh = fmt::format("案件{}（{}）：{}即将到期。", case_id, sig.agency, steps_zh);
  } else {
    const double frac = red_ms_ > 0 ? std::min(1.0, static_cast<double>(worst_days_over) *
                                                        kMsPerDay / static_cast<double>(red_ms_))
                                    : 1.0;
    sig.score = tier == Tier::kRed ? 1.0 : 0.7 + 0.3 * frac;
    sig.summary_en = fmt::format("Case {} ({}): {} overdue by up to {} day(s).", case_id,
                                 sig.agency, steps_en, worst_days_over);
    sig.summary_zh = fmt::format("案件{}（{}）：{}已超期，最长{}天。", case_id, sig.agency,
                                 steps_zh, worst_days_over);
    if (tier == Tier::kRed) sig.actions.push_back(Action::kNotifyLeadership);
  }
  ctx.signals.emit(std::move(sig));
}

}  // namespace casewatch
