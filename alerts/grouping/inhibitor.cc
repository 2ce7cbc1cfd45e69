#include "alerts/grouping/inhibitor.h"

#include "base/str_cat.h"

namespace casewatch {

std::string Inhibitor::subjectKey(const Alert& a) {
  return strCat(subjectKindName(a.subject_kind), ":", a.subject_id);
}

std::vector<std::string> Inhibitor::idsOn(const std::vector<Member>& members) const {
  std::vector<std::string> ids;
  ids.reserve(members.size());
  for (const Member& m : members) ids.push_back(m.id);
  return ids;
}

std::vector<std::string> Inhibitor::update(const Alert& a, Tier tier) {
  if (!enabled_) return {};
  std::string key = subjectKey(a);
  auto [it, fresh] = subject_of_.try_emplace(a.alert_id, key);
  std::vector<Member>& members = subjects_[key];
  if (fresh) {
    members.push_back(Member{a.alert_id, a.model, tier});
  } else {
    for (Member& m : members) {
      if (m.id == a.alert_id) m.tier = tier;
    }
  }
  return idsOn(members);
}

std::vector<std::string> Inhibitor::remove(const std::string& alert_id) {
  auto it = subject_of_.find(alert_id);
  if (it == subject_of_.end()) return {};
  auto sit = subjects_.find(it->second);
  subject_of_.erase(it);
  if (sit == subjects_.end()) return {};
  std::erase_if(sit->second, [&](const Member& m) { return m.id == alert_id; });
  std::vector<std::string> ids = idsOn(sit->second);
  if (sit->second.empty()) subjects_.erase(sit);
  return ids;
}

const Inhibitor::Member* Inhibitor::inhibitorAmong(const std::vector<Member>& members,
                                                   const Member& self) const {
  const Member* best = nullptr;
  for (const Member& m : members) {
    if (m.model == self.model || m.tier < min_tier_ || m.tier <= self.tier) continue;
    if (best == nullptr || m.tier > best->tier || (m.tier == best->tier && m.id < best->id)) {
      best = &m;
    }
  }
  return best;
}

std::string Inhibitor::inhibitorOf(const std::string& alert_id) const {
  auto it = subject_of_.find(alert_id);
  if (it == subject_of_.end()) return {};
  auto sit = subjects_.find(it->second);
  if (sit == subjects_.end()) return {};
  const Member* self = nullptr;
  for (const Member& m : sit->second) {
    if (m.id == alert_id) self = &m;
  }
  if (self == nullptr) return {};
  const Member* best = inhibitorAmong(sit->second, *self);
  return best ? best->id : std::string();
}

absl::flat_hash_map<std::string_view, std::string_view> Inhibitor::inhibitors() const {
  absl::flat_hash_map<std::string_view, std::string_view> out;
  for (const auto& [key, members] : subjects_) {
    if (members.size() < 2) continue;  // alone on its subject: nothing inhibits it
    for (const Member& self : members) {
      // An id listed twice on a subject: inhibitorOf() answers for the last.
      if (const Member* best = inhibitorAmong(members, self)) {
        out.insert_or_assign(self.id, best->id);
      } else {
        out.erase(self.id);
      }
    }
  }
  return out;
}

}  // namespace casewatch
