#include "tools/feedgen/scenario.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

#include "tools/feedgen/rng.h"

namespace casewatch::feedgen {
namespace {

// Seed families: each kind of stream draws from its own sequence of seeds.
constexpr uint64_t kFamilyDay = 1;
constexpr uint64_t kFamilyRepeat = 2;
constexpr uint64_t kFamilyBurst = 3;
constexpr uint64_t kFamilyRecurring = 4;

constexpr std::array<double, kCategoryCount> kCategoryWeights = {0.20, 0.12, 0.14,
                                                                 0.18, 0.16, 0.20};
constexpr std::array<double, kCategoryCount> kRepeatCategoryWeights = {0.25, 0.20, 0.20,
                                                                       0.15, 0.12, 0.08};

TimeMs atMinute(int64_t day, int64_t minute, Rng& r) {
  return World::dayStart(day) + minute * kMsPerMinute + r.between(0, 59) * kMsPerSecond;
}

GenEvent spawnAt(TimeMs ts, size_t index) {
  GenEvent e;
  e.action = GenAction::kSpawnCase;
  e.ts = ts;
  e.value = static_cast<uint32_t>(index);
  return e;
}

void sortByTime(std::vector<GenEvent>& events) {
  std::stable_sort(events.begin(), events.end(),
                   [](const GenEvent& a, const GenEvent& b) { return a.ts < b.ts; });
}

}  // namespace

Scenario::Scenario(const FeedgenOptions& options, const World& world)
    : options_(options),
      world_(world),
      lifecycle_(world, options.escalation_model, options.overdue_share,
                 options.escalation_thresholds),
      start_day_(daysFromCivil(options.start)) {
  day_weight_cum_.push_back(0);
  for (int i = 0; i < options_.days; ++i) {
    const int64_t day = start_day_ + i;
    const double w = world_.isWorkingDay(day) ? 1.0 : weekdayFromDays(day) >= 5 ? 0.4 : 0.3;
    day_weight_cum_.push_back(day_weight_cum_.back() + w);
  }
  // The repeat series and the burst may take at most a third of the registrations.
  special_budget_ = options_.cases / 3;
}

TimeMs Scenario::registrationTime(Channel channel, int64_t day, Rng& r) const {
  switch (channel) {
    case Channel::kVisit:
      if (!world_.isWorkingDay(day)) return atMinute(day, r.between(9 * 60, 11 * 60 + 59), r);
      [[fallthrough]];
    case Channel::kLetter:
      return atMinute(
          day,
          r.chance(0.5) ? r.between(8 * 60 + 30, 11 * 60 + 59) : r.between(14 * 60, 17 * 60 + 29),
          r);
    case Channel::kPhone:
      return atMinute(day, r.between(8 * 60, 20 * 60 + 59), r);
    case Channel::kOnline:
      // Online forms arrive around the clock, a few in the last minutes before midnight.
      return atMinute(day, r.chance(0.82) ? r.between(7 * 60, 22 * 60 + 59) : r.between(0, 1439),
                      r);
  }
  return World::dayStart(day);
}

Category Scenario::pickCategory(int64_t day, Rng& r) const {
  std::array<double, kCategoryCount> w = kCategoryWeights;
  w[static_cast<size_t>(Category::kWageArrears)] *= world_.wageArrearsFactor(day);
  return static_cast<Category>(r.pick(w));
}

CaseInfoPtr Scenario::newCase(Profile profile) {
  auto c = std::make_shared<CaseInfo>();
  c->profile = profile;
  return c;
}

std::vector<StreamPtr> Scenario::initialStreams() {
  std::vector<StreamPtr> out;
  auto planner = std::make_unique<Stream>();
  for (int i = 0; i < options_.days; ++i) {
    GenEvent e;
    e.action = GenAction::kPlanDay;
    e.ts = World::dayStart(start_day_ + i);
    e.value = static_cast<uint32_t>(i);
    planner->events.push_back(e);
  }
  out.push_back(std::move(planner));

  // About 3% of petitioners are repeat petitioners; each brings roughly four registrations.
  // None with --escalation-model: their matters, shared between cases, would carry one case's
  // escalation onto the others (tools/feedgen/case_lifecycle.h, kEscalationTruth).
  const uint64_t repeat_count = options_.cases >= 20 && !options_.escalation_model
                                    ? std::max<uint64_t>(1, (options_.cases * 3 + 50) / 100)
                                    : 0;
  for (uint64_t i = 0; i < repeat_count && special_cases_ < special_budget_; ++i) {
    out.push_back(planRepeat(i));
  }
  if (options_.burst && !options_.escalation_model) out.push_back(planBurst());
  // Drawn only when asked for (their own seed family), so that the default feed is unchanged.
  const auto recurring = static_cast<size_t>(options_.recurring_matters);
  for (size_t i = 0; i < 5 * recurring && special_cases_ < special_budget_; ++i) {
    out.push_back(planRecurring(i, i % 5 != 0));
  }
  regular_cases_ = options_.cases - special_cases_;
  return out;
}

StreamPtr Scenario::planRepeat(size_t index) {
  Rng r(deriveSeed(options_.seed, kFamilyRepeat, index));
  auto s = std::make_unique<Stream>();
  s->repeat_index = static_cast<int32_t>(index);
  const auto region = static_cast<uint16_t>(r.pick(world_.regionWeights()));
  const auto category = static_cast<Category>(r.pick(kRepeatCategoryWeights));
  const MatterRef matter{next_matter_++, region, category, false};
  const uint64_t person = next_person_++;
  const AgencyId agency = lifecycle_.registeringAgency(region, category, r);
  const int64_t last_day = start_day_ + options_.days - 1;

  auto makeCase = [&](Profile profile, Channel channel, TimeMs ts, Level level) {
    CaseInfoPtr c = newCase(profile);
    c->registered_ts = ts;
    c->person_base = person;
    c->matter = matter;
    c->agency = agency;
    c->channel = channel;
    c->level = level;
    c->repeat_index = static_cast<int32_t>(index);
    ++special_cases_;
    s->spawns.push_back(caseStream(c, r));
    s->events.push_back(spawnAt(ts, s->spawns.size() - 1));
    return c;
  };

  const int64_t anchor_day =
      start_day_ + r.between(0, std::max<int64_t>(0, static_cast<int64_t>(options_.days * 0.45)));
  static constexpr std::array<double, 4> kAnchorChannels = {0.4, 0.2, 0.3, 0.1};
  auto channel = static_cast<Channel>(r.pick(kAnchorChannels));
  int64_t day = channel == Channel::kLetter ? world_.workdayOnOrAfter(anchor_day) : anchor_day;
  if (day > last_day) {
    day = anchor_day;
    channel = Channel::kOnline;
  }
  s->kase =
      makeCase(Profile::kRepeatAnchor, channel, registrationTime(channel, day, r), Level::kCounty);
  s->matter = matter;
  repeats_.push_back(RepeatPlan{person, matter});

  // 5-15 further contacts, spaced to fit the window.
  const int64_t contacts = r.between(5, 15);
  const double first = static_cast<double>(day + r.between(3, 10));
  const double span = std::max(1.0, static_cast<double>(last_day) - first);
  const double gap = std::clamp(span / static_cast<double>(contacts), 0.3, 7.0);
  double pos = first;
  for (int64_t j = 0; j < contacts; ++j, pos += gap * r.uniform(0.5, 1.5)) {
    const auto d = static_cast<int64_t>(std::floor(pos));
    if (d > last_day) break;
    if (r.chance(0.3) && special_cases_ < special_budget_) {
      const Channel ch = r.chance(0.5) ? Channel::kLetter : Channel::kOnline;
      const int64_t reg_day = ch == Channel::kLetter ? world_.workdayOnOrAfter(d) : d;
      if (reg_day > last_day) continue;
      makeCase(Profile::kRepeatFollowUp, ch, registrationTime(ch, reg_day, r),
               static_cast<Level>(contactLevel(r.chance(0.7) ? Level::kCounty : Level::kCity)));
      continue;
    }
    const int64_t visit_day = world_.workdayOnOrAfter(d);
    if (visit_day > last_day) continue;
    static constexpr std::array<double, 3> kLevels = {0.55, 0.35, 0.10};
    GenEvent e;
    e.type = EventType::kVisit;
    e.ts = registrationTime(Channel::kVisit, visit_day, r);
    e.person_base = person;
    e.count = 1;
    e.code = contactLevel(static_cast<Level>(r.pick(kLevels)));
    e.with_case = r.chance(0.6);
    s->events.push_back(e);
  }
  sortByTime(s->events);
  return s;
}

StreamPtr Scenario::planBurst() {
  Rng r(deriveSeed(options_.seed, kFamilyBurst, 0));
  auto s = std::make_unique<Stream>();
  s->burst_index = static_cast<int32_t>(bursts_.size());
  const auto region = static_cast<uint16_t>(r.pick(world_.regionWeights()));
  static constexpr std::array<double, 3> kCategories = {0.35, 0.50, 0.15};
  const auto category = static_cast<Category>(r.pick(kCategories));  // wage, demolition, land
  const MatterRef matter{next_matter_++, region, category, true};
  s->matter = matter;
  const AgencyId agency = lifecycle_.registeringAgency(region, category, r);

  const int64_t first_offset = std::clamp<int64_t>(
      static_cast<int64_t>(options_.days * r.uniform(0.3, 0.7)), 0, options_.days - 1);
  const int64_t duration = std::min<int64_t>(r.between(1, 3), options_.days - first_offset);
  const int64_t first_day = start_day_ + first_offset;
  auto burstTime = [&](int64_t from_day) {
    const int64_t d = std::min(from_day + r.between(0, duration - 1), first_day + duration - 1);
    return atMinute(d, r.between(7 * 60 + 30, 17 * 60 + 59), r);
  };

  const auto persons = static_cast<uint32_t>(r.between(30, 80));
  const uint64_t base = next_person_;
  next_person_ += persons;
  for (uint32_t idx = 0; idx < persons;) {
    const auto g = static_cast<uint32_t>(std::min<int64_t>(r.between(1, 8), persons - idx));
    GenEvent e;
    e.type = EventType::kVisit;
    e.ts = burstTime(first_day);
    e.person_base = base + idx;
    e.count = static_cast<uint8_t>(g);
    e.code = contactLevel(r.chance(0.75) ? Level::kCounty : Level::kCity);
    s->events.push_back(e);
    if (r.chance(0.25)) {  // the same group comes back, this time to the city
      e.ts = burstTime(World::localDay(e.ts));
      e.code = contactLevel(Level::kCity);
      s->events.push_back(e);
    }
    idx += g;
  }
  // A few registrations by representatives (rules ask large groups to send at most five).
  const int64_t registrations = r.between(2, 4);
  for (int64_t i = 0; i < registrations && special_cases_ < special_budget_; ++i) {
    CaseInfoPtr c = newCase(Profile::kBurst);
    const auto reps = static_cast<uint8_t>(r.between(2, 5));
    c->person_base = base + static_cast<uint64_t>(r.between(0, persons - reps));
    c->person_count = reps;
    c->group_size = static_cast<uint32_t>(r.between(10, 60));
    c->matter = matter;
    c->agency = agency;
    c->channel = Channel::kVisit;
    c->registered_ts = burstTime(first_day);
    c->burst_index = s->burst_index;
    ++special_cases_;
    s->spawns.push_back(caseStream(c, r));
    s->events.push_back(spawnAt(c->registered_ts, s->spawns.size() - 1));
  }
  sortByTime(s->events);
  bursts_.push_back(BurstPlan{matter, base, persons});
  return s;
}

StreamPtr Scenario::planRecurring(size_t index, bool quiet) {
  Rng r(deriveSeed(options_.seed, kFamilyRecurring, index));
  auto s = std::make_unique<Stream>();
  s->recurring_index = static_cast<int32_t>(recurring_.size());
  const auto region = static_cast<uint16_t>(r.pick(world_.regionWeights()));
  const auto category = pickCategory(start_day_, r);
  const MatterRef matter{next_matter_++, region, category, false};
  s->matter = matter;
  const AgencyId agency = lifecycle_.registeringAgency(region, category, r);
  const int64_t last_day = start_day_ + options_.days - 1;

  auto makeCase = [&](Channel channel, int64_t day) {
    CaseInfoPtr c = newCase(Profile::kRegular);
    c->registered_ts = registrationTime(channel, day, r);
    c->person_base = next_person_++;  // a new person each time: no id links the contacts
    c->matter = matter;
    c->agency = agency;
    c->channel = channel;
    c->level = Level::kCounty;
    c->recurring_index = s->recurring_index;
    ++special_cases_;
    s->spawns.push_back(caseStream(c, r));
    s->events.push_back(spawnAt(c->registered_ts, s->spawns.size() - 1));
    return c;
  };

  // The anchor: the matter's first case, in the first half of the window.
  static constexpr std::array<double, 4> kAnchorChannels = {0.3, 0.2, 0.3, 0.2};
  const int64_t anchor_day =
      start_day_ + r.between(0, std::max<int64_t>(0, static_cast<int64_t>(options_.days * 0.5)));
  auto channel = static_cast<Channel>(r.pick(kAnchorChannels));
  const int64_t day =
      channel == Channel::kLetter ? world_.workdayOnOrAfter(anchor_day) : anchor_day;
  s->kase = makeCase(day > last_day ? Channel::kOnline : channel, std::min(day, last_day));

  // Further contacts, each by a new person: by phone or online (a registration), or in person.
  const int64_t contacts = quiet ? r.between(1, 3) : r.between(6, 20);
  const int64_t span = quiet ? r.between(30, 100) : r.between(28, 84);
  for (int64_t j = 0; j < contacts; ++j) {
    const int64_t d = anchor_day + r.between(1, span);
    if (d > last_day) continue;
    if (r.chance(0.6) && special_cases_ < special_budget_) {
      makeCase(r.chance(0.5) ? Channel::kPhone : Channel::kOnline, d);
      continue;
    }
    const int64_t visit_day = world_.workdayOnOrAfter(d);
    if (visit_day > last_day) continue;
    GenEvent e;
    e.type = EventType::kVisit;
    e.ts = registrationTime(Channel::kVisit, visit_day, r);
    e.person_base = next_person_++;
    e.count = 1;
    e.code = contactLevel(Level::kCounty);
    s->events.push_back(e);
  }
  sortByTime(s->events);
  recurring_.push_back(RecurringPlan{matter, quiet});
  return s;
}

uint64_t Scenario::regularCasesUpTo(int64_t day_index) const {
  const double total = day_weight_cum_.back();
  const double share = day_weight_cum_[static_cast<size_t>(day_index)] / total;
  return static_cast<uint64_t>(std::llround(static_cast<double>(regular_cases_) * share));
}

void Scenario::planDay(int64_t day_index, std::vector<StreamPtr>& out) {
  const uint64_t count = regularCasesUpTo(day_index + 1) - regularCasesUpTo(day_index);
  const int64_t day = start_day_ + day_index;
  const bool working = world_.isWorkingDay(day);
  Rng r(deriveSeed(options_.seed, kFamilyDay, static_cast<uint64_t>(day_index)));
  static constexpr std::array<double, 4> kWorkdayChannels = {0.28, 0.20, 0.37, 0.15};
  static constexpr std::array<double, 4> kDayOffChannels = {0.05, 0.0, 0.75, 0.20};
  static constexpr std::array<double, 3> kLodgedLevels = {0.88, 0.09, 0.03};

  std::vector<CaseInfoPtr> cases;
  cases.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    CaseInfoPtr c = newCase(Profile::kRegular);
    const auto region = static_cast<uint16_t>(r.pick(world_.regionWeights()));
    const Category category = pickCategory(day, r);
    c->matter = MatterRef{next_matter_++, region, category, false};
    c->agency = lifecycle_.registeringAgency(region, category, r);
    c->channel = static_cast<Channel>(r.pick(working ? kWorkdayChannels : kDayOffChannels));
    c->level = static_cast<Level>(r.pick(kLodgedLevels));
    c->competent_level = r.chance(0.92) ? Level::kCounty : Level::kCity;
    const double u = r.uniform();
    if (u < 0.88) {
      c->person_count = 1;
    } else if (u < 0.98) {
      c->person_count = static_cast<uint8_t>(r.between(2, 3));
    } else {  // a small group with representatives
      c->person_count = static_cast<uint8_t>(r.between(2, 5));
      c->group_size = static_cast<uint32_t>(r.between(6, 30));
    }
    c->person_base = next_person_;
    next_person_ += c->person_count;
    c->registered_ts = registrationTime(c->channel, day, r);
    cases.push_back(std::move(c));
  }
  std::stable_sort(cases.begin(), cases.end(), [](const CaseInfoPtr& a, const CaseInfoPtr& b) {
    return a->registered_ts < b->registered_ts;
  });
  for (const CaseInfoPtr& c : cases) {
    StreamPtr s = caseStream(c, r);
    // Drawn only when asked for, so that the default feed of a seed stays byte for byte the same.
    if (options_.follow_ups > 0 && r.chance(options_.follow_ups)) addFollowUps(*s, *c, day, r);
    out.push_back(std::move(s));
  }
}

