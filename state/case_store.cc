#include "state/case_store.h"

#include <algorithm>
#include <array>

namespace casewatch {
namespace {

constexpr std::array<std::string_view, kStageCount> kStageNames = {
    "registered", "accepted", "transferred", "replied", "review", "recheck", "closed", "rejected"};
constexpr std::array<std::string_view, kStepCount> kStepNames = {"procedural_reply", "routing",
                                                                 "handling", "review", "recheck"};

constexpr uint8_t bit(Step s) {
  return static_cast<uint8_t>(1u << static_cast<unsigned>(s));
}

}  // namespace

std::string_view stageName(Stage s) {
  return kStageNames[static_cast<size_t>(s)];
}
std::string_view stepName(Step s) {
  return kStepNames[static_cast<size_t>(s)];
}

CaseIndex CaseStore::find(std::string_view case_id) const {
  const uint32_t id = case_ids_.find(case_id);
  return id == 0 ? kNoCase : id - 1;
}

std::span<const PersonId> CaseStore::persons(CaseIndex i, PersonId& first_storage) const {
  const Case& c = cases_[i];
  if (c.more_persons != 0) return overflow_persons_[c.more_persons - 1];
  if (c.person_count == 0) return {};
  first_storage = c.first_person;
  return {&first_storage, 1};
}

int64_t CaseStore::openCount(Stage stage, uint32_t agency) const {
  auto it = open_by_stage_agency_.find((uint64_t{static_cast<uint8_t>(stage)} << 32) | agency);
  return it == open_by_stage_agency_.end() ? 0 : it->second;
}

void CaseStore::countOpen(const Case& c, int delta) {
  if (!c.open()) return;
  open_cases_ += static_cast<size_t>(delta);
  open_by_stage_agency_[(uint64_t{static_cast<uint8_t>(c.stage)} << 32) | c.agency] += delta;
}

CaseIndex CaseStore::create(const CaseEvent& ev) {
  const auto index = static_cast<CaseIndex>(cases_.size());
  case_ids_.intern(ev.case_id);
  Case& c = cases_.emplace_back();
  c.case_id = index + 1;
  c.region = strings_.intern(ev.region);
  c.agency = strings_.intern(ev.agency);
  c.category = strings_.intern(ev.category);
  c.matter = strings_.intern(ev.matter);
  c.registered_at = ev.ts;
  c.channel = ev.channel;
  c.level = ev.level;
  c.competent_level = ev.competent_level;
  c.group_size = std::max<uint32_t>(1, ev.effectiveGroupSize());
  c.person_count = static_cast<uint16_t>(std::min<size_t>(ev.persons.size(), UINT16_MAX));
  if (ev.persons.size() == 1) {
    c.first_person = ev.persons[0];
  } else if (ev.persons.size() > 1) {
    overflow_persons_.emplace_back(ev.persons.begin(), ev.persons.end());
    c.more_persons = static_cast<uint32_t>(overflow_persons_.size());
    c.first_person = ev.persons[0];
  }
  c.flags = Case::kExists;
  return index;
}

CaseUpdate CaseStore::apply(const CaseEvent& ev) {
  CaseUpdate u;
  if (ev.type == EventType::kVisit) {
    u.index = ev.case_id.empty() ? kNoCase : find(ev.case_id);
    return u;
  }
  if (ev.type == EventType::kRegistered) {
    u.index = find(ev.case_id);
    if (u.index != kNoCase) {
      u.conflict = true;
      return u;
    }
    u.index = create(ev);
    u.created = true;
    Case& c = cases_[u.index];
    c.last_event_at = ev.ts;
    c.startStep(Step::kProceduralReply, ev.ts);
    c.startStep(Step::kRouting, ev.ts);
    u.started_steps = bit(Step::kProceduralReply) | bit(Step::kRouting);
    u.stage_before = c.stage;
    u.agency_before = c.agency;
    countOpen(c, +1);
    return u;
  }

  u.index = find(ev.case_id);
  if (u.index == kNoCase) return u;  // caller's bug: orphans never reach here
  Case& c = cases_[u.index];
  u.stage_before = c.stage;
  u.agency_before = c.agency;
  countOpen(c, -1);
  c.last_event_at = std::max(c.last_event_at, ev.ts);
  const uint8_t before = c.pending_steps;
  auto satisfy = [&](Step s) {
    if (c.pending(s)) {
      c.finishStep(s);
      u.satisfied_steps |= bit(s);
    }
  };
  auto start = [&](Step s) {
    if (u.satisfied_steps & bit(s)) u.restarted_from = c.start(s);
    c.startStep(s, ev.ts);
    u.started_steps |= bit(s);
  };

  switch (ev.type) {
    case EventType::kAccepted:
      satisfy(Step::kRouting);
      if (!ev.agency.empty()) c.agency = strings_.intern(ev.agency);
      start(Step::kHandling);
      c.extension_days = 0;
      c.stage = Stage::kAccepted;
      break;
    case EventType::kRejected:
      satisfy(Step::kRouting);
      satisfy(Step::kProceduralReply);  // a reasoned rejection answers the petitioner
      c.saved_steps = c.pending_steps;
      u.cleared_steps = c.pending_steps;
      c.pending_steps = 0;
      c.stage = Stage::kRejected;
      c.closed_at = ev.ts;
      break;
    case EventType::kTransferred:
      // "Whoever is in charge is responsible": the receiving agency's routing clock starts now.
      satisfy(Step::kRouting);
      if (c.pending(Step::kHandling)) {
        c.finishStep(Step::kHandling);
        u.cleared_steps |= bit(Step::kHandling);
      }
      c.agency = strings_.intern(ev.to_agency);
      start(Step::kRouting);
      c.extension_days = 0;
      c.stage = Stage::kTransferred;
      break;
    case EventType::kProceduralReply:
      satisfy(Step::kProceduralReply);
      break;
    case EventType::kExtended:
      c.extension_days = static_cast<int16_t>(std::min<int>(c.extension_days + ev.days, INT16_MAX));
      u.deadline_changed = c.pending(Step::kHandling);
      break;
    case EventType::kReplied:
      satisfy(Step::kHandling);
      satisfy(Step::kProceduralReply);
      c.last_outcome = ev.outcome;
      c.stage = Stage::kReplied;
      break;
    case EventType::kReviewRequested:
      start(Step::kReview);
      c.stage = Stage::kReview;
      break;
    case EventType::kReviewDecided:
      satisfy(Step::kReview);
      c.last_outcome = ev.outcome;
      c.stage = Stage::kReplied;
      break;
    case EventType::kRecheckRequested:
      start(Step::kRecheck);
      c.stage = Stage::kRecheck;
      break;
    case EventType::kRecheckDecided:
      satisfy(Step::kRecheck);
      c.last_outcome = ev.outcome;
      c.stage = Stage::kReplied;
      break;
    case EventType::kLeaderAssigned:
      c.leader = strings_.intern(ev.leader);
      break;
    case EventType::kHearingHeld:
      c.flags |= Case::kHearingHeld;
      break;
    case EventType::kAidGranted:
      c.flags |= Case::kAidGranted;
      break;
    case EventType::kSettled:
      c.flags |= Case::kSettled;
      break;
    case EventType::kClosed:
      satisfy(Step::kProceduralReply);
      c.saved_steps = c.pending_steps;
      u.cleared_steps = c.pending_steps;
      c.pending_steps = 0;
      c.stage = Stage::kClosed;
      c.closed_at = ev.ts;
      c.satisfaction = ev.satisfaction;
      if (ev.resolved) {
        c.flags |= Case::kResolved;
      } else {
        c.flags &= static_cast<uint8_t>(~Case::kResolved);
      }
      break;
    case EventType::kReopened:
      if (!c.open()) {
        // A reopened case gets its clocks back: those that were running when it closed, with their
        // original starts; with none running, the handling clock starts again from the reopening.
        if (c.saved_steps != 0) {
          c.pending_steps = c.saved_steps;
          u.started_steps = c.saved_steps;
        } else {
          start(Step::kHandling);
          c.extension_days = 0;
        }
        c.saved_steps = 0;
        c.stage = c.pending(Step::kRouting) ? Stage::kRegistered : Stage::kAccepted;
        c.flags |= Case::kReopened;
        c.flags &= static_cast<uint8_t>(~Case::kResolved);
      }
      break;
    case EventType::kRegistered:
    case EventType::kVisit:
      break;
  }
  (void)before;
  countOpen(c, +1);
  return u;
}

bool CaseStore::forget(CaseIndex i) {
  if (i >= cases_.size()) return false;
  Case& c = cases_[i];
  if (!(c.flags & Case::kExists) || c.open()) return false;
  if (c.more_persons != 0) {
    std::vector<PersonId>().swap(overflow_persons_[c.more_persons - 1]);
  }
  case_ids_.forget(c.case_id);
  const uint32_t id = c.case_id;
  c = Case{};
  c.case_id = id;  // interned id == index + 1 still holds (its name is now "")
  c.stage = Stage::kClosed;
  ++forgotten_;
  return true;
}

size_t CaseStore::approximateBytes() const {
  const Bytes b = approximateBytesByPart();
  return b.records + b.ids + b.strings + b.persons;
}

CaseStore::Bytes CaseStore::approximateBytesByPart() const {
  Bytes b;
  b.records = cases_.capacity() * sizeof(Case);
  b.ids = case_ids_.approximateBytes();
  b.strings = strings_.approximateBytes();
  b.persons = overflow_persons_.capacity() * sizeof(overflow_persons_[0]);
  for (const auto& v : overflow_persons_) b.persons += v.capacity() * sizeof(PersonId);
  return b;
}

}  // namespace casewatch

