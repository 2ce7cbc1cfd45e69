#include "tools/feedgen/truth.h"

#include <algorithm>
#include <cstdio>
#include <memory>

namespace casewatch::feedgen {
namespace {

std::string_view endName(StepRecord::End e) {
  switch (e) {
    case StepRecord::End::kOpen:
      return "open";
    case StepRecord::End::kSatisfied:
      return "satisfied";
    case StepRecord::End::kCleared:
      return "cleared";
  }
  return "open";
}

void appendStepList(std::string& out, std::string_view key, const std::vector<Step>& steps) {
  out.append(",\"").append(key).append("\":[");
  for (size_t i = 0; i < steps.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append("\"").append(stepName(steps[i])).append("\"");
  }
  out.push_back(']');
}

std::optional<ClockInput> clockInput(EventType k) {
  switch (k) {
    case EventType::kRegistered:
      return ClockInput::kRegistered;
    case EventType::kProceduralReply:
      return ClockInput::kProceduralReply;
    case EventType::kAccepted:
      return ClockInput::kAccepted;
    case EventType::kRejected:
      return ClockInput::kRejected;
    case EventType::kTransferred:
      return ClockInput::kTransferred;
    case EventType::kExtended:
      return ClockInput::kExtended;
    case EventType::kReplied:
      return ClockInput::kReplied;
    case EventType::kReviewRequested:
      return ClockInput::kReviewRequested;
    case EventType::kReviewDecided:
      return ClockInput::kReviewDecided;
    case EventType::kRecheckRequested:
      return ClockInput::kRecheckRequested;
    case EventType::kRecheckDecided:
      return ClockInput::kRecheckDecided;
    case EventType::kClosed:
      return ClockInput::kClosed;
    case EventType::kReopened:
      return ClockInput::kReopened;
    default:
      return std::nullopt;
  }
}

void stamp(TimeMs ts, TimeMs& first, TimeMs& last, bool initial) {
  if (initial || ts < first) first = ts;
  if (initial || ts > last) last = ts;
}

}  // namespace

Truth::Truth(const World& world, EventWriter& names) : world_(world), names_(names) {}

uint32_t Truth::addCase(const CaseInfo& c) {
  CaseRecord r;
  r.case_id = c.case_id;
  r.registered = c.registered_ts;
  r.region = c.matter.region;
  r.agency = c.agency;
  r.category = c.matter.category;
  r.clock = std::make_unique<CaseClock>(World::kUtcOffsetMinutes);
  cases_.push_back(std::move(r));
  const auto serial = static_cast<uint32_t>(cases_.size() - 1);
  const uint32_t group = c.group_size > 0 ? c.group_size : c.person_count;
  if (group >= kCollectiveGroupSize)
    collective_.push_back(CollectiveRecord{serial, c.matter, group});
  return serial;
}

void Truth::apply(uint32_t serial, const GenEvent& e) {
  CaseRecord& r = cases_[serial];
  if (e.type == EventType::kAccepted || e.type == EventType::kTransferred) {
    r.agency = static_cast<AgencyId>(e.value);
  }
  if (e.type == EventType::kReplied) r.replied = true;
  const std::optional<ClockInput> input = clockInput(e.type);
  if (input && r.clock) r.clock->apply(*input, e.ts, static_cast<int>(e.value));
}

void Truth::settle(uint32_t serial) {
  CaseRecord& r = cases_[serial];
  if (!r.clock) return;
  r.records = r.clock->records();
  r.records.shrink_to_fit();
  r.clock.reset();
}

std::vector<StepRecord> Truth::recordsOf(const CaseRecord& r) const {
  return r.clock ? r.clock->records() : r.records;
}

void Truth::setPlans(const std::vector<RepeatPlan>& repeats, const std::vector<BurstPlan>& bursts) {
  for (const RepeatPlan& p : repeats) {
    RepeatTally t;
    t.plan = p;
    repeats_.push_back(t);
  }
  for (const BurstPlan& p : bursts) {
    BurstTally t;
    t.plan = p;
    t.seen.assign(p.persons, false);
    bursts_.push_back(std::move(t));
  }
}

void Truth::countRepeat(int32_t index, bool registration, TimeMs ts) {
  RepeatTally& t = repeats_[static_cast<size_t>(index)];
  stamp(ts, t.first, t.last, t.visits + t.registrations == 0);
  (registration ? t.registrations : t.visits) += 1;
}

void Truth::setRecurringPlans(const std::vector<RecurringPlan>& plans) {
  for (const RecurringPlan& p : plans) recurring_.push_back(RecurringTally{p, 0, 0, {}});
}

void Truth::countRecurring(int32_t index, bool registration, TimeMs ts) {
  RecurringTally& t = recurring_[static_cast<size_t>(index)];
  (registration ? t.registrations : t.visits) += 1;
  t.days.push_back(World::localDay(ts));
}

void Truth::countBurst(int32_t index, uint64_t person_base, uint32_t count, bool registration,
                       TimeMs ts) {
  BurstTally& t = bursts_[static_cast<size_t>(index)];
  stamp(ts, t.first, t.last, t.visits + t.registrations == 0);
  (registration ? t.registrations : t.visits) += 1;
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t k = person_base + i - t.plan.person_base;
    if (k < t.seen.size()) t.seen[k] = true;
  }
}

