// The signals of the recurring_matter model: a matter's alert and its resolution, as facts
// (reason codes, numbers and phrases); alerts/wording words them.
#include <algorithm>
#include <array>

#include "base/str_cat.h"
#include "models/recurring_matter/recurring_matter_model.h"

namespace casewatch {
namespace {

constexpr std::array<std::string_view, 4> kChannels = {"visit", "letter", "online", "phone"};

}  // namespace

void RecurringMatterModel::emit(Open& o, Tier tier, const Judgement& j, ModelContext& ctx) {
  Track& t = o.track;
  t.tier = tier;
  const StringInterner& strings = ctx.cases.strings();
  const int64_t today = localDay(now_);
  const std::string_view region = strings.name(baseline_.region(t.series));
  const std::string_view category = strings.name(baseline_.category(t.series));

  Signal s;
  s.model = kName;
  s.subject_kind = SubjectKind::kMatter;
  s.subject_id = o.matter;
  s.tier = tier;
  s.at = now_;
  s.region = std::string(region);
  s.category = std::string(category);
  if (t.agencies[0] != 0) s.agency = std::string(strings.name(t.agencies[0]));
  s.score = tier == Tier::kNone ? 0 : std::clamp(1 - j.p, 0.0, 1.0);

  if (tier == Tier::kNone) {
    const int64_t quiet = today - t.returns.latest();
    s.addReason("days_since_return", static_cast<double>(quiet),
                Phrase("recurring_matter.reason.days_since_return",
                       {{"days", quiet}, {"quiet_days", config_.quiet_days}}));
    s.addReason("returns_90d", j.returns_90d,
                Phrase("recurring_matter.reason.returns_90d_now",
                       {{"returns", j.returns_90d}, {"p", j.p}, {"yellow_p", config_.yellow_p}}));
    s.summary =
        Phrase("recurring_matter.summary.resolved", {{"matter", o.matter}, {"days", quiet}});
    ctx.signals.emit(std::move(s));
    return;
  }
  const Phrase category_words = categoryPhrase(category.empty() ? "other" : category);
  s.addReason("returns_30d", j.returns_30d,
              Phrase("recurring_matter.reason.returns_30d", {{"returns", j.returns_30d},
                                                             {"expected", j.expected_30d},
                                                             {"p", j.p30},
                                                             {"min", config_.min_returns_30d}}));
  s.addReason("returns_90d", j.returns_90d,
              Phrase("recurring_matter.reason.returns_90d", {{"returns", j.returns_90d},
                                                             {"expected", j.expected_90d},
                                                             {"p", j.p90},
                                                             {"min", config_.min_returns_90d}}));
  PhraseList channels{"list_separator", {}};
  for (size_t i = 0; i < kChannels.size(); ++i) {
    if (t.channel_day[i] == 0 || t.channel_day[i] <= today - 90) continue;
    channels.items.push_back(Phrase(strCat("channel.", kChannels[i])));
  }
  s.addReason("channels_90d", j.channels_90d,
              Phrase("recurring_matter.reason.channels_90d",
                     {{"channels", j.channels_90d}, {"list", std::move(channels)}}));
  s.addReason("baseline_90d", j.mean_90d,
              Phrase("recurring_matter.reason.baseline_90d",
                     {{"mean", j.mean_90d},
                      {"category", category_words},
                      {"region", region},
                      {"matters", baseline_.weight(t.series, today)}}));
  const double ratio = j.expected_90d > 0 ? j.returns_90d / j.expected_90d : 0;
  s.addReason("ratio_90d", ratio, Phrase("recurring_matter.reason.ratio_90d", {{"ratio", ratio}}));
  s.addReason("p_value", j.p,
              Phrase("recurring_matter.reason.p_value", {{"p", j.p},
                                                         {"yellow_p", config_.yellow_p},
                                                         {"orange_p", config_.orange_p},
                                                         {"red_p", config_.red_p}}));
  // The resolution steps, as actions: a hearing, a leader owning the matter, and a joint visit by
  // the agencies involved (joint_visit, the README's extension of the contract's codes). The
  // reason `joint_visit` names those agencies, which an action code cannot carry.
  std::string agencies;
  for (uint32_t a : t.agencies) {
    if (a != 0) strAppend(agencies, agencies.empty() ? "" : ", ", strings.name(a));
  }
  s.addReason("joint_visit", agencies,
              agencies.empty()
                  ? Phrase("recurring_matter.reason.resolution_no_agency")
                  : Phrase("recurring_matter.reason.resolution", {{"agencies", agencies}}));
  s.actions = {Action::kScheduleHearing, Action::kAssignLeader, Action::kJointVisit,
               Action::kFixAtSource};
  if (tier == Tier::kRed) s.actions.push_back(Action::kNotifyLeadership);
  s.summary = Phrase("recurring_matter.summary.matter", {{"matter", o.matter},
                                                         {"returns_30d", j.returns_30d},
                                                         {"returns_90d", j.returns_90d},
                                                         {"channels", j.channels_90d},
                                                         {"expected", j.expected_90d},
                                                         {"tier", tierPhrase(tier)}});
  ctx.signals.emit(std::move(s));
}

}  // namespace casewatch
