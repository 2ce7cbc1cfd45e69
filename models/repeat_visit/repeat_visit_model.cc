#include "models/repeat_visit/repeat_visit_model.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "base/hash.h"
#include "base/str_cat.h"
#include "connectors/pseudonym/pseudonymizer.h"
#include "models/past_contacts.h"

namespace casewatch {
namespace {

constexpr uint32_t kAboveBit = 0x80000000u;
constexpr int kScoreHorizonDays = 30;

uint64_t matterHash(std::string_view matter) {
  return hashText(matter, 0x6d61747465720000ULL);
}

uint64_t pairKey(PersonId person, uint64_t matter) {
  return hashPair(person, matter);
}

uint16_t saturatingInc(uint16_t v) {
  return v == UINT16_MAX ? v : static_cast<uint16_t>(v + 1);
}

std::string dateOf(int64_t day) {
  return formatCivilDate(civilFromDays(day));
}

}  // namespace

RepeatVisitModel::RepeatVisitModel(const RepeatVisitConfig& config, int utc_offset_minutes)
    : config_(config),
      hawkes_{config.hawkes_mu, config.hawkes_alpha, config.hawkes_beta},
      offset_ms_(TimeMs{utc_offset_minutes} * kMsPerMinute) {}

absl::StatusOr<std::unique_ptr<Model>> RepeatVisitModel::create(const RepeatVisitConfig& config,
                                                                const ClocksConfig& clocks) {
  return std::unique_ptr<Model>(new RepeatVisitModel(config, clocks.utc_offset_minutes));
}

int64_t RepeatVisitModel::localDay(TimeMs t) const {
  return casewatch::localDay(t, offset_ms_);
}

void RepeatVisitModel::clear() {
  pairs_.clear();
  alerted_ = {};
  matters_ = {};
  open_matters_ = 0;
  queue_ = {};
}

RepeatVisitModel::Track* RepeatVisitModel::findPair(uint64_t key, bool& alerted,
                                                    std::optional<PairSlot>& first) {
  alerted = false;
  first.reset();
  if (!alerted_.empty()) {
    if (auto it = alerted_.find(key); it != alerted_.end()) {
      alerted = true;
      return &it->second.track;
    }
  }
  return pairs_.find(key, first);
}

double RepeatVisitModel::lambdaOf(const Track& t) const {
  const double now_days = static_cast<double>(now_) / kMsPerDay;
  const double last_days = static_cast<double>(t.t_last_min) / (24 * 60);
  const double dt = std::max(0.0, now_days - last_days);
  return hawkes_.mu + hawkes_.alpha * t.excitation * std::exp(-hawkes_.beta * dt);
}

Tier RepeatVisitModel::tierOf(const Track& t) const {
  const int64_t today = localDay(now_);
  const int r30 = t.returns.countWindow(today, 30);
  const int r90 = t.returns.countWindow(today, 90);
  const double lambda = lambdaOf(t);
  if (r30 >= config_.red_returns_30d || r90 >= config_.red_returns_90d) return Tier::kRed;
  if (r30 >= config_.orange_returns_30d || lambda >= config_.orange_lambda) return Tier::kOrange;
  if (r30 >= config_.yellow_returns_30d || lambda >= config_.yellow_lambda) return Tier::kYellow;
  return Tier::kNone;
}

TimeMs RepeatVisitModel::resolveDue(const Track& t) const {
  const TimeMs last = TimeMs{t.t_last_min} * kMsPerMinute;
  TimeMs due = last + TimeMs{config_.quiet_days} * kMsPerDay;
  const double decay_days = hawkesTimeToDecay(
      hawkes_, t.excitation, static_cast<double>(t.t_last_min) / (24 * 60), config_.yellow_lambda);
  if (std::isfinite(decay_days)) {
    // Strictly below the threshold: one minute past the crossing.
    const auto decay_ms = static_cast<TimeMs>(std::ceil(decay_days * kMsPerDay)) + kMsPerMinute;
    due = std::max(due, decay_ms);
  }
  return due;
}

void RepeatVisitModel::onEvent(const CaseEvent& ev, const CaseUpdate& u, ModelContext& ctx) {
  if (ev.type != EventType::kRegistered && ev.type != EventType::kVisit) return;
  if (ev.type == EventType::kRegistered && (u.conflict || u.index == kNoCase)) return;
  if (ev.persons.empty() || ev.matter.empty()) return;
  now_ = std::max(now_, ev.ts);
  pairs_.rotateIfDue(localDay(now_));

  contacts(ev.persons, ev.matter, ev.region, ev.level, u.index, ev.ts, ctx);
}

void RepeatVisitModel::contacts(std::span<const PersonId> persons, std::string_view matter,
                                std::string_view region, Level level, CaseIndex index, TimeMs ts,
                                ModelContext& ctx) {
  const StringInterner& strings = ctx.cases.strings();
  const Case* c = index != kNoCase ? &ctx.cases.at(index) : nullptr;
  Level competent = Level::kCounty;
  if (c != nullptr && c->competent_level != Level::kUnknown) competent = c->competent_level;
  const bool above = level != Level::kUnknown && level > competent;
  ContactInfo info;
  info.matter = matter;
  info.region = region;
  if (c != nullptr) {
    info.agency = strings.name(c->agency);
    info.category = c->category;
    if (info.region.empty()) info.region = strings.name(c->region);
  }
  for (PersonId p : persons) contact(p, info, ts, above, ctx);
}

void RepeatVisitModel::contact(PersonId person, const ContactInfo& info, TimeMs ts, bool above,
                               ModelContext& ctx) {
  const uint64_t matter = matterHash(info.matter);
  const uint64_t key = pairKey(person, matter);
  const int64_t day = localDay(ts);
  const auto minute = static_cast<int32_t>(floorDiv(ts, kMsPerMinute));
  const double weight = above ? config_.above_level_weight : 1.0;

  bool alerted = false;
  std::optional<PairSlot> first;
  Track* t = findPair(key, alerted, first);
  if (t == nullptr) {
    if (!first) {
      pairs_.setLight(
          key, PairSlot{static_cast<uint32_t>(minute) | (above ? kAboveBit : 0u), info.category});
      return;
    }
    const auto first_minute = static_cast<int32_t>(first->a & ~kAboveBit);
    const bool first_above = (first->a & kAboveBit) != 0;
    const uint32_t category = first->b != 0 ? first->b : info.category;
    const int64_t first_day = localDay(TimeMs{first_minute} * kMsPerMinute);
    if (first_day == day) {  // the same trip: still one contact day
      if (first->b == 0 && category != 0) pairs_.setLight(key, PairSlot{first->a, category});
      return;
    }
    Track fresh;
    fresh.person = person;
    fresh.matter = matter;
    fresh.first_day = static_cast<uint16_t>(first_day);
    fresh.category = category;
    fresh.excitation = static_cast<float>(first_above ? config_.above_level_weight : 1.0);
    fresh.t_last_min = first_minute;
    if (first_above) fresh.above_level = 1;
    t = &pairs_.setValue(key, std::move(fresh));
  }
  if (t->category == 0) t->category = info.category;
  if (day == t->first_day || !t->returns.set(day)) return;  // a contact day already counted

  // The O(1) Hawkes update (models/stats/hawkes.h), on the compact state.
  const double t_new = static_cast<double>(minute) / (24 * 60);
  const double t_last = static_cast<double>(t->t_last_min) / (24 * 60);
  if (t_new >= t_last) {
    t->excitation =
        static_cast<float>(t->excitation * std::exp(-hawkes_.beta * (t_new - t_last)) + weight);
    t->t_last_min = minute;
  } else {
    t->excitation += static_cast<float>(weight * std::exp(-hawkes_.beta * (t_last - t_new)));
  }
  t->returns_total = saturatingInc(t->returns_total);
  if (above) t->above_level = saturatingInc(t->above_level);

  const Tier computed = tierOf(*t);
  if (alerted) {
    Alerted& a = alerted_.find(key)->second;
    if (a.category.empty()) a.category = std::string(ctx.cases.strings().name(t->category));
    emitPerson(a, std::max(a.track.tier, computed), ctx);
  } else if (computed != Tier::kNone) {
    Alerted a;
    a.track = *t;
    a.matter = std::string(info.matter);
    a.region = std::string(info.region);
    a.agency = std::string(info.agency);
    a.category = std::string(ctx.cases.strings().name(t->category));
    // The pair is in the current generation (findPair moved it there): its track leaves it.
    pairs_.release(key);
    Alerted& stored = alerted_.emplace(key, std::move(a)).first->second;
    t = &stored.track;
    emitPerson(stored, computed, ctx);
    queue_.push(Due{resolveDue(stored.track), key, false});
  }
  if (t->returns.countWindow(localDay(now_), 90) >= config_.matter_min_returns_90d) {
    updateMatter(*t, &info, ctx);
  }
}

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

void RepeatVisitModel::updateMatter(const Track& t, const ContactInfo* info, ModelContext& ctx) {
  const int64_t nth = t.returns.nthLatest(config_.matter_min_returns_90d);
  if (nth < 0) return;
  auto [it, fresh] = matters_.try_emplace(t.matter);
  MatterState& m = it->second;
  if (fresh || (m.matter.empty() && info != nullptr)) {
    if (info != nullptr) {
      m.matter = std::string(info->matter);
      m.region = std::string(info->region);
      m.category = std::string(ctx.cases.strings().name(t.category));
    }
  }
  const int64_t until = nth + 89;
  bool found = false;
  for (MatterPerson& p : m.persons) {
    if (p.person == t.person) {
      p.until_day = std::max(p.until_day, until);
      found = true;
    }
  }
  if (!found) m.persons.push_back(MatterPerson{t.person, until});
  evaluateMatter(t.matter, m, ctx);
  if (m.persons.empty() && m.tier == Tier::kNone && m.queued_day < 0) matters_.erase(t.matter);
}

void RepeatVisitModel::evaluateMatter(uint64_t key, MatterState& m, ModelContext& ctx) {
  const int64_t today = localDay(now_);
  std::erase_if(m.persons, [&](const MatterPerson& p) { return p.until_day < today; });
  const int n = static_cast<int>(m.persons.size());
  const int need = config_.matter_min_persons;
  Tier tier = Tier::kNone;
  if (n >= need) {
    tier = n >= 4 * need ? Tier::kRed : n >= 2 * need ? Tier::kOrange : Tier::kYellow;
    tier = std::max(tier, m.tier);  // held while open
  }
  if (tier != Tier::kNone || m.tier != Tier::kNone) emitMatter(m, n, tier, ctx);
  if (!m.persons.empty()) {
    int64_t next = INT64_MAX;
    for (const MatterPerson& p : m.persons) next = std::min(next, p.until_day + 1);
    if (m.queued_day < 0 || next < m.queued_day) {
      m.queued_day = next;
      queue_.push(Due{next * kMsPerDay - offset_ms_, key, true});
    }
  }
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

void RepeatVisitModel::advanceTo(TimeMs now, ModelContext& ctx) {
  if (now <= now_) return;
  now_ = now;
  pairs_.rotateIfDue(localDay(now_));
  while (!queue_.empty() && queue_.top().at <= now_) {
    const Due d = queue_.top();
    queue_.pop();
    if (d.matter) {
      auto it = matters_.find(d.key);
      if (it == matters_.end()) continue;
      MatterState& m = it->second;
      if (m.queued_day < 0 || d.at != m.queued_day * kMsPerDay - offset_ms_) continue;  // stale
      m.queued_day = -1;
      evaluateMatter(d.key, m, ctx);
      if (m.persons.empty() && m.tier == Tier::kNone && m.queued_day < 0) matters_.erase(it);
      continue;
    }
    auto it = alerted_.find(d.key);
    if (it == alerted_.end()) continue;
    const TimeMs due = resolveDue(it->second.track);
    if (due > now_) {
      queue_.push(Due{due, d.key, false});
      continue;
    }
    emitPerson(it->second, Tier::kNone, ctx);
    Track t = it->second.track;
    t.tier = Tier::kNone;
    alerted_.erase(it);
    pairs_.setValue(d.key, std::move(t));
  }
}

void RepeatVisitModel::rebuild(TimeMs now, ModelContext& ctx) {
  clear();
  now_ = std::max(now_, now);
  const CaseStore& cases = ctx.cases;
  // Replayed without publishing; then the last signal of every subject is passed on once: open
  // alerts with their state at `now`, and the resolution of those that closed during the replay
  // (the alert book ignores a resolution of an alert it does not hold).
  struct LastSignals final : SignalSink {
    absl::flat_hash_map<std::string, Signal> last;
    void emit(Signal&& s) override {
      last[strCat(subjectKindName(s.subject_kind), ":", s.subject_id)] = std::move(s);
    }
  } replayed;
  ModelContext quiet{ctx.cases, replayed, nullptr};
  // Registrations and visits, as onEvent() took them.
  forEachPastContact(cases, ctx.visits, [&](const PastContact& pc) {
    contacts(pc.persons, pc.matter, pc.region, pc.level, pc.index, pc.ts, quiet);
  });
  advanceTo(now_ + 1, quiet);  // resolves what is already quiet
  for (auto& [subject, s] : replayed.last) ctx.signals.emit(std::move(s));
}

RepeatVisitModel::PairView RepeatVisitModel::pairForTest(PersonId person,
                                                         std::string_view matter) const {
  PairView v;
  const uint64_t key = pairKey(person, matterHash(matter));
  const Track* t = nullptr;
  if (auto it = alerted_.find(key); it != alerted_.end()) {
    t = &it->second.track;
  } else if (const PairSlot* slot = pairs_.peek(key, t); slot != nullptr && t == nullptr) {
    // A first contact only: the intensity it excites on its own.
    v.known = true;
    v.contact_days = 1;
    const uint32_t stamp = slot->a;
    const double w = (stamp & kAboveBit) ? config_.above_level_weight : 1.0;
    const double last = static_cast<double>(stamp & ~kAboveBit) / (24 * 60);
    const double dt = std::max(0.0, static_cast<double>(now_) / kMsPerDay - last);
    v.lambda = hawkes_.mu + hawkes_.alpha * w * std::exp(-hawkes_.beta * dt);
    return v;
  }
  if (t == nullptr) return v;
  const int64_t today = localDay(now_);
  v.known = true;
  v.contact_days = 1 + t->returns_total;
  v.returns_30d = t->returns.countWindow(today, 30);
  v.returns_90d = t->returns.countWindow(today, 90);
  v.lambda = lambdaOf(*t);
  v.tier = t->tier;
  return v;
}

size_t RepeatVisitModel::approximateBytes() const {
  size_t bytes = pairs_.approximateBytes();
  bytes += alerted_.capacity() * (sizeof(std::pair<uint64_t, Alerted>) + 1);
  bytes += matters_.capacity() * (sizeof(std::pair<uint64_t, MatterState>) + 1);
  bytes += queue_.size() * sizeof(Due);
  return bytes;
}

}  // namespace casewatch