absl::Status Truth::write(const std::string& path, const TruthMeta& meta,
                          TruthSummary* summary_out) const {
  std::FILE* f = path == "-" ? stdout : std::fopen(path.c_str(), "w");
  if (f == nullptr) return absl::UnavailableError("cannot open truth file " + path);
  std::string line;
  auto flush = [&] {
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), f);
    line.clear();
  };
  TruthSummary summary;
  for (const CaseRecord& r : cases_) {
    const CaseVerdict v = CaseClock::verdict(recordsOf(r), meta.end);
    ++summary.cases;
    if (!v.onTime()) ++summary.overdue_cases;
    if (!v.lateSteps().empty()) ++summary.late_cases;
    if (v.onTime() && r.replied) ++summary.replied_on_time_cases;
    for (Step step : v.overdueSteps()) ++summary.overdue_by_step[static_cast<size_t>(step)];
    line.append("{\"kind\":\"case\",\"case_id\":\"").append(r.case_id);
    line.append("\",\"region\":\"").append(world_.region(r.region).code);
    line.append("\",\"agency\":\"").append(world_.agencyName(r.agency));
    line.append("\",\"category\":\"").append(categoryName(r.category));
    line.append("\",\"registered\":\"");
    names_.appendTs(line, r.registered);
    line.append(v.onTime() ? "\",\"on_time\":true" : "\",\"on_time\":false");
    appendStepList(line, "overdue_steps", v.overdueSteps());
    appendStepList(line, "late_steps", v.lateSteps());
    auto details = [&](std::string_view key, const std::vector<StepRecord>& records) {
      line.append(",\"").append(key).append("\":[");
      for (size_t i = 0; i < records.size(); ++i) {
        const StepRecord& s = records[i];
        if (i > 0) line.push_back(',');
        line.append("{\"step\":\"").append(stepName(s.step)).append("\",\"due\":\"");
        names_.appendTs(line, s.due);
        line.append("\",\"end\":\"").append(endName(s.end)).append("\",\"ended\":");
        if (s.end == StepRecord::End::kOpen) {
          line.append("null");
        } else {
          line.push_back('"');
          names_.appendTs(line, s.ended);
          line.push_back('"');
        }
        line.push_back('}');
      }
      line.push_back(']');
    };
    details("overdue", v.overdue);
    details("open_steps", v.open);
    line.push_back('}');
    flush();
  }
  for (const RepeatTally& t : repeats_) {
    line.append("{\"kind\":\"repeat_person\",\"person\":\"");
    names_.appendPersonId(line, t.plan.person);
    line.append("\",\"matter\":\"");
    names_.appendMatter(line, t.plan.matter);
    line.append("\",\"region\":\"").append(world_.region(t.plan.matter.region).code);
    line.append("\",\"category\":\"").append(categoryName(t.plan.matter.category));
    line.append("\",\"visits\":").append(std::to_string(t.visits));
    line.append(",\"registrations\":").append(std::to_string(t.registrations));
    line.append(",\"contacts\":").append(std::to_string(t.visits + t.registrations));
    line.append(",\"first\":\"");
    names_.appendTs(line, t.first);
    line.append("\",\"last\":\"");
    names_.appendTs(line, t.last);
    line.append("\"}");
    flush();
  }
  for (const BurstTally& t : bursts_) {
    uint32_t persons = 0;
    for (bool b : t.seen) persons += b ? 1 : 0;
    line.append("{\"kind\":\"group_incident\",\"region\":\"")
        .append(world_.region(t.plan.matter.region).code);
    line.append("\",\"matter\":\"");
    names_.appendMatter(line, t.plan.matter);
    line.append("\",\"category\":\"").append(categoryName(t.plan.matter.category));
    line.append("\",\"start\":\"");
    names_.appendTs(line, t.first);
    line.append("\",\"end\":\"");
    names_.appendTs(line, t.last);
    line.append("\",\"persons\":").append(std::to_string(persons));
    line.append(",\"visits\":").append(std::to_string(t.visits));
    line.append(",\"registrations\":").append(std::to_string(t.registrations));
    line.push_back('}');
    flush();
  }
  for (const CollectiveRecord& c : collective_) {
    line.append("{\"kind\":\"collective_case\",\"case_id\":\"").append(cases_[c.serial].case_id);
    line.append("\",\"matter\":\"");
    names_.appendMatter(line, c.matter);
    line.append("\",\"region\":\"").append(world_.region(c.matter.region).code);
    line.append("\",\"category\":\"").append(categoryName(c.matter.category));
    line.append("\",\"group_size\":").append(std::to_string(c.group_size));
    line.push_back('}');
    flush();
  }
  for (const RecurringTally& t : recurring_) {
    std::vector<int64_t> days = t.days;
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
    // The most return days (contact days after the first) in any window of 30 and 90 days.
    auto most = [&](int64_t width) {
      size_t best = 0;
      for (size_t i = 1, j = 1; i < days.size(); ++i) {
        while (days[i] - days[j] >= width) ++j;
        best = std::max(best, i - j + 1);
      }
      return best;
    };
    line.append(t.plan.quiet ? "{\"kind\":\"quiet_matter\"" : "{\"kind\":\"recurring_matter\"");
    line.append(",\"matter\":\"");
    names_.appendMatter(line, t.plan.matter);
    line.append("\",\"region\":\"").append(world_.region(t.plan.matter.region).code);
    line.append("\",\"category\":\"").append(categoryName(t.plan.matter.category));
    line.append("\",\"visits\":").append(std::to_string(t.visits));
    line.append(",\"registrations\":").append(std::to_string(t.registrations));
    line.append(",\"contacts\":").append(std::to_string(t.visits + t.registrations));
    line.append(",\"contact_days\":").append(std::to_string(days.size()));
    line.append(",\"max_returns_30d\":").append(std::to_string(most(30)));
    line.append(",\"max_returns_90d\":").append(std::to_string(most(90)));
    line.append("}");
    flush();
  }
  line.append("{\"kind\":\"meta\",\"end\":\"");
  names_.appendTs(line, meta.end);
  line.append("\",\"window_start\":\"");
  names_.appendTs(line, meta.window_start);
  line.append("\",\"window_end\":\"");
  names_.appendTs(line, meta.window_end);
  line.append("\",\"cases\":").append(std::to_string(summary.cases));
  line.append(",\"events\":").append(std::to_string(meta.events));
  line.append(",\"overdue_cases\":").append(std::to_string(summary.overdue_cases));
  line.append(",\"late_cases\":").append(std::to_string(summary.late_cases));
  line.append(",\"replied_on_time_cases\":").append(std::to_string(summary.replied_on_time_cases));
  line.append(",\"overdue_by_step\":{");
  for (size_t i = 0; i < kStepCount; ++i) {
    if (i > 0) line.push_back(',');
    line.append("\"").append(stepName(static_cast<Step>(i))).append("\":");
    line.append(std::to_string(summary.overdue_by_step[i]));
  }
  line.push_back('}');
  line.append(",\"repeat_persons\":").append(std::to_string(repeats_.size()));
  line.append(",\"group_incidents\":").append(std::to_string(bursts_.size()));
  line.append(",\"collective_cases\":").append(std::to_string(collective_.size()));
  if (!recurring_.empty()) {
    size_t quiet = 0;
    for (const RecurringTally& t : recurring_) quiet += t.plan.quiet ? 1 : 0;
    line.append(",\"recurring_matters\":").append(std::to_string(recurring_.size() - quiet));
    line.append(",\"quiet_matters\":").append(std::to_string(quiet));
  }
  line.append(",\"seed\":").append(std::to_string(meta.seed));
  line.append(",\"timezone\":\"+08:00\",\"generator\":\"casewatch feedgen ")
      .append(meta.version)
      .append("\"}");
  flush();
  if (summary_out != nullptr) *summary_out = summary;
  const bool failed = std::ferror(f) != 0;
  if (f != stdout) {
    if (std::fclose(f) != 0 || failed) return absl::DataLossError("writing " + path + " failed");
  } else {
    std::fflush(f);
  }
  return failed ? absl::DataLossError("writing the truth failed") : absl::OkStatus();
}

}  // namespace casewatch::feedgen