void Scenario::addFollowUps(Stream& s, const CaseInfo& c, int64_t day, Rng& r) const {
  const int64_t last_day = start_day_ + options_.days - 1;
  // An ordinary petitioner comes back at most twice in all: the lifecycle may already have sent
  // them once to chase the case (a third return would make them a repeat petitioner).
  int64_t already = 0;
  for (const GenEvent& e : s.events) already += e.type == EventType::kVisit ? 1 : 0;
  const int64_t visits = std::min<int64_t>(r.between(1, 2), 2 - already);
  for (int64_t i = 0; i < visits; ++i) {
    const int64_t d = world_.workdayOnOrAfter(day + r.between(1, 60));
    if (d > last_day) continue;
    GenEvent e;
    e.type = EventType::kVisit;
    e.ts = registrationTime(Channel::kVisit, d, r);
    e.person_base = c.person_base;
    e.count = 1;
    e.code = contactLevel(r.chance(0.2) ? Level::kCity : Level::kCounty);
    e.with_case = true;
    s.events.push_back(e);
  }
  sortByTime(s.events);
}

void Scenario::recycle(StreamPtr s) const {
  if (spare_.size() >= kMaxSpareStreams) return;
  s->events.clear();  // keeps its capacity for the next case
  s->queued = 0;
  s->order = 0;
  s->kase.reset();
  s->matter = MatterRef{};
  s->repeat_index = -1;
  s->burst_index = -1;
  s->recurring_index = -1;
  s->spawns.clear();
  spare_.push_back(std::move(s));
}

StreamPtr Scenario::caseStream(const CaseInfoPtr& c, Rng& r) const {
  StreamPtr s;
  if (spare_.empty()) {
    s = std::make_unique<Stream>();
  } else {
    s = std::move(spare_.back());
    spare_.pop_back();
  }
  s->is_case = true;
  s->kase = c;
  s->matter = c->matter;
  s->repeat_index = c->repeat_index;
  s->burst_index = c->burst_index;
  s->recurring_index = c->recurring_index;
  lifecycle_.build(*c, r, s->events);
  return s;
}

}  // namespace casewatch::feedgen