namespace casewatch {

void CaseStore::save(ArchiveOut& out) const {
  out.pods(cases_);
  case_ids_.save(out);
  strings_.save(out);
  out.count(overflow_persons_.size());
  for (const auto& p : overflow_persons_) out.pods(p);
  out.count(open_by_stage_agency_.size());
  for (const auto& [key, n] : open_by_stage_agency_) {
    out.pod(key);
    out.pod(n);
  }
  out.count(open_cases_);
}

bool CaseStore::load(ArchiveIn& in) {
  in.pods(cases_);
  case_ids_.load(in);
  strings_.load(in);
  size_t n = 0;
  if (!in.count(n, 8)) return false;
  overflow_persons_.resize(n);
  for (auto& p : overflow_persons_) in.pods(p);
  if (!in.count(n, 16)) return false;
  open_by_stage_agency_.clear();
  for (size_t i = 0; i < n; ++i) {
    const auto key = in.get<uint64_t>();
    open_by_stage_agency_[key] = in.get<int64_t>();
  }
  in.count(open_cases_, 0);
  if (in.ok() && case_ids_.size() != cases_.size() + 1) return in.fail();
  forgotten_ = 0;
  for (const Case& c : cases_) forgotten_ += (c.flags & Case::kExists) ? 0 : 1;
  return in.ok();
}

}  // namespace casewatch
