#include "tools/feedgen/case_lifecycle.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "tools/feedgen/planned_fault.h"

namespace casewatch::feedgen {
namespace {

using K = AgencyKind;

struct AgencyWeight {
  AgencyKind kind;
  double weight;
};

// Who receives each category first. The petition bureau receives and routes; it never handles.
constexpr std::array<std::array<AgencyWeight, 3>, kCategoryCount> kReceivers = {{
    {{{K::kHrss, 0.75}, {K::kHousing, 0.15}, {K::kPetitionBureau, 0.10}}},
    {{{K::kHousing, 0.60}, {K::kNaturalResources, 0.25}, {K::kPetitionBureau, 0.15}}},
    {{{K::kNaturalResources, 0.65}, {K::kAgriculture, 0.20}, {K::kPetitionBureau, 0.15}}},
    {{{K::kCourt, 0.45}, {K::kProcuratorate, 0.35}, {K::kPublicSecurity, 0.20}}},
    {{{K::kHrss, 0.50}, {K::kMedicalSecurity, 0.25}, {K::kCivilAffairs, 0.25}}},
    {{{K::kPetitionBureau, 0.40}, {K::kMarketRegulation, 0.30}, {K::kCivilAffairs, 0.30}}},
}};

constexpr TimeMs kMinute = kMsPerMinute;

Outcome pickOutcome(Rng& r, double upheld, double partly, double not_upheld) {
  const std::array<double, 3> w = {upheld, partly, not_upheld};
  return static_cast<Outcome>(r.pick(w));
}

Outcome firstOutcome(const CaseInfo& c, Rng& r) {
  if (c.profile == Profile::kRepeatAnchor || c.profile == Profile::kRepeatFollowUp) {
    return pickOutcome(r, 0.10, 0.20, 0.70);
  }
  if (c.profile == Profile::kBurst) return pickOutcome(r, 0.40, 0.40, 0.20);
  switch (c.matter.category) {
    case Category::kWageArrears:
      return pickOutcome(r, 0.45, 0.25, 0.30);
    case Category::kDemolition:
      return pickOutcome(r, 0.20, 0.35, 0.45);
    case Category::kLand:
      return pickOutcome(r, 0.25, 0.30, 0.45);
    case Category::kJudicial:
      return pickOutcome(r, 0.15, 0.20, 0.65);
    case Category::kSocialSecurity:
      return pickOutcome(r, 0.40, 0.30, 0.30);
    case Category::kOther:
      return pickOutcome(r, 0.35, 0.25, 0.40);
  }
  return Outcome::kNotUpheld;
}

Level nextLevel(Level l) {
  return l == Level::kCounty ? Level::kCity
         : l == Level::kCity ? Level::kProvince
                             : Level::kNational;
}

// Appends events in strictly increasing time, and knows office hours.
class Timeline {
 public:
  Timeline(const World& world, Rng& rng, std::vector<GenEvent>& out)
      : world_(world), rng_(rng), out_(out) {}

  TimeMs last() const { return last_; }
  int64_t lastDay() const { return World::localDay(last_); }

  // A time in office hours (08:30-12:00, 14:00-17:30) on `day`.
  TimeMs officeTime(int64_t day) const {
    const int64_t minute = rng_.chance(0.5) ? rng_.between(8 * 60 + 30, 11 * 60 + 59)
                                            : rng_.between(14 * 60, 17 * 60 + 29);
    return World::dayStart(day) + minute * kMinute + rng_.between(0, 59) * kMsPerSecond;
  }
  int64_t onOrAfter(int64_t day) const { return world_.workdayOnOrAfter(day); }
  int64_t onOrBefore(int64_t day, int64_t floor) const {
    return world_.workdayOnOrBefore(day, floor);
  }

  void add(GenEvent e) {
    // An action planned for a moment already past happens a little after the last one.
    if (!out_.empty() && e.ts <= last_) e.ts = last_ + rng_.between(2, 90) * kMinute;
    last_ = e.ts;
    out_.push_back(e);
  }

