#include "models/key_case/key_case_model.h"

#include <algorithm>
#include <functional>

#include "absl/container/flat_hash_set.h"
#include "base/str_cat.h"
#include "connectors/pseudonym/pseudonymizer.h"

namespace casewatch {
namespace {

constexpr std::string_view kRepeatVisitModel = "repeat_visit";

bool openStage(Stage s) {
  return s != Stage::kClosed && s != Stage::kRejected;
}

// The handling side's events: what counts as the owner acting on the case.
bool ownerAction(EventType t) {
  switch (t) {
    case EventType::kAccepted:
    case EventType::kRejected:
    case EventType::kTransferred:
    case EventType::kProceduralReply:
    case EventType::kExtended:
    case EventType::kReplied:
    case EventType::kReviewDecided:
    case EventType::kRecheckDecided:
    case EventType::kLeaderAssigned:
    case EventType::kHearingHeld:
    case EventType::kAidGranted:
    case EventType::kSettled:
    case EventType::kClosed:
      return true;
    default:
      return false;
  }
}

uint64_t matterHash(std::string_view matter) {
  return std::hash<std::string_view>{}(matter);
}

}  // namespace

KeyCaseModel::KeyCaseModel(const KeyCaseConfig& config)
    : config_(config), repeat_tier_(config.repeat_tier) {}

absl::StatusOr<std::unique_ptr<Model>> KeyCaseModel::create(const KeyCaseConfig& config,
                                                            const ClocksConfig&) {
  return std::unique_ptr<Model>(new KeyCaseModel(config));
}

void KeyCaseModel::countRegion(uint32_t region, int delta, ModelContext& ctx) {
  int64_t& n = by_region_[region];
  n += delta;
  if (ctx.metrics != nullptr) ctx.metrics->keyCases(ctx.cases.strings().name(region), n);
  if (ctx.regions != nullptr) ctx.regions->setKeyCases(ctx.cases.strings().name(region), n);
}

KeyCaseModel::Entry& KeyCaseModel::enter(CaseIndex i, Rule rule, TimeMs since, ModelContext& ctx) {
  auto [it, fresh] = entries_.try_emplace(i);
  Entry& e = it->second;
  if (fresh) {
    const Case& c = ctx.cases.at(i);
    e.region = c.region;
    e.since = since;
    e.last_activity = since;
    e.last_owner_action = since;
    countRegion(c.region, +1, ctx);
    if (c.open()) queueIdle(i, e);
  }
  e.rules |= rule;
  return e;
}

void KeyCaseModel::queueIdle(CaseIndex i, Entry& e) {
  if (e.idle_queued) return;
  e.idle_queued = true;
  queue_.push(Due{e.last_owner_action + TimeMs{config_.owner_idle_days} * kMsPerDay, i, false});
}

void KeyCaseModel::checkRules(CaseIndex i, TimeMs t, ModelContext& ctx) {
  const Case& c = ctx.cases.at(i);
  if (c.stage == Stage::kReview || c.stage == Stage::kRecheck) {
    const TimeMs start = c.start(c.stage == Stage::kReview ? Step::kReview : Step::kRecheck);
    Entry& e = enter(i, kReviewStage, start > 0 ? start : t, ctx);
    if (e.stage != Stage::kRecheck) e.stage = c.stage;  // re-review follows review
  }
  if (c.level != Level::kUnknown && c.competent_level != Level::kUnknown &&
      c.level > c.competent_level) {
    Entry& e = enter(i, kLodgedAbove, c.registered_at, ctx);
    e.level = c.level;
    e.competent = c.competent_level;
  }
  if (c.group_size >= static_cast<uint32_t>(config_.collective_group_size)) {
    Entry& e = enter(i, kCollective, c.registered_at, ctx);
    e.group_size = std::max(e.group_size, c.group_size);
  }
}

void KeyCaseModel::checkRepeat(CaseIndex i, TimeMs t, ModelContext& ctx) {
  if (hot_.empty()) return;
  const Case& c = ctx.cases.at(i);
  PersonId first = 0;
  uint64_t matter = 0;
  bool hashed = false;
  for (PersonId p : ctx.cases.persons(i, first)) {
    auto h = hot_.find(p);
    if (h == hot_.end()) continue;
    if (!hashed) {
      matter = matterHash(ctx.cases.strings().name(c.matter));
      hashed = true;
    }
    if (h->second.matter != matter) continue;
    const Tier tier = h->second.tier;
    Entry& e = enter(i, kRepeatVisit, t, ctx);
    e.repeat_tier = std::max(e.repeat_tier, tier);
  }
}

void KeyCaseModel::checkPersonCases(PersonId p, TimeMs t, ModelContext& ctx) {
  const std::span<const CaseIndex> list = open_by_person_.of(p);
  const auto n = static_cast<int>(list.size());
  if (n == 0 || n < config_.person_open_cases) return;
  // A copy: enter() may grow other tables (never this one), and the list is small.
  const absl::InlinedVector<CaseIndex, 2> cases(list.begin(), list.end());
  for (CaseIndex i : cases) {
    Entry& e = enter(i, kPersonOpenCases, t, ctx);
    e.person_open = static_cast<uint16_t>(std::max<int>(e.person_open, std::min(n, 65535)));
  }
}

void KeyCaseModel::opened(CaseIndex i, TimeMs t, ModelContext& ctx) {
  PersonId first = 0;
  for (PersonId p : ctx.cases.persons(i, first)) {
    const size_t open = open_by_person_.add(p, i);
    if (static_cast<int>(open) >= config_.person_open_cases) checkPersonCases(p, t, ctx);
  }
  checkRepeat(i, t, ctx);
}

void KeyCaseModel::closed(CaseIndex i, ModelContext& ctx) {
  PersonId first = 0;
  for (PersonId p : ctx.cases.persons(i, first)) open_by_person_.remove(p, i);
}

void KeyCaseModel::onEvent(const CaseEvent& ev, const CaseUpdate& u, ModelContext& ctx) {
  now_ = std::max(now_, ev.ts);
  if (u.index == kNoCase || u.conflict) return;
  const CaseIndex i = u.index;
  const Case& c = ctx.cases.at(i);
  const bool open = c.open();
  const bool was_open =
      ev.type == EventType::kVisit ? open : !u.created && openStage(u.stage_before);

  // Activity on a case already on the ledger (the event that puts it there is not "new").
  if (auto it = entries_.find(i); it != entries_.end()) {
    Entry& e = it->second;
    e.last_activity = std::max(e.last_activity, ev.ts);
    if (ownerAction(ev.type)) e.last_owner_action = std::max(e.last_owner_action, ev.ts);
    if (ev.type == EventType::kLeaderAssigned) {
      e.unowned_events = 0;
    } else if (c.leader == 0) {
      ++e.unowned_events;
    }
  }
  if (ev.type != EventType::kVisit) {
    if (!was_open && open) opened(i, ev.ts, ctx);
    if (was_open && !open) closed(i, ctx);
    if (open) checkRules(i, ev.ts, ctx);
  }

  auto it = entries_.find(i);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  if (!open && !e.exit_queued) {
    e.exit_queued = true;
    queue_.push(Due{e.last_activity + TimeMs{config_.exit_quiet_days} * kMsPerDay, i, true});
  }
  if (open) queueIdle(i, e);
  evaluate(i, e, ctx);
}

void KeyCaseModel::onSignal(const Signal& s, ModelContext& ctx) {
  if (s.model != kRepeatVisitModel || s.subject_kind != SubjectKind::kPerson) return;
  PersonId p = 0;
  if (!Pseudonymizer::parse(s.subject_id, p)) return;
  if (s.tier < repeat_tier_) {
    hot_.erase(p);
    return;
  }
  std::string_view matter;
  for (const Reason& r : s.reasons) {
    if (r.code == "matter") matter = r.string_value;
  }
  if (matter.empty()) return;
  const uint64_t h = matterHash(matter);
  hot_[p] = HotPerson{h, s.tier};
  const std::span<const CaseIndex> list = open_by_person_.of(p);
  if (list.empty()) return;
  const absl::InlinedVector<CaseIndex, 2> cases(list.begin(), list.end());
  const TimeMs t = std::max(now_, s.at);
  for (CaseIndex i : cases) {
    if (matterHash(ctx.cases.strings().name(ctx.cases.at(i).matter)) != h) continue;
    Entry& e = enter(i, kRepeatVisit, t, ctx);
    e.repeat_tier = std::max(e.repeat_tier, s.tier);
  }
}

void KeyCaseModel::evaluate(CaseIndex i, Entry& e, ModelContext& ctx) {
  const Case& c = ctx.cases.at(i);
  Tier tier = Tier::kNone;
  if (c.open()) {
    if (c.leader == 0 && e.unowned_events > 0) {
      tier = static_cast<int>(e.unowned_events) >= config_.unowned_orange_events ? Tier::kOrange
                                                                                 : Tier::kYellow;
    }
    const TimeMs idle = now_ - e.last_owner_action;
    if (idle >= TimeMs{config_.owner_idle_red_days} * kMsPerDay) {
      tier = Tier::kRed;
    } else if (idle >= TimeMs{config_.owner_idle_days} * kMsPerDay) {
      tier = std::max(tier, Tier::kOrange);
    }
  }
  if (tier == Tier::kNone && e.alert == Tier::kNone) return;
  emit(i, e, tier, ctx);
}

std::vector<std::string> KeyCaseModel::reasonsOf(const Entry& e) {
  std::vector<std::string> out;
  if (e.rules & kRepeatVisit) out.push_back(strCat("repeat_visit_tier=", tierName(e.repeat_tier)));
  if (e.rules & kPersonOpenCases) out.push_back(strCat("person_open_cases=", e.person_open));
  if (e.rules & kReviewStage) {
    out.push_back(strCat("stage=", e.stage == Stage::kRecheck ? "recheck" : "review"));
  }
  if (e.rules & kLodgedAbove) {
    out.push_back(strCat("lodged_above=", levelName(e.level), "/", levelName(e.competent)));
  }
  if (e.rules & kCollective) out.push_back(strCat("group_size=", e.group_size));
  return out;
}

void KeyCaseModel::emit(CaseIndex i, Entry& e, Tier tier, ModelContext& ctx) {
  e.alert = tier;
  const Case& c = ctx.cases.at(i);
  const StringInterner& strings = ctx.cases.strings();
  const std::string case_id(ctx.cases.caseId(i));
  Signal s;
  s.model = kName;
  s.subject_kind = SubjectKind::kCase;
  s.subject_id = case_id;
  s.tier = tier;
  s.at = now_;
  s.region = std::string(strings.name(c.region));
  s.agency = std::string(strings.name(c.agency));
  s.category = std::string(strings.name(c.category));

  std::string rules;
  for (const std::string& r : reasonsOf(e)) strAppend(rules, rules.empty() ? "" : ", ", r);
  const std::string since = formatRfc3339(e.since);
  s.addReason("ledger_reasons", rules,
              Phrase("key_case.reason.ledger", {{"since", since}, {"rules", rules}}));
  const bool unowned = c.open() && c.leader == 0 && e.unowned_events > 0;
  const int64_t idle_days = (now_ - e.last_owner_action) / kMsPerDay;
  const bool idle = c.open() && idle_days >= config_.owner_idle_days;
  const Phrase owner = c.leader != 0
                           ? Phrase("key_case.owner.leader", {{"name", strings.name(c.leader)}})
                           : Phrase("key_case.owner.agency", {{"name", s.agency}});

  if (tier == Tier::kNone) {
    s.score = 0;
    const Phrase why(!c.open()       ? "key_case.why.closed"
                     : c.leader == 0 ? "key_case.why.owner_acting"
                                     : "key_case.why.leader_acting");
    s.addReason("attention", "not_needed", why);
    s.summary = Phrase("key_case.summary.calm", {{"case", case_id}, {"why", why}});
    ctx.signals.emit(std::move(s));
    return;
  }
  double score = 0;
  PhraseList what{"key_case.what_separator", {}};
  if (unowned) {
    s.addReason("unowned_events", e.unowned_events,
                Phrase("key_case.reason.unowned_events",
                       {{"events", e.unowned_events}, {"orange", config_.unowned_orange_events}}));
    s.actions.push_back(Action::kAssignLeader);
    score = std::min(1.0, e.unowned_events / (2.0 * config_.unowned_orange_events));
    what.items.push_back(Phrase("key_case.what.unowned", {{"events", e.unowned_events}}));
  }
  s.addReason("days_since_owner_action", static_cast<double>(idle_days),
              Phrase("key_case.reason.owner_idle", {{"owner", owner},
                                                    {"days", idle_days},
                                                    {"orange", config_.owner_idle_days},
                                                    {"red", config_.owner_idle_red_days}}));
  if (idle) {
    s.actions.push_back(Action::kNotifyLeadership);
    s.actions.push_back(Action::kScheduleHearing);
    score = std::max(score, std::min(1.0, static_cast<double>(idle_days) /
                                              static_cast<double>(config_.owner_idle_red_days)));
    what.items.push_back(Phrase("key_case.what.idle", {{"owner", owner}, {"days", idle_days}}));
  }
  s.score = score;
  s.summary = Phrase("key_case.summary.attention",
                     {{"case", case_id}, {"what", std::move(what)}, {"tier", tierPhrase(tier)}});
  ctx.signals.emit(std::move(s));
}

void KeyCaseModel::exitLedger(CaseIndex i, ModelContext& ctx) {
  auto it = entries_.find(i);
  if (it == entries_.end()) return;
  if (it->second.alert != Tier::kNone) emit(i, it->second, Tier::kNone, ctx);
  const uint32_t region = it->second.region;
  entries_.erase(it);
  countRegion(region, -1, ctx);
}

void KeyCaseModel::forget(const ForgottenCases& f, ModelContext& ctx) {
  for (CaseIndex i : f.cases) {
    exitLedger(i, ctx);
    inherited_.erase(i);
  }
  for (PersonId p : f.persons) {
    hot_.erase(p);
    open_by_person_.erase(p);  // holds open cases only: nothing there for a forgotten person
  }
}

void KeyCaseModel::advanceTo(TimeMs now, ModelContext& ctx) {
  if (now <= now_) return;
  now_ = now;
  while (!queue_.empty() && queue_.top().at <= now_) {
    const Due d = queue_.top();
    queue_.pop();
    auto it = entries_.find(d.index);
    if (it == entries_.end()) continue;
    Entry& e = it->second;
    const Case& c = ctx.cases.at(d.index);
    if (d.exit) {
      e.exit_queued = false;
      if (c.open()) continue;  // reopened: it stays; its next close queues the exit again
      const TimeMs due = e.last_activity + TimeMs{config_.exit_quiet_days} * kMsPerDay;
      if (due > now_) {  // activity since the close: the quiet window restarts
        e.exit_queued = true;
        queue_.push(Due{due, d.index, true});
        continue;
      }
      exitLedger(d.index, ctx);
      continue;
    }
    e.idle_queued = false;
    if (!c.open()) continue;  // a reopen queues it again
    const TimeMs orange = e.last_owner_action + TimeMs{config_.owner_idle_days} * kMsPerDay;
    const TimeMs red = e.last_owner_action + TimeMs{config_.owner_idle_red_days} * kMsPerDay;
    if (now_ < orange) {  // the owner acted since this was queued
      e.idle_queued = true;
      queue_.push(Due{orange, d.index, false});
      continue;
    }
    evaluate(d.index, e, ctx);
    if (now_ < red) {
      e.idle_queued = true;
      queue_.push(Due{red, d.index, false});
    }
  }
}

void KeyCaseModel::rebuild(TimeMs now, ModelContext& ctx) {
  // hot_ is kept: repeat_visit (rebuilt before this model) has re-raised its alerts into it.
  entries_.clear();
  open_by_person_.clear();
  queue_ = {};
  for (auto& [region, n] : by_region_) n = 0;
  now_ = std::max(now_, now);
  const CaseStore& cases = ctx.cases;
  absl::flat_hash_set<uint32_t> regions;
  for (auto& [region, n] : by_region_) regions.insert(region);
  // Replayed into a quiet sink: only the final state of each alert is passed on.
  struct Quiet final : SignalSink {
    void emit(Signal&&) override {}
  } quiet_sink;
  ModelContext quiet{ctx.cases, quiet_sink, nullptr};
  for (CaseIndex i = 0; i < cases.size(); ++i) {
    const Case& c = cases.at(i);
    if (!(c.flags & Case::kExists)) continue;
    regions.insert(c.region);
    if (!c.open()) continue;
    PersonId first = 0;
    for (PersonId p : cases.persons(i, first)) open_by_person_.add(p, i);
  }
  const TimeMs quiet_ms = TimeMs{config_.exit_quiet_days} * kMsPerDay;
  for (CaseIndex i = 0; i < cases.size(); ++i) {
    const Case& c = cases.at(i);
    if (!(c.flags & Case::kExists)) continue;
    if (c.open()) {
      checkRules(i, now_, quiet);
      checkRepeat(i, now_, quiet);
    } else if (c.last_event_at + quiet_ms > now_) {
      // Closed within the quiet window: the rules its state still shows keep it.
      if ((c.level != Level::kUnknown && c.competent_level != Level::kUnknown &&
           c.level > c.competent_level) ||
          c.group_size >= static_cast<uint32_t>(config_.collective_group_size)) {
        checkRules(i, now_, quiet);
      }
    }
  }
  std::vector<PersonId> crowded;
  open_by_person_.forEach([&](PersonId p, std::span<const CaseIndex> list) {
    if (static_cast<int>(list.size()) >= config_.person_open_cases) crowded.push_back(p);
  });
  for (PersonId p : crowded) checkPersonCases(p, now_, quiet);
  // A case ledgered before the reload leaves only by the exit rule (hysteresis), whatever the new
  // configuration's rules say of it.
  for (const auto& [i, old] : inherited_) {
    if (i >= cases.size() || entries_.contains(i)) continue;
    const Case& c = cases.at(i);
    if (!c.open() && std::max(old.last_activity, c.last_event_at) + quiet_ms <= now_) continue;
    entries_.emplace(i, old);
    countRegion(old.region, +1, quiet);
  }
  queue_ = {};  // queued afresh below, from the case state's times
  for (auto& [i, e] : entries_) {
    const Case& c = cases.at(i);
    if (auto it = inherited_.find(i); it != inherited_.end()) {
      // What the previous instance knew: when the case entered and why, and its owner's clock.
      const Entry& old = it->second;
      e.rules |= old.rules;
      e.repeat_tier = std::max(e.repeat_tier, old.repeat_tier);
      e.person_open = std::max(e.person_open, old.person_open);
      e.group_size = std::max(e.group_size, old.group_size);
      if (old.rules & kReviewStage && !(e.rules & kReviewStage)) e.stage = old.stage;
      if (old.rules & kLodgedAbove && e.level == Level::kUnknown) {
        e.level = old.level;
        e.competent = old.competent;
      }
      e.since = std::min(e.since, old.since);
      e.last_activity = std::max(old.last_activity, c.last_event_at);
      e.last_owner_action = old.last_owner_action;
      e.unowned_events = old.unowned_events;
    } else {
      e.last_activity = std::max(e.since, c.last_event_at);
      e.last_owner_action = e.last_activity;
      e.unowned_events = c.open() && c.leader == 0 && c.last_event_at > e.since ? 1 : 0;
    }
    e.alert = Tier::kNone;  // re-raised below (evaluate)
    e.idle_queued = false;
    e.exit_queued = false;
    if (c.open()) {
      queueIdle(i, e);
    } else {
      e.exit_queued = true;
      queue_.push(Due{e.last_activity + quiet_ms, i, true});
    }
    evaluate(i, e, ctx);
  }
  for (uint32_t region : regions) {
    auto it = by_region_.find(region);
    const int64_t n = it == by_region_.end() ? 0 : it->second;
    if (ctx.metrics != nullptr) ctx.metrics->keyCases(cases.strings().name(region), n);
    if (ctx.regions != nullptr) ctx.regions->setKeyCases(cases.strings().name(region), n);
  }
  inherited_.clear();
}

void KeyCaseModel::inherit(const Model& previous) {
  if (previous.name() != kName) return;
  inherited_ = static_cast<const KeyCaseModel&>(previous).entries_;
}

std::vector<KeyCaseModel::Row> KeyCaseModel::ledger() const {
  std::vector<Row> rows;
  rows.reserve(entries_.size());
  for (const auto& [i, e] : entries_) {
    Row r;
    r.index = i;
    r.rules = e.rules;
    r.reasons = reasonsOf(e);
    r.since = e.since;
    r.last_activity = e.last_activity;
    r.alert = e.alert;
    rows.push_back(std::move(r));
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.since != b.since ? a.since < b.since : a.index < b.index;
  });
  return rows;
}

}  // namespace casewatch
