#include "alerts/alert_book.h"

#include "absl/hash/hash.h"
#include "alerts/alert_archive.h"

namespace casewatch {
namespace {

// What the book takes from a signal besides its tier, hashed (never 0: "not known"). A collision
// (about 2^-64 a signal) would keep the previous texts until the evidence next changes.
uint64_t evidenceHash(const Signal& s) {
  return absl::HashOf(s.score, s.summary, s.reasons, s.actions, s.agency) | 1;
}

}  // namespace

uint64_t AlertBook::keyOf(std::string_view alert_id) {
  uint64_t key = 0;
  return alertKeyOfId(alert_id, key) ? key : absl::HashOf(alert_id);
}

const Alert* AlertBook::find(const std::string& alert_id) const {
  auto it = active_.find(keyOf(alert_id));
  return it == active_.end() ? nullptr : &it->second;
}

std::optional<AlertChange> AlertBook::apply(Signal&& s) {
  // Worded here, once per signal whose evidence changed: the models said what, in no language.
  const uint64_t key = alertKey(s.model, s.subject_kind, s.subject_id);
  auto it = active_.find(key);
  if (s.tier == Tier::kNone) {
    if (it == active_.end()) return std::nullopt;  // nothing to resolve
    AlertChange c;
    c.kind = ChangeKind::kResolved;
    c.at = s.at;
    c.alert = std::move(it->second);
    active_.erase(it);
    Alert& a = c.alert;
    a.status = AlertStatus::kResolved;
    a.updated_at = s.at;
    a.score = s.score;
    LocalText summary = words_.say(s.summary);
    a.reasons = words_.reasons(std::move(s.reasons));
    a.actions.clear();
    a.summary = std::move(summary);
    a.evidence_rev = ++evidence_rev_;
    return c;
  }
  const uint64_t evidence = evidenceHash(s);
  if (it == active_.end()) {
    Alert a;
    a.alert_id = alertIdOfKey(key);
    a.status = AlertStatus::kFiring;
    a.model = std::string(s.model);
    a.tier = s.tier;
    a.subject_kind = s.subject_kind;
    a.subject_id = std::move(s.subject_id);
    a.score = s.score;
    a.region = std::move(s.region);
    a.agency = std::move(s.agency);
    a.category = std::move(s.category);
    a.starts_at = s.at;
    a.updated_at = s.at;
    LocalText summary = words_.say(s.summary);
    a.reasons = words_.reasons(std::move(s.reasons));
    a.actions = std::move(s.actions);
    a.summary = std::move(summary);
    a.evidence_rev = ++evidence_rev_;
    a.evidence_hash = evidence;
    AlertChange c;
    c.kind = ChangeKind::kFired;
    c.at = s.at;
    c.alert = a;
    active_.emplace(key, std::move(a));
    return c;
  }
  Alert& a = it->second;
  const bool tier_changed = a.tier != s.tier;
  a.tier = s.tier;
  a.updated_at = s.at;
  // Worded only when the evidence changed: most signals repeat it (a case's every event is
  // scored again), and wording two locales was a fifth of the journal's replay at 1M cases.
  if (evidence != a.evidence_hash) {
    a.score = s.score;
    LocalText summary = words_.say(s.summary);
    a.reasons = words_.reasons(std::move(s.reasons));
    a.actions = std::move(s.actions);
    if (!s.agency.empty()) a.agency = std::move(s.agency);
    a.summary = std::move(summary);
    a.evidence_rev = ++evidence_rev_;
    a.evidence_hash = evidence;
  }
  if (!tier_changed) return std::nullopt;
  AlertChange c;
  c.kind = ChangeKind::kTierChanged;
  c.at = s.at;
  c.alert = a;
  return c;
}

}  // namespace casewatch

namespace casewatch {

void AlertBook::save(ArchiveOut& out) const {
  out.pod(evidence_rev_);
  out.count(active_.size());
  for (const auto& [key, a] : active_) saveAlert(out, a);
}

bool AlertBook::load(ArchiveIn& in) {
  active_.clear();
  in.pod(evidence_rev_);
  size_t n = 0;
  if (!in.count(n, 64)) return false;
  active_.reserve(n);  // 200k alerts at a million cases, each moved at every growth otherwise
  for (size_t i = 0; i < n; ++i) {
    Alert a;
    if (!loadAlert(in, a)) return false;
    const uint64_t key = keyOf(a.alert_id);
    active_.emplace(key, std::move(a));
  }
  return in.ok();
}

}  // namespace casewatch
