#include "models/overdue/overdue_model.h"

#include <algorithm>
#include <array>

#include "base/str_cat.h"

namespace casewatch {
namespace {

constexpr std::array<std::string_view, kStepCount> kStepMessages = {
    "overdue.step.procedural_reply", "overdue.step.routing", "overdue.step.handling",
    "overdue.step.review", "overdue.step.recheck"};

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

uint8_t& OverdueModel::epochOf(CaseIndex i, Step s) {
  if (i >= epochs_.size()) epochs_.resize(std::max<size_t>(i + 1, epochs_.size() * 3 / 2));
  return epochs_[i][static_cast<size_t>(s)];
}

void OverdueModel::scheduleNext(const CaseStore& cases, CaseIndex i, Step s, bool restarted) {
  uint8_t& epoch = epochOf(i, s);
  if (restarted) ++epoch;
  const TimeMs due = rules_.deadlineOf(cases.at(i), s, cases.strings());
  for (TimeMs threshold : {due - warning_ms_, due, due + red_ms_ + 1}) {
    if (threshold > now_) {
      queue_.push(threshold, i, s, epoch);
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
      // On time is judged by the event's own ts, so a late-arriving reply still counts on time;
      // against the clock as it ran before the event (a transfer restarts routing at the receiving
      // agency: the step judged here is the sending agency's).
      const TimeMs start = (u.started_steps & bit(step)) ? u.restarted_from : c.start(step);
      const TimeMs due = rules_.deadlineOf(c, step, ctx.cases.strings(), u.agency_before, start);
      ctx.metrics->stepCompleted(c.region, u.agency_before, step, ev.ts < due);
    }
  }
  uint8_t rescheduled = u.started_steps;
  if (u.deadline_changed) rescheduled |= bit(Step::kHandling);
  if (rescheduled != 0) {
    auto it = active_.find(u.index);
    if (it != active_.end()) it->second.breached_steps &= static_cast<uint8_t>(~u.started_steps);
    for (size_t s = 0; s < kStepCount; ++s) {
      const auto step = static_cast<Step>(s);
      if ((rescheduled & bit(step)) && c.pending(step))
        scheduleNext(ctx.cases, u.index, step, true);
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
    // A clock that restarted (transfer, extension, reopen) left its old entry behind: only the
    // entry of the clock's current epoch, at one of the current deadline's thresholds, may
    // schedule the next one.
    if (e.epoch != epochOf(e.case_index, e.step)) continue;
    const TimeMs due = rules_.deadlineOf(c, e.step, ctx.cases.strings());
    if (e.fire_at != due - warning_ms_ && e.fire_at != due && e.fire_at != due + red_ms_ + 1) {
      continue;
    }
    scheduleNext(ctx.cases, e.case_index, e.step, false);
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
      if (c.pending(static_cast<Step>(s))) scheduleNext(ctx.cases, i, static_cast<Step>(s), true);
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
  // Which steps are at risk and their deadlines; the texts are worded only once the tier has
  // changed (most evaluations change nothing, and wording is the costly part).
  std::array<TimeMs, kStepCount> due_of{};
  uint8_t shown_steps = 0;
  for (size_t s = 0; s < kStepCount; ++s) {
    const auto step = static_cast<Step>(s);
    if (!c.pending(step)) continue;
    const TimeMs due = rules_.deadlineOf(c, step, strings);
    if (now_ < due - warning_ms_) continue;
    due_of[s] = due;
    shown_steps |= bit(step);
    if (now_ < due) {
      tier = std::max(tier, Tier::kYellow);
    } else {
      tier = std::max(tier, now_ > due + red_ms_ ? Tier::kRed : Tier::kOrange);
      worst_days_over = std::max(worst_days_over, daysCeil(now_ - due));
      missed_steps |= bit(step);
    }
  }

  // Count each breach once per running clock, for the per-agency accountability figures.
  if (missed_steps != 0) {
    Active& a = active_[i];
    const uint8_t fresh = static_cast<uint8_t>(missed_steps & ~a.breached_steps);
    if (fresh && ctx.metrics) {
      for (size_t s = 0; s < kStepCount; ++s) {
        if (fresh & bit(static_cast<Step>(s)))
          ctx.metrics->deadlineBreached(c.region, c.agency, static_cast<Step>(s));
      }
    }
    a.breached_steps |= missed_steps;
    it = active_.find(i);
  }
  if (tier == before) return;

  PhraseList steps{"list_separator", {}};
  const int offset = rules_.offsetMinutes();
  for (size_t s = 0; s < kStepCount; ++s) {
    const auto step = static_cast<Step>(s);
    if (!(shown_steps & bit(step))) continue;
    const TimeMs due = due_of[s];
    // The last day of the period, in the configured zone (the deadline is its end).
    const std::string due_date =
        formatCivilDate(civilFromDays((due - 1 + TimeMs{offset} * kMsPerMinute) / kMsPerDay));
    const Phrase step_name{std::string(kStepMessages[s])};
    if (now_ < due) {
      const int64_t left = daysCeil(due - now_);
      sig.addReason(strCat(stepName(step), "_days_left"), static_cast<double>(left),
                    Phrase("overdue.reason.days_left",
                           {{"step", step_name}, {"due_date", due_date}, {"days", left}}));
    } else {
      const int64_t over = daysCeil(now_ - due);
      sig.addReason(strCat(stepName(step), "_days_overdue"), static_cast<double>(over),
                    Phrase("overdue.reason.days_overdue",
                           {{"step", step_name}, {"due_date", due_date}, {"days", over}}));
    }
    steps.items.push_back(step_name);
    const Action a = actionFor(step);
    if (std::find(sig.actions.begin(), sig.actions.end(), a) == sig.actions.end()) {
      sig.actions.push_back(a);
    }
  }

  const std::string_view case_id = cases.caseId(i);
  sig.subject_id = std::string(case_id);
  sig.tier = tier;
  sig.region = std::string(strings.name(c.region));
  sig.agency = std::string(strings.name(c.agency));
  sig.category = std::string(strings.name(c.category));
  if (tier == Tier::kNone) {
    active_.erase(i);
    sig.score = 0;
    PhraseList done_steps_list{"list_separator", {}};
    for (size_t s = 0; s < kStepCount; ++s) {
      if (done_steps & bit(static_cast<Step>(s))) {
        done_steps_list.items.emplace_back(std::string(kStepMessages[s]));
      }
    }
    // What was done, or why the risk went without a step done.
    const Phrase done = done_steps_list.items.empty()
                            ? Phrase("overdue.deadline_moved")
                            : Phrase("overdue.steps", {{"steps", std::move(done_steps_list)}});
    sig.addReason("steps_done", std::string(),
                  Phrase("overdue.reason.steps_done", {{"steps", done}}))
        .value_words = done;
    sig.summary = Phrase("overdue.summary.resolved",
                         {{"case", case_id}, {"agency", sig.agency}, {"steps", done}});
    ctx.signals.emit(std::move(sig));
    return;
  }

  active_[i].tier = tier;
  if (tier == Tier::kYellow) {
    sig.score = 0.4;
    sig.summary = Phrase("overdue.summary.due_soon",
                         {{"case", case_id}, {"agency", sig.agency}, {"steps", steps}});
  } else {
    const double frac = red_ms_ > 0 ? std::min(1.0, static_cast<double>(worst_days_over) *
                                                        kMsPerDay / static_cast<double>(red_ms_))
                                    : 1.0;
    sig.score = tier == Tier::kRed ? 1.0 : 0.7 + 0.3 * frac;
    sig.summary = Phrase(
        "overdue.summary.overdue",
        {{"case", case_id}, {"agency", sig.agency}, {"steps", steps}, {"days", worst_days_over}});
    if (tier == Tier::kRed) sig.actions.push_back(Action::kNotifyLeadership);
  }
  ctx.signals.emit(std::move(sig));
}

}  // namespace casewatch