 private:
  const World& world_;
  Rng& rng_;
  std::vector<GenEvent>& out_;
  TimeMs last_ = 0;
};

GenEvent at(EventType type, TimeMs ts, uint32_t value = 0, uint8_t code = 0) {
  GenEvent e;
  e.type = type;
  e.ts = ts;
  e.value = value;
  e.code = code;
  return e;
}

}  // namespace

AgencyId CaseLifecycle::registeringAgency(size_t region, Category category, Rng& rng) const {
  const auto& table = kReceivers[static_cast<size_t>(category)];
  const std::array<double, 3> w = {table[0].weight, table[1].weight, table[2].weight};
  return world_.countyAgency(region, table[rng.pick(w)].kind);
}

AgencyId CaseLifecycle::competentAgency(size_t region, Category category, Rng& rng) const {
  const auto& table = kReceivers[static_cast<size_t>(category)];
  std::array<double, 3> w{};
  for (size_t i = 0; i < 3; ++i) {
    w[i] = table[i].kind == K::kPetitionBureau ? 0 : table[i].weight;
  }
  return world_.countyAgency(region, table[rng.pick(w)].kind);
}

void CaseLifecycle::build(const CaseInfo& c, Rng& r, std::vector<GenEvent>& out) const {
  buildLifecycle(c, r, out);
  if (escalation_model_) drawEscalations(c, r, out);
}

void CaseLifecycle::drawEscalations(const CaseInfo& c, Rng& r, std::vector<GenEvent>& out) const {
  if (out.empty()) return;
  const EscalationTruth& k = kEscalationTruth;
  const uint32_t group_size =
      c.group_size > 0 ? c.group_size : std::max<uint32_t>(c.person_count, 1);
  const double fixed = k.intercept + k.log_group_size * std::log(static_cast<double>(group_size)) +
                       (c.channel == Channel::kVisit ? k.channel_visit : 0) +
                       (c.matter.category == Category::kJudicial ? k.category_judicial : 0);
  const TimeMs every = TimeMs{kEscalationTruthEveryDays} * kMsPerDay;
  constexpr size_t kSpan = kEscalationTruthHorizonDays / kEscalationTruthEveryDays;
  static_assert(kSpan * kEscalationTruthEveryDays == kEscalationTruthHorizonDays);
  const TimeMs registered = out.front().ts;
  // s[m] = −ln(1 − σ(η)) = ln(1 + e^η) at the moment registered + m·D (every event up to it
  // counted). A moment the case is closed asks nothing: it repeats the previous moment's value
  // (no change in the chain below, so it never makes the chain harder to satisfy).
  std::vector<double> s;
  bool open = true, not_upheld = false, leader = false, hearing = false, aid = false;
  size_t next = 0;  // the first event after the moment
  for (TimeMs t = registered; t < registered + 366 * kMsPerDay; t += every) {
    for (; next < out.size() && out[next].ts <= t; ++next) {
      const GenEvent& e = out[next];
      switch (e.type) {
        case EventType::kClosed:
        case EventType::kRejected:
          open = false;
          break;
        case EventType::kReopened:
          open = true;
          break;
        case EventType::kReplied:
        case EventType::kReviewDecided:
        case EventType::kRecheckDecided:
          not_upheld = static_cast<Outcome>(e.code) == Outcome::kNotUpheld;
          break;
        case EventType::kLeaderAssigned:
          leader = true;
          break;
        case EventType::kHearingHeld:
          hearing = true;
          break;
        case EventType::kAidGranted:
          aid = true;
          break;
        default:
          break;
      }
    }
    if (!open) {
      if (next == out.size()) break;  // closed for good
      s.push_back(s.empty() ? 0 : s.back());
      continue;
    }
    const double eta = fixed + (not_upheld ? k.not_upheld : 0) + (leader ? k.leader_assigned : 0) +
                       (hearing ? k.hearing_held : 0) + (aid ? k.aid_granted : 0);
    s.push_back(eta > 30 ? eta : std::log1p(std::exp(eta)));
  }
  if (s.empty()) return;
  // Block j = (t_j, t_j + D); u[j] = −ln(1 − P(an escalation in block j)), blocks independent.
  // Moment m's window is blocks m .. m+kSpan−1: P(no escalation in it) = exp(−Σ u) must be
  // 1 − σ(η_m), i.e. Σ_{j=m}^{m+kSpan−1} u[j] = s[m]. Consecutive windows differ by one block at
  // each end: u[j + kSpan] = u[j] + s[j+1] − s[j], so the kSpan first blocks fix every other, and
  // each residue class j mod kSpan is a chain of its own. The first blocks are the least that
  // keeps each chain ≥ 0, plus an equal share of what s[0] leaves; when s[0] cannot pay for them
  // (a large drop of η after a rise, as a reopened case's new decision can bring: rare), they are
  // scaled down and the blocks that fall below 0 are drawn at 0, so those moments' windows carry a
  // little more than σ(η).
  const size_t blocks = s.size() + kSpan - 1;
  std::array<double, kSpan> floor{};
  for (size_t f = 0; f < kSpan; ++f) {
    double sum = 0;
    for (size_t j = f; j + kSpan < blocks; j += kSpan) {
      sum += s[j + 1] - s[j];
      floor[f] = std::max(floor[f], -sum);
    }
  }
  double need = 0;
  for (double f : floor) need += f;
  std::vector<double> u(blocks, 0);
  for (size_t f = 0; f < kSpan; ++f) {
    u[f] = need <= s[0] ? floor[f] + (s[0] - need) / static_cast<double>(kSpan)
                        : floor[f] * s[0] / need;
  }
  for (size_t j = kSpan; j < blocks; ++j) u[j] = u[j - kSpan] + s[j - kSpan + 1] - s[j - kSpan];
  std::vector<GenEvent> drawn;
  const auto above = static_cast<uint8_t>(nextLevel(c.level));
  for (size_t j = 0; j < blocks; ++j) {
    if (!r.chance(-std::expm1(-std::max(u[j], 0.0)))) continue;
    // Strictly inside block j: one block of each window that holds it, and no other window's.
    const TimeMs t = registered + static_cast<TimeMs>(j) * every;
    GenEvent v = at(EventType::kVisit, t + r.between(kMsPerMinute, every - kMsPerMinute),
                    c.group_size, above);
    v.person_base = c.person_base;
    v.count = c.person_count;
    v.with_case = true;
    drawn.push_back(v);
  }
  if (drawn.empty()) return;
  out.insert(out.end(), drawn.begin(), drawn.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const GenEvent& a, const GenEvent& b) { return a.ts < b.ts; });
  for (size_t i = 1; i < out.size(); ++i) {  // strictly increasing, as the lifecycle's own
    if (out[i].ts <= out[i - 1].ts) out[i].ts = out[i - 1].ts + 1;
  }
}

