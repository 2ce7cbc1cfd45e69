#include "alerts/grouping/grouper.h"

#include <algorithm>

namespace casewatch {
namespace {
bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
}  // namespace

Grouper::Role Grouper::roleOf(const Alert& a) const {
  if (!config_.enabled) return Role::kNone;
  if (contains(config_.parent_models, a.model)) {
    return a.subject_kind == SubjectKind::kMatter ? Role::kParent : Role::kNone;
  }
  if (contains(config_.member_models, a.model)) return Role::kMember;
  return Role::kNone;
}

std::string Grouper::matterOf(const Alert& a) {
  if (a.subject_kind == SubjectKind::kMatter) return a.subject_id;
  for (const AlertReason& r : a.reasons) {
    if (r.code == "matter" && !r.string_value.empty()) return r.string_value;
  }
  return {};
}

std::vector<std::string> Grouper::add(const Alert& a) {
  const Role role = roleOf(a);
  const std::string matter = role == Role::kNone ? std::string() : matterOf(a);
  auto it = alerts_.find(a.alert_id);
  if (it != alerts_.end()) {
    if (it->second.role == role && it->second.matter == matter) return {};
    std::vector<std::string> touched = remove(a.alert_id);
    std::vector<std::string> more = add(a);
    touched.insert(touched.end(), more.begin(), more.end());
    return touched;
  }
  if (role == Role::kNone || matter.empty()) return {};
  alerts_.emplace(a.alert_id, Tracked{role, matter});
  Matter& m = matters_[matter];
  if (role == Role::kMember) {
    m.members.insert(a.alert_id);
    return {};
  }
  m.parents.push_back(a.alert_id);
  if (m.parents.size() > 1) return {};  // the members already have a group
  return std::vector<std::string>(m.members.begin(), m.members.end());
}

std::vector<std::string> Grouper::remove(const std::string& alert_id) {
  auto it = alerts_.find(alert_id);
  if (it == alerts_.end()) return {};
  const Tracked t = it->second;
  alerts_.erase(it);
  auto mit = matters_.find(t.matter);
  if (mit == matters_.end()) return {};
  Matter& m = mit->second;
  std::vector<std::string> touched;
  if (t.role == Role::kMember) {
    m.members.erase(alert_id);
  } else {
    const bool was_group = !m.parents.empty() && m.parents.front() == alert_id;
    std::erase(m.parents, alert_id);
    if (was_group) touched.assign(m.members.begin(), m.members.end());
  }
  if (m.parents.empty() && m.members.empty()) matters_.erase(mit);
  return touched;
}

std::string Grouper::groupOf(const std::string& alert_id) const {
  auto it = alerts_.find(alert_id);
  if (it == alerts_.end()) return {};
  if (it->second.role == Role::kParent) return alert_id;
  auto mit = matters_.find(it->second.matter);
  if (mit == matters_.end() || mit->second.parents.empty()) return {};
  return mit->second.parents.front();
}

}  // namespace casewatch
