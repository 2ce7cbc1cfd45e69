#include "models/group_incident/group_incident_model.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "base/hash.h"
#include "base/str_cat.h"
#include "models/past_contacts.h"

namespace casewatch {
namespace {

Tier raise(Tier t) {
  return t == Tier::kRed ? t : static_cast<Tier>(static_cast<uint8_t>(t) + 1);
}

}  // namespace

GroupIncidentModel::GroupIncidentModel(const GroupIncidentConfig& config, int utc_offset_minutes)
    : config_(config), offset_ms_(TimeMs{utc_offset_minutes} * kMsPerMinute) {
  series_options_.ears = EarsOptions{config.ears_method, config.ears_baseline, config.ears_alpha,
                                     config.ears_min_sigma};
  series_options_.cusum =
      PoissonCusumOptions{config.cusum_k, config.cusum_h, config.cusum_min_baseline};
  series_options_.half_life_weeks = config.baseline_half_life_weeks;
}

absl::StatusOr<std::unique_ptr<Model>> GroupIncidentModel::create(const GroupIncidentConfig& config,
                                                                  const ClocksConfig& clocks) {
  return std::unique_ptr<Model>(new GroupIncidentModel(config, clocks.utc_offset_minutes));
}

int64_t GroupIncidentModel::localDay(TimeMs t) const {
  return casewatch::localDay(t, offset_ms_);
}

void GroupIncidentModel::clear() {
  matters_.clear();
  open_ = {};
  series_ = {};
  queue_ = {};
}

GroupIncidentModel::MatterState* GroupIncidentModel::findMatter(uint64_t key, Open*& open,
                                                                std::optional<Slot>& slot) {
  open = nullptr;
  slot.reset();
  if (!open_.empty()) {
    if (auto it = open_.find(key); it != open_.end()) {
      open = &it->second;
      return &it->second.state;
    }
  }
  return matters_.find(key, slot);
}

GroupIncidentModel::Series* GroupIncidentModel::addToSeries(uint64_t region, uint32_t category,
                                                            const Contact& c, uint32_t pending,
                                                            const StringInterner& strings,
                                                            bool& aberration) {
  aberration = false;
  if (category == 0) return nullptr;
  Series* s = seriesFor(region, category, c.region, strings);
  for (PersonId p : c.persons) s->persons.add(p, c.ts);
  s->persons.expire(now_);  // amortised O(1): each contact leaves each window once
  const int64_t day = localDay(c.ts);
  bool counted = false;
  s->counts->add(day, 1.0 + pending, counted);
  aberration = counted && s->counts->day() == day && s->counts->alarmedToday();
  return s;
}

GroupIncidentModel::Series* GroupIncidentModel::seriesFor(uint64_t region, uint32_t category,
                                                          std::string_view region_code,
                                                          const StringInterner& strings) {
  const uint64_t key = hashPair(region, category);
  auto [it, fresh] = series_.try_emplace(key);
  if (fresh) {
    it->second.counts = std::make_unique<CountSeries>(series_options_);
    it->second.region = std::string(region_code);
    it->second.category = std::string(strings.name(category));
  }
  return &it->second;
}

void GroupIncidentModel::onEvent(const CaseEvent& ev, const CaseUpdate& u, ModelContext& ctx) {
  if (ev.type != EventType::kRegistered && ev.type != EventType::kVisit) return;
  if (ev.type == EventType::kRegistered && (u.conflict || u.index == kNoCase)) return;
  if (ev.matter.empty()) return;
  now_ = std::max(now_, ev.ts);
  matters_.rotateIfDue(localDay(now_));
  Contact c;
  c.persons = ev.persons;
  c.group = std::max<uint32_t>(ev.effectiveGroupSize(), static_cast<uint32_t>(ev.persons.size()));
  c.ts = ev.ts;
  c.matter = ev.matter;
  c.region = ev.region;
  if (u.index != kNoCase) {
    const Case& k = ctx.cases.at(u.index);
    c.category = k.category;
    c.agency = ctx.cases.strings().name(k.agency);
    if (c.region.empty()) c.region = ctx.cases.strings().name(k.region);
  }
  contact(c, ctx);
}

void GroupIncidentModel::contact(const Contact& c, ModelContext& ctx) {
  const StringInterner& strings = ctx.cases.strings();
  const uint64_t region = hashText(c.region);
  const uint64_t key = mix64(region ^ hashText(c.matter));
  const int64_t day = localDay(c.ts);
  const auto minute = static_cast<uint32_t>(floorDiv(c.ts, kMsPerMinute));
  Open* open = nullptr;
  std::optional<Slot> slot;
  MatterState* m = findMatter(key, open, slot);

  if (m == nullptr) {
    // One person without a group, alone on the matter (or the same person again): a slot is
    // enough, and nothing can alert (every person threshold is at least 2, and so is the group).
    const bool single = c.persons.size() == 1 && c.group <= 1;
    const bool same = slot && slot->person == c.persons[0];
    const bool two_pending_today = same && slot->info == 0 && c.category == 0 &&
                                   localDay(TimeMs{slot->stamp} * kMsPerMinute) == day;
    if (single && (!slot || same) && !two_pending_today) {
      Slot next{c.persons[0], minute, c.category != 0 ? c.category : (slot ? slot->info : 0u)};
      uint32_t pending = 0;
      if (slot) {
        // A contact earlier today whose category was unknown joins the series with this one.
        if (slot->info == 0 && c.category != 0 &&
            localDay(TimeMs{slot->stamp} * kMsPerMinute) == day) {
          pending = 1;
        }
        next.stamp = std::max(slot->stamp, minute);
      }
      bool aberration = false;
      addToSeries(region, next.info, c, pending, strings, aberration);
      matters_.setLight(key, next);
      return;
    }
    // A second person, a group, or two contacts of unknown category today: a full state.
    MatterState fresh;
    fresh.region = region;
    if (slot) {
      const TimeMs at = TimeMs{slot->stamp} * kMsPerMinute;
      fresh.persons.push_back(Seen{slot->person, at});
      fresh.category = slot->info;
      fresh.largest_group = 1;
      fresh.largest_group_at = at;
      fresh.last_contact = at;
      if (slot->info == 0) {
        fresh.pending_day = localDay(at);
        fresh.pending = 1;
      }
    }
    m = &matters_.setValue(key, std::move(fresh));
  }
  const TimeMs week_cut = now_ - 7 * kMsPerDay;

  // Distinct persons of the last 7 days (24 hours is a subset, counted when judged).
  m->persons.erase(std::remove_if(m->persons.begin(), m->persons.end(),
                                  [&](const Seen& s) { return s.last <= week_cut; }),
                   m->persons.end());
  for (PersonId p : c.persons) {
    auto it = std::find_if(m->persons.begin(), m->persons.end(),
                           [&](const Seen& s) { return s.person == p; });
    if (it != m->persons.end()) {
      it->last = std::max(it->last, c.ts);
    } else if (m->persons.size() < kMaxPersons) {
      m->persons.push_back(Seen{p, c.ts});
    } else {
      m->capped = true;
    }
  }
  if (m->persons.size() < kMaxPersons) m->capped = false;
  // The largest group of the last 7 days: when the recorded one ages out, this contact's group
  // starts the record again (an approximation that only ever under-states an older, larger group).
  if (m->largest_group_at <= week_cut) m->largest_group = 0;
  if (c.group >= m->largest_group) {
    m->largest_group = c.group;
    m->largest_group_at = c.ts;
  }
  m->last_contact = std::max(m->last_contact, c.ts);

  // The (region, category) series.
  if (c.category != 0 && m->category == 0) m->category = c.category;
  bool aberration = false;
  Series* s = nullptr;
  if (m->category != 0) {
    const uint32_t pending = m->pending_day == day ? m->pending : 0;  // visits before the category
    m->pending = 0;
    m->pending_day = -1;
    s = addToSeries(region, m->category, c, pending, strings, aberration);
  } else {
    if (m->pending_day != day) {
      m->pending_day = day;
      m->pending = 0;
    }
    ++m->pending;
  }
  evaluate(key, *m, c, s, aberration, ctx);
}

void GroupIncidentModel::evaluate(uint64_t key, MatterState& m, const Contact& c, Series* s,
                                  bool aberration, ModelContext& ctx) {
  const TimeMs day_cut = now_ - kMsPerDay;
  const int p7 = static_cast<int>(m.persons.size());
  int p24 = 0;
  for (const Seen& seen : m.persons) p24 += seen.last > day_cut ? 1 : 0;
  const GroupIncidentConfig& g = config_;
  Tier tier = Tier::kNone;
  if (p24 >= g.red_persons_24h || p7 >= g.red_persons_7d) {
    tier = Tier::kRed;
  } else if (p24 >= g.orange_persons_24h || p7 >= g.orange_persons_7d) {
    tier = Tier::kOrange;
  } else if (p24 >= g.yellow_persons_24h || p7 >= g.yellow_persons_7d ||
             m.largest_group >= static_cast<uint32_t>(g.large_group_size)) {
    tier = Tier::kYellow;
  }
  if (tier != Tier::kNone && aberration) tier = raise(tier);

  auto it = open_.find(key);
  if (it == open_.end()) {
    if (tier == Tier::kNone) return;
    Open o;
    o.state = std::move(m);  // `m` lives in the current generation: move it out, free its place
    matters_.release(key);
    o.matter = std::string(c.matter);
    o.region = std::string(c.region);
    o.agency = std::string(c.agency);
    it = open_.emplace(key, std::move(o)).first;
    queue_.push(Due{it->second.state.last_contact + TimeMs{g.quiet_days} * kMsPerDay, key});
  } else {
    tier = std::max(tier, it->second.tier);
    if (it->second.agency.empty() && !c.agency.empty()) it->second.agency = std::string(c.agency);
  }
  Open& o = it->second;
  if (s != nullptr && o.category.empty()) o.category = s->category;
  if (tier == o.tier && p24 == o.persons_24h && p7 == o.persons_7d &&
      o.state.largest_group == o.largest_group && aberration == o.aberration) {
    return;  // nothing a reader would see has changed
  }
  o.aberration = aberration;
  emit(o, o.state, tier, p24, p7, s, ctx);
}

void GroupIncidentModel::emit(Open& o, const MatterState& m, Tier tier, int p24, int p7, Series* s,
                              ModelContext& ctx) {
  o.tier = tier;
  o.persons_24h = p24;
  o.persons_7d = p7;
  o.largest_group = m.largest_group;
  const GroupIncidentConfig& g = config_;
  Signal sig;
  sig.model = kName;
  sig.subject_kind = SubjectKind::kMatter;
  sig.subject_id = o.matter;
  sig.tier = tier;
  sig.at = now_;
  sig.region = o.region;
  sig.agency = o.agency;
  sig.category = o.category;
  if (tier == Tier::kNone) {
    const int64_t quiet = (now_ - m.last_contact) / kMsPerDay;
    sig.addReason("days_since_contact", static_cast<double>(quiet),
                  Phrase("group_incident.reason.days_since_contact",
                         {{"days", quiet}, {"quiet_days", g.quiet_days}}));
    sig.summary = Phrase("group_incident.summary.resolved",
                         {{"matter", o.matter}, {"region", o.region}, {"days", quiet}});
    ctx.signals.emit(std::move(sig));
    return;
  }

  double score = std::max({static_cast<double>(p24) / g.red_persons_24h,
                           static_cast<double>(p7) / g.red_persons_7d,
                           static_cast<double>(m.largest_group) / g.red_persons_24h});
  if (o.aberration) score += 0.25;
  sig.score = std::min(1.0, score);

  // A count of persons, "at least n" when the distinct-person set hit its cap.
  auto count = [&](const char* name, int n) {
    return m.capped ? PhraseArg(name, Phrase("count.at_least", {{"n", n}})) : PhraseArg(name, n);
  };
  sig.addReason("persons_24h", p24,
                Phrase("group_incident.reason.persons_24h", {count("persons", p24),
                                                             {"yellow", g.yellow_persons_24h},
                                                             {"orange", g.orange_persons_24h},
                                                             {"red", g.red_persons_24h}}));
  sig.addReason("persons_7d", p7,
                Phrase("group_incident.reason.persons_7d", {count("persons", p7),
                                                            {"yellow", g.yellow_persons_7d},
                                                            {"orange", g.orange_persons_7d},
                                                            {"red", g.red_persons_7d}}));
  sig.addReason("group_size", m.largest_group,
                Phrase("group_incident.reason.group_size",
                       {{"persons", m.largest_group}, {"collective_from", g.large_group_size}}));
  Phrase aberration;
  if (s != nullptr) {
    s->persons.expire(now_);
    const SeriesJudgement j = s->counts->judge();
    const Phrase category = categoryPhrase(s->category);
    sig.addReason("category_persons_7d", static_cast<double>(s->persons.longCount()),
                  Phrase("group_incident.reason.category_persons_7d",
                         {{"persons_7d", s->persons.longCount()},
                          {"persons_24h", s->persons.shortCount()},
                          {"category", category},
                          {"region", s->region}}));
    sig.addReason("observed_today", j.observed,
                  Phrase("group_incident.reason.observed_today", {{"observed", j.observed},
                                                                  {"expected", j.expected},
                                                                  {"category", category},
                                                                  {"region", s->region}}));
    const std::string method(earsMethodName(series_options_.ears.method));
    auto verdict = [](bool alarm) {
      return Phrase(alarm ? "verdict.aberration" : "verdict.no_aberration");
    };
    if (j.ears_defined) {
      sig.addReason(
          "ears_statistic", j.ears_statistic,
          Phrase("group_incident.reason.ears_statistic", {{"method", method},
                                                          {"statistic", j.ears_statistic},
                                                          {"upperbound", j.ears_upperbound},
                                                          {"alpha", series_options_.ears.alpha},
                                                          {"verdict", verdict(j.ears_alarm)}}));
    }
    if (j.cusum_defined) {
      sig.addReason(
          "cusum_statistic", j.cusum_statistic,
          Phrase("group_incident.reason.cusum_statistic", {{"statistic", j.cusum_statistic},
                                                           {"h", g.cusum_h},
                                                           {"upperbound", j.cusum_upperbound},
                                                           {"k", g.cusum_k},
                                                           {"verdict", verdict(j.cusum_alarm)}}));
    }
    if (o.aberration) {
      aberration =
          Phrase("group_incident.summary.aberration",
                 {{"category", category}, {"observed", j.observed}, {"expected", j.expected}});
    }
  }
  sig.actions = {Action::kFixAtSource};
  if (tier == Tier::kRed) sig.actions.push_back(Action::kNotifyLeadership);
  sig.summary = Phrase("group_incident.summary.incident", {{"matter", o.matter},
                                                           {"region", o.region},
                                                           count("persons_24h", p24),
                                                           count("persons_7d", p7),
                                                           {"largest_group", m.largest_group},
                                                           {"tier", tierPhrase(tier)},
                                                           {"aberration", aberration}});
  ctx.signals.emit(std::move(sig));
}

void GroupIncidentModel::advanceTo(TimeMs now, ModelContext& ctx) {
  if (now <= now_) return;
  now_ = now;
  matters_.rotateIfDue(localDay(now_));
  while (!queue_.empty() && queue_.top().at <= now_) {
    const Due d = queue_.top();
    queue_.pop();
    auto it = open_.find(d.key);
    if (it == open_.end()) continue;
    const TimeMs due = it->second.state.last_contact + TimeMs{config_.quiet_days} * kMsPerDay;
    if (due > now_) {
      queue_.push(Due{due, d.key});
      continue;
    }
    emit(it->second, it->second.state, Tier::kNone, 0, 0, nullptr, ctx);
    MatterState state = std::move(it->second.state);
    open_.erase(it);
    if (state.last_contact > now_ - 7 * kMsPerDay) {
      matters_.setValue(d.key, std::move(state));
    }
  }
}

void GroupIncidentModel::rebuild(TimeMs now, ModelContext& ctx) {
  clear();
  now_ = 0;
  const CaseStore& cases = ctx.cases;
  // Replayed on their own time without publishing (the series need their days in order); then the
  // last signal of every matter is passed on once: open alerts as they stand at `now`, and the
  // resolution of those that closed during the replay (the book ignores unknown resolutions).
  struct LastSignals final : SignalSink {
    absl::flat_hash_map<std::string, Signal> last;
    void emit(Signal&& s) override { last[s.subject_id] = std::move(s); }
  } replayed;
  ModelContext quiet{ctx.cases, replayed, nullptr};
  const StringInterner& strings = cases.strings();
  // Registrations and visits, as onEvent() took them.
  forEachPastContact(cases, ctx.visits, [&](const PastContact& pc) {
    if (pc.persons.empty()) return;
    advanceTo(pc.ts, quiet);
    now_ = std::max(now_, pc.ts);
    matters_.rotateIfDue(localDay(now_));
    Contact c;
    c.persons = pc.persons;
    c.group = std::max<uint32_t>(pc.group_size, static_cast<uint32_t>(pc.persons.size()));
    c.ts = pc.ts;
    c.matter = pc.matter;
    c.region = pc.region;
    if (pc.index != kNoCase) {
      const Case& k = cases.at(pc.index);
      c.agency = strings.name(k.agency);
      c.category = k.category;
    }
    contact(c, quiet);
  });
  advanceTo(std::max(now, now_ + 1), quiet);
  for (auto& [subject, s] : replayed.last) ctx.signals.emit(std::move(s));
}

std::optional<SeriesJudgement> GroupIncidentModel::seriesForTest(std::string_view region,
                                                                 std::string_view category) const {
  for (const auto& [key, s] : series_) {
    if (s.region == region && s.category == category) return s.counts->judge();
  }
  return std::nullopt;
}

size_t GroupIncidentModel::approximateBytes() const {
  size_t bytes = matters_.approximateBytes();
  bytes += open_.capacity() * (sizeof(std::pair<uint64_t, Open>) + 1);
  for (const auto& [k, s] : series_) {
    bytes += sizeof(s) + sizeof(CountSeries) + s.persons.longCount() * 64;
  }
  bytes += queue_.size() * sizeof(Due);
  return bytes;
}

}  // namespace casewatch
