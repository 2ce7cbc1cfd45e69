// The signals of the repeat_visit model: a person's alert and a matter's, as facts (reason codes,
// numbers and phrases); alerts/wording words them.
#include "models/repeat_visit/repeat_visit_model.h"

#include <algorithm>
#include <cmath>

#include "connectors/pseudonym/pseudonymizer.h"

namespace casewatch {
namespace {

constexpr int kScoreHorizonDays = 30;

std::string dateOf(int64_t day) {
  return formatCivilDate(civilFromDays(day));
}

}  // namespace

void RepeatVisitModel::emitPerson(Alerted& a, Tier tier, ModelContext& ctx) {
  const Track& t = a.track;
  a.track.tier = tier;
  const int64_t today = localDay(now_);
  const int r30 = t.returns.countWindow(today, 30);
  const int r90 = t.returns.countWindow(today, 90);
  const double lambda = lambdaOf(t);
  const std::string pid = Pseudonymizer::format(t.person);

  Signal s;
  s.model = kName;
  s.subject_kind = SubjectKind::kPerson;
  s.subject_id = pid;
  s.tier = tier;
  s.at = now_;
  s.region = a.region;
  s.agency = a.agency;
  s.category = a.category;
  const double s_now = (lambda - hawkes_.mu) / std::max(hawkes_.alpha, 1e-300);
  const double expected =
      kScoreHorizonDays * hawkes_.mu +
      hawkes_.alpha * s_now / hawkes_.beta * (1 - std::exp(-hawkes_.beta * kScoreHorizonDays));
  s.score = tier == Tier::kNone ? 0 : 1 - std::exp(-expected);

  if (tier == Tier::kNone) {
    const int64_t quiet = (now_ - TimeMs{t.t_last_min} * kMsPerMinute) / kMsPerDay;
    s.addReason("days_since_return", static_cast<double>(quiet),
                Phrase("repeat_visit.reason.days_since_return",
                       {{"days", quiet}, {"quiet_days", config_.quiet_days}}));
    s.addReason("lambda", lambda,
                Phrase("repeat_visit.reason.lambda_below",
                       {{"lambda", lambda}, {"yellow_lambda", config_.yellow_lambda}}));
    s.summary = Phrase("repeat_visit.summary.person_resolved",
                       {{"person", pid}, {"matter", a.matter}, {"days", quiet}});
    ctx.signals.emit(std::move(s));
    return;
  }
  s.addReason("returns_30d", r30,
              Phrase("repeat_visit.reason.returns_30d", {{"returns", r30},
                                                         {"yellow", config_.yellow_returns_30d},
                                                         {"orange", config_.orange_returns_30d},
                                                         {"red", config_.red_returns_30d}}));
  s.addReason("returns_90d", r90,
              Phrase("repeat_visit.reason.returns_90d",
                     {{"returns", r90}, {"red", config_.red_returns_90d}}));
  s.addReason("lambda", lambda,
              Phrase("repeat_visit.reason.lambda", {{"lambda", lambda},
                                                    {"per_30d", lambda * 30},
                                                    {"yellow_lambda", config_.yellow_lambda},
                                                    {"orange_lambda", config_.orange_lambda}}));
  if (t.above_level > 0) {
    s.addReason("above_level_contacts", t.above_level,
                Phrase("repeat_visit.reason.above_level_contacts",
                       {{"days", t.above_level}, {"weight", config_.above_level_weight}}));
  }
  s.addReason("returns_total", t.returns_total,
              Phrase("repeat_visit.reason.returns_total",
                     {{"returns", t.returns_total}, {"first_date", dateOf(t.first_day)}}));
  s.addReason("matter", a.matter, Phrase("repeat_visit.reason.matter", {{"matter", a.matter}}));
  s.actions = {Action::kAssignLeader, Action::kScheduleHearing, Action::kCheckAidEligibility};
  if (tier == Tier::kRed) s.actions.push_back(Action::kNotifyLeadership);
  s.summary = Phrase("repeat_visit.summary.person", {{"person", pid},
                                                     {"matter", a.matter},
                                                     {"returns_30d", r30},
                                                     {"returns_90d", r90},
                                                     {"lambda", lambda},
                                                     {"tier", tierPhrase(tier)}});
  ctx.signals.emit(std::move(s));
}

void RepeatVisitModel::emitMatter(MatterState& m, int persons, Tier tier, ModelContext& ctx) {
  const Tier before = m.tier;
  if (before == Tier::kNone && tier != Tier::kNone) ++open_matters_;
  if (before != Tier::kNone && tier == Tier::kNone) --open_matters_;
  m.tier = tier;
  Signal s;
  s.model = kName;
  s.subject_kind = SubjectKind::kMatter;
  s.subject_id = m.matter;
  s.tier = tier;
  s.at = now_;
  s.region = m.region;
  s.category = m.category;
  const int need = config_.matter_min_persons;
  s.score = tier == Tier::kNone ? 0 : std::min(1.0, static_cast<double>(persons) / (4.0 * need));
  s.addReason("persons_returning", persons,
              Phrase("repeat_visit.reason.persons_returning",
                     {{"persons", persons},
                      {"min_returns", config_.matter_min_returns_90d},
                      {"min_persons", need}}));
  if (tier == Tier::kNone) {
    s.summary = Phrase("repeat_visit.summary.matter_resolved",
                       {{"matter", m.matter}, {"min_persons", need}});
  } else {
    s.actions = {Action::kAssignLeader, Action::kScheduleHearing, Action::kFixAtSource};
    if (tier == Tier::kRed) s.actions.push_back(Action::kNotifyLeadership);
    s.summary = Phrase("repeat_visit.summary.matter",
                       {{"matter", m.matter}, {"persons", persons}, {"tier", tierPhrase(tier)}});
  }
  ctx.signals.emit(std::move(s));
}

}  // namespace casewatch
