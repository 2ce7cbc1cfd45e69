#include "models/overdue/clock_rules.h"

namespace casewatch {
namespace {

bool channelMatches(const std::string& configured, Channel c) {
  return configured.empty() || configured == channelName(c);
}

void applyOverride(const ClockOverride& o, StepRule& r) {
  auto set = [](const std::optional<int>& v, int& out) {
    if (v) out = *v;
  };
  set(o.procedural_reply_days, r.days[static_cast<size_t>(Step::kProceduralReply)]);
  set(o.routing_days, r.days[static_cast<size_t>(Step::kRouting)]);
  set(o.handling_days, r.days[static_cast<size_t>(Step::kHandling)]);
  set(o.review_days, r.days[static_cast<size_t>(Step::kReview)]);
  set(o.recheck_days, r.days[static_cast<size_t>(Step::kRecheck)]);
  if (o.day_count) r.day_count = *o.day_count;
}

}  // namespace

ClockRules::ClockRules(const ClocksConfig& config, std::optional<WorkCalendar> calendar)
    : config_(config), calendar_(std::move(calendar)) {
  base_.days = {config.procedural_reply_days, config.routing_days, config.handling_days,
                config.review_days, config.recheck_days};
  base_.day_count = config.day_count;
}

const StepRule& ClockRules::ruleFor(uint32_t agency_id, std::string_view agency, Channel channel) {
  auto it = cache_.find(agency_id);
  if (it == cache_.end()) it = cache_.emplace(agency_id, PerChannel{}).first;
  auto& slot = it->second[static_cast<size_t>(channel)];
  if (slot) return *slot;
  StepRule rule = base_;
  // Apply the least specific first so that more specific ones override it.
  for (int specificity = 1; specificity <= 3; ++specificity) {
    for (auto it = config_.overrides.rbegin(); it != config_.overrides.rend(); ++it) {
      const ClockOverride& o = *it;
      const int s = (o.agency.empty() ? 0 : 2) + (o.channel.empty() ? 0 : 1);
      if (s != specificity) continue;
      if (!o.agency.empty() && o.agency != agency) continue;
      if (!channelMatches(o.channel, channel)) continue;
      applyOverride(o, rule);  // reverse order: the first listed is applied last and wins
    }
  }
  slot = rule;
  return *slot;
}

TimeMs ClockRules::deadline(TimeMs start, int days, DayCount day_count) const {
  const TimeMs offset_ms = TimeMs{config_.utc_offset_minutes} * kMsPerMinute;
  const TimeMs local = start + offset_ms;
  int64_t day = local >= 0 ? local / kMsPerDay : (local - kMsPerDay + 1) / kMsPerDay;
  if (day_count == DayCount::kWorking) {
    // Without a calendar file, working days are Monday to Friday.
    const WorkCalendar& cal = calendar_ ? *calendar_ : weekdays_;
    for (int counted = 0; counted < days;) {
      ++day;
      if (cal.isWorkingDay(day)) ++counted;
    }
  } else {
    day += days;
    if (calendar_) {
      while (!calendar_->isWorkingDay(day)) ++day;  // roll forward off a day off
    }
  }
  return (day + 1) * kMsPerDay - offset_ms;
}

TimeMs ClockRules::deadlineOf(const Case& c, Step step, const StringInterner& strings) {
  return deadlineOf(c, step, strings, c.agency, c.start(step));
}

TimeMs ClockRules::deadlineOf(const Case& c, Step step, const StringInterner& strings,
                              uint32_t agency, TimeMs start) {
  const StepRule& rule = ruleFor(agency, strings.name(agency), c.channel);
  int days = rule.days[static_cast<size_t>(step)];
  if (step == Step::kHandling) days += c.extension_days;
  return deadline(start, days, rule.day_count);
}

}  // namespace casewatch