void CaseLifecycle::buildLifecycle(const CaseInfo& c, Rng& r, std::vector<GenEvent>& out) const {
  Timeline tl(world_, r, out);
  const bool regular = c.profile == Profile::kRegular;
  const bool repeat = c.profile == Profile::kRepeatAnchor || c.profile == Profile::kRepeatFollowUp;
  const bool burst = c.profile == Profile::kBurst;
  const bool group = c.person_count > 1 || c.group_size > 0;
  const size_t region = c.matter.region;
  bool visited = false;  // a regular petitioner chases a case in person at most once

  auto visit = [&](TimeMs ts, Level level) {
    GenEvent e = at(EventType::kVisit, ts, c.group_size, static_cast<uint8_t>(level));
    e.person_base = c.person_base;
    e.count = c.person_count;
    e.with_case = true;
    tl.add(e);
    visited = true;
  };
  const bool thresholds = escalation_thresholds_;
  const bool county_only = thresholds || escalation_model_;
  const ThresholdEscalation& th = kThresholdEscalation;
  // A petitioner whose case sits past its deadline comes in person, sometimes to a higher level
  // (with the threshold mechanism: at county level, a contact and not an escalation).
  auto chase = [&](int64_t day, double p) {
    if (!regular || visited || !r.chance(p)) return;
    const Level level = county_only     ? Level::kCounty
                        : r.chance(0.5) ? Level::kCounty
                        : r.chance(0.7) ? Level::kCity
                                        : Level::kProvince;
    visit(tl.officeTime(tl.onOrAfter(day)), level);
  };
  // A stalled case (its step's deadline was `deadline_day`): chased, and perhaps taken higher.
  auto ignored = [&](int64_t day, int64_t deadline_day, double p) {
    if (!thresholds) return chase(day, p);
    const bool before = visited;
    chase(day, th.ignored_chase);
    if (before || !visited) return;
    const int64_t late = tl.lastDay() - deadline_day;
    const double q = late >= 10 ? th.ignored_late10
                     : late > 0 ? th.ignored_late
                                : th.ignored_on_time;
    if (r.chance(q)) {
      visit(tl.officeTime(tl.onOrAfter(tl.lastDay() + r.between(5, 20))), Level::kCity);
    }
  };

  tl.add(at(EventType::kRegistered, c.registered_ts));
  const int64_t reg_day = World::localDay(c.registered_ts);
  const Fault fault = planFault(c.profile, overdue_share_, r);
  // With an overdue share, the cases not planned to miss a deadline meet every one, and those
  // planned to miss the procedural reply are not rescued by an early rejection (which satisfies
  // it).
  const bool punctual = overdue_share_.has_value() && fault == Fault::kNone;
  const bool proc_fault = fault == Fault::kProcLate || fault == Fault::kProcNever;

  // Procedural reply: usually within a few days.
  // (Plain values with flags rather than std::optional: GCC 12 warns maybe-uninitialized.)
  bool has_proc = false;
  TimeMs proc = 0;
  if (fault == Fault::kProcLate) {
    has_proc = true;
    proc = tl.officeTime(tl.onOrAfter(reg_day + r.between(8, 16)));
  } else if (fault != Fault::kProcNever) {
    has_proc = true;
    const int64_t d = reg_day + (r.chance(0.6) ? r.between(0, 3) : r.between(1, 6));
    int64_t proc_day = tl.onOrBefore(d, reg_day);
    // A long holiday pushes the reply past its deadline; a punctual case's duty office answers.
    if (punctual && proc_day > reg_day + 7) proc_day = d;
    proc = tl.officeTime(proc_day);
    if (proc <= c.registered_ts) proc = c.registered_ts + r.between(20, 240) * kMinute;
  }

  // Routing: accept, reject or transfer, usually within two weeks.
  enum class Decision { kAccept, kReject, kTransfer };
  const double p_reject = c.profile == Profile::kRepeatFollowUp ? 0.35 : burst ? 0.0 : 0.05;
  const double p_transfer =
      world_.agencyKind(c.agency) == K::kPetitionBureau ? 0.35 : (burst ? 0.0 : 0.04);
  const double u = r.uniform();
  Decision decision = u < p_reject                ? Decision::kReject
                      : u < p_reject + p_transfer ? Decision::kTransfer
                                                  : Decision::kAccept;
  if (overdue_share_ && proc_fault && decision == Decision::kReject) decision = Decision::kAccept;
  bool has_routing = false;
  TimeMs routing = 0;
  if (fault == Fault::kRoutingLate) {
    has_routing = true;
    routing = tl.officeTime(tl.onOrAfter(reg_day + r.between(16, 30)));
  } else if (fault != Fault::kRoutingStall) {
    has_routing = true;
    const auto spread = static_cast<int64_t>(13 * std::pow(r.uniform(), 1.6));
    routing = tl.officeTime(tl.onOrBefore(reg_day + 1 + spread, reg_day + 1));
  }
  // A rejection before the procedural reply makes that reply moot.
  if (decision == Decision::kReject && has_proc && has_routing && routing <= proc) {
    has_proc = false;
  }

  GenEvent route_event;
  if (has_routing) {
    switch (decision) {
      case Decision::kReject: {
        const uint8_t reason = c.profile == Profile::kRepeatFollowUp && r.chance(0.8)
                                   ? kRejectRepeatMatter
                                   : static_cast<uint8_t>(r.between(0, kRejectReasonCount - 2));
        route_event = at(EventType::kRejected, routing, 0, reason);
        break;
      }
      case Decision::kAccept:
        route_event = at(EventType::kAccepted, routing, c.agency);
        break;
      case Decision::kTransfer: {
        Level to_level = Level::kCounty;
        AgencyId to = competentAgency(region, c.matter.category, r);
        if (to == c.agency || r.chance(0.2)) {
          to = world_.cityAgency(region, world_.agencyKind(to));
          to_level = Level::kCity;
        }
        route_event = at(EventType::kTransferred, routing, to,
                         static_cast<uint8_t>(static_cast<uint8_t>(to_level) + 1));
        break;
      }
    }
  }
  if (has_proc && (!has_routing || proc < routing)) {
    tl.add(at(EventType::kProceduralReply, proc));
    has_proc = false;
  }
  if (!has_routing) {
    ignored(reg_day + r.between(16, 40), reg_day + 15, 0.4);
    return;
  }
  // Days past the procedural reply's and the routing's deadlines (the threshold mechanism's).
  int64_t days_late = 0;
  if (proc != 0) days_late += std::max<int64_t>(0, World::localDay(proc) - reg_day - 7);
  days_late += std::max<int64_t>(0, World::localDay(routing) - reg_day - 15);
  tl.add(route_event);
  if (has_proc) tl.add(at(EventType::kProceduralReply, proc));
  if (decision == Decision::kReject) {
    chase(tl.lastDay() + r.between(3, 30), 0.08);
    return;
  }

  AgencyId agency = c.agency;
  if (decision == Decision::kTransfer) {
    agency = static_cast<AgencyId>(route_event.value);
    const int64_t t_day = tl.lastDay();
    const int64_t d = fault == Fault::kTransferLate
                          ? tl.onOrAfter(t_day + r.between(16, 25))
                          : tl.onOrBefore(t_day + r.between(1, 10), t_day + 1);
    tl.add(at(EventType::kAccepted, tl.officeTime(d), agency));
  }

  // Handling: 60 days from acceptance, extendable.
  const int64_t acc_day = tl.lastDay();
  // At most one each of leader, extension, hearing and aid, in a fixed array (no allocation).
  std::array<GenEvent, 4> mid{};
  size_t mid_count = 0;
  const double p_leader = burst ? 0.9 : repeat ? 0.5 : group ? 0.4 : 0.04;
  if (r.chance(p_leader)) {
    const int64_t d = tl.onOrBefore(acc_day + r.between(0, 7), acc_day);
    mid[mid_count++] =
        at(EventType::kLeaderAssigned, tl.officeTime(d), static_cast<uint32_t>(r.between(1, 12)));
  }
  int ext_days = 0;
  int64_t ext_day = 0;
  if (r.chance(repeat ? 0.15 : 0.10)) {
    ext_days = static_cast<int>(r.between(10, 30));
    ext_day = tl.onOrBefore(acc_day + r.between(35, 54), acc_day + 30);
    mid[mid_count++] =
        at(EventType::kExtended, tl.officeTime(ext_day), static_cast<uint32_t>(ext_days));
  }
  std::optional<int64_t> reply_day;
  if (fault == Fault::kHandlingLate) {
    reply_day = tl.onOrAfter(acc_day + 60 + ext_days + r.between(1, 25));
  } else if (fault != Fault::kHandlingStall) {
    if (ext_days > 0) {
      reply_day = tl.onOrBefore(acc_day + r.between(56, 59 + ext_days), ext_day + 1);
    } else {
      reply_day =
          tl.onOrBefore(acc_day + static_cast<int64_t>(r.triangular(15, 32, 56)), acc_day + 10);
    }
  }
  const int64_t handling_end = reply_day ? *reply_day : acc_day + 45;
  const double p_hearing = burst                                      ? 0.6
                           : repeat || group                          ? 0.3
                           : c.matter.category == Category::kJudicial ? 0.08
                                                                      : 0.04;
  if (handling_end - acc_day > 10 && r.chance(p_hearing)) {
    const int64_t d = tl.onOrBefore(r.between(acc_day + 7, handling_end - 3), acc_day + 1);
    mid[mid_count++] = at(EventType::kHearingHeld, tl.officeTime(d));
  }
  const bool aid_prone =
      c.matter.category == Category::kJudicial || c.matter.category == Category::kSocialSecurity;
  // With --escalation-model aid is common enough for its coefficient to be measured.
  const double p_aid = burst && c.matter.category == Category::kWageArrears ? 0.6
                       : escalation_model_                                  ? 0.15
                       : aid_prone                                          ? 0.06
                                                                            : 0.01;
  if (handling_end - acc_day > 10 && r.chance(p_aid)) {
    const int64_t d = tl.onOrBefore(r.between(acc_day + 5, handling_end - 2), acc_day + 1);
    mid[mid_count++] = at(EventType::kAidGranted, tl.officeTime(d),
                          static_cast<uint32_t>(r.between(20, 800) * 100));
  }
  bool has_leader = false, has_hearing = false, has_aid = false;
  for (size_t i = 0; i < mid_count; ++i) {
    has_leader = has_leader || mid[i].type == EventType::kLeaderAssigned;
    has_hearing = has_hearing || mid[i].type == EventType::kHearingHeld;
    has_aid = has_aid || mid[i].type == EventType::kAidGranted;
  }
  std::sort(mid.begin(), mid.begin() + static_cast<ptrdiff_t>(mid_count),
            [](const GenEvent& a, const GenEvent& b) { return a.ts < b.ts; });
  for (size_t i = 0; i < mid_count; ++i) tl.add(mid[i]);
  if (reply_day && *reply_day - acc_day > 12) {
    chase(r.between(acc_day + 10, *reply_day - 2), thresholds ? th.handling_chase : 0.04);
  }
  const bool chased = visited;
  if (!reply_day) {
    ignored(acc_day + 60 + ext_days + r.between(1, 30), acc_day + 60 + ext_days, 0.4);
    return;
  }
  days_late += std::max<int64_t>(0, *reply_day - acc_day - 60 - ext_days);
  Outcome outcome = firstOutcome(c, r);
  tl.add(at(EventType::kReplied, tl.officeTime(*reply_day), 0, static_cast<uint8_t>(outcome)));

  // Review (复查) and re-review (复核) of a reply the petitioner disputes.
  bool review = false;
  if (escalation_model_) {
    review = false;  // escalations come from drawEscalations alone
  } else if (thresholds) {
    const double p = outcome == Outcome::kNotUpheld
                         ? (days_late >= 5 || chased ? th.not_upheld_late_or_chased
                            : !has_hearing           ? th.not_upheld_no_hearing
                                                     : th.not_upheld_hearing)
                     : outcome == Outcome::kPartlyUpheld && days_late >= 15 ? th.partly_late15
                                                                            : th.otherwise;
    review = r.chance(p);
  } else {
    const double p_review = repeat ? 0.3 : burst ? 0.1 : 0.08;
    review = outcome == Outcome::kNotUpheld && r.chance(p_review);
  }
  if (review) {
    const Level review_level = nextLevel(c.competent_level);
    const int64_t rq_day = tl.onOrAfter(tl.lastDay() + r.between(3, 28));
    tl.add(at(EventType::kReviewRequested, tl.officeTime(rq_day), 0,
              static_cast<uint8_t>(review_level)));
    const double f = punctual ? 1.0 : r.uniform();
    if (f < 0.08) {  // the review body never decides
      ignored(rq_day + r.between(31, 50), rq_day + 30, 0.4);
      return;
    }
    const int64_t dec_day = f < 0.20 ? tl.onOrAfter(rq_day + r.between(31, 45))
                                     : tl.onOrBefore(rq_day + r.between(10, 28), rq_day + 1);
    outcome = pickOutcome(r, 0.10, 0.20, 0.70);
    tl.add(at(EventType::kReviewDecided, tl.officeTime(dec_day), 0, static_cast<uint8_t>(outcome)));
    if (outcome == Outcome::kNotUpheld && r.chance(repeat ? 0.3 : 0.15)) {
      const int64_t rc_day = tl.onOrAfter(tl.lastDay() + r.between(5, 25));
      tl.add(at(EventType::kRecheckRequested, tl.officeTime(rc_day), 0,
                static_cast<uint8_t>(nextLevel(review_level))));
      const int64_t rd_day = !punctual && r.chance(0.1)
                                 ? tl.onOrAfter(rc_day + r.between(31, 40))
                                 : tl.onOrBefore(rc_day + r.between(10, 28), rc_day + 1);
      outcome = pickOutcome(r, 0.05, 0.15, 0.80);
      tl.add(
          at(EventType::kRecheckDecided, tl.officeTime(rd_day), 0, static_cast<uint8_t>(outcome)));
    }
  }

  // Settlement and closing.
  const double p_settle = burst                               ? 0.5
                          : outcome == Outcome::kUpheld       ? 0.06
                          : outcome == Outcome::kPartlyUpheld ? 0.12
                                                              : 0.03;
  const bool settled = r.chance(p_settle);
  if (settled) {
    tl.add(at(EventType::kSettled, tl.officeTime(tl.onOrAfter(tl.lastDay() + r.between(1, 12)))));
  }
  auto close = [&](bool resolved) {
    const Satisfaction s =
        resolved ? (r.chance(0.75) ? Satisfaction::kSatisfied : Satisfaction::kUnknown)
                 : (r.chance(0.65) ? Satisfaction::kUnsatisfied : Satisfaction::kUnknown);
    GenEvent e =
        at(EventType::kClosed, tl.officeTime(tl.onOrAfter(tl.lastDay() + r.between(1, 20))), 0,
           static_cast<uint8_t>(s));
    e.count = resolved ? 1 : 0;
    tl.add(e);
  };
  const double p_resolved = outcome == Outcome::kUpheld         ? 0.9
                            : outcome == Outcome::kPartlyUpheld ? 0.6
                                                                : 0.2;
  const bool resolved = settled || r.chance(p_resolved);
  close(resolved);
  if (!resolved) chase(tl.lastDay() + r.between(3, 30), 0.12);

  // Reopening: rare; a new round of handling follows.
  if (r.chance(resolved ? 0.015 : 0.05)) {
    const int64_t day = tl.onOrAfter(tl.lastDay() + r.between(5, 40));
    tl.add(at(EventType::kReopened, tl.officeTime(day), 0,
              static_cast<uint8_t>(r.between(0, kReopenReasonCount - 1))));
    const int64_t d = tl.onOrBefore(day + r.between(10, 50), day + 5);
    outcome = firstOutcome(c, r);
    tl.add(at(EventType::kReplied, tl.officeTime(d), 0, static_cast<uint8_t>(outcome)));
    close(outcome != Outcome::kNotUpheld || r.chance(0.3));
  }
}

}  // namespace casewatch::feedgen
