// EscalationRiskModel::saveState / loadState and the feature builder's
// (models/escalation_risk/escalation_risk_model.h, escalation_features.h).
#include "models/escalation_risk/escalation_features.h"
#include "models/escalation_risk/escalation_risk_model.h"

namespace casewatch {

void EscalationFeatureBuilder::save(ArchiveOut& out) const {
  out.count(matters_.size());
  for (const auto& [key, m] : matters_) {
    out.pod(key);
    out.pod(m.excitation);
    out.pod(m.t_last);
    out.pods(m.cases.data(), m.cases.size());
    out.count(m.recent.size());
    for (const Contact& c : m.recent) {
      out.pod(c.at);
      out.pod(c.level);
    }
  }
  out.count(history_.size());
  for (const auto& [i, h] : history_) {
    out.pod(i);
    for (float v : h.late) out.pod(v);
    out.pod(h.missed);
    out.pod(h.decided_at);
  }
}

bool EscalationFeatureBuilder::load(ArchiveIn& in) {
  matters_.clear();
  size_t n = 0;
  if (!in.count(n, 32)) return false;
  for (size_t i = 0; i < n; ++i) {
    MatterState& m = matters_[in.get<uint64_t>()];
    in.pod(m.excitation);
    in.pod(m.t_last);
    size_t cases = 0;
    if (!in.count(cases, sizeof(CaseIndex))) return false;
    m.cases.resize(cases);
    for (CaseIndex& i : m.cases) in.pod(i);
    size_t r = 0;
    if (!in.count(r, sizeof(TimeMs) + sizeof(Level))) return false;
    m.recent.resize(r);
    for (Contact& c : m.recent) {
      in.pod(c.at);
      in.pod(c.level);
    }
  }
  history_.clear();
  if (!in.count(n, sizeof(CaseIndex) + 4 * sizeof(float) + sizeof(uint16_t) + sizeof(TimeMs))) {
    return false;
  }
  for (size_t k = 0; k < n; ++k) {
    History& h = history_[in.get<CaseIndex>()];
    for (float& v : h.late) in.pod(v);
    in.pod(h.missed);
    in.pod(h.decided_at);
  }
  return in.ok();
}

bool EscalationRiskModel::saveState(ArchiveOut& out) const {
  out.pod(now_);
  features_.save(out);
  out.count(alerted_.size());
  for (const auto& [i, a] : alerted_) {
    out.pod(i);
    out.pod(a);
  }
  // With no model scoring the queue stands still and misses the cases opened meanwhile: saved
  // empty, it is completed from the cases when a model comes (loadState).
  const std::vector<std::pair<TimeMs, CaseIndex>> rescore =
      model_ ? rescore_.inOrder() : std::vector<std::pair<TimeMs, CaseIndex>>{};
  out.count(rescore.size());
  for (const auto& [at, i] : rescore) {
    out.pod(at);
    out.pod(i);
  }
  return true;
}

bool EscalationRiskModel::loadState(ArchiveIn& in) {
  in.pod(now_);
  features_.load(in);
  size_t n = 0;
  if (!in.count(n, sizeof(CaseIndex) + sizeof(Alerted))) return false;
  alerted_.clear();
  for (size_t k = 0; k < n; ++k) {
    const auto i = in.get<CaseIndex>();
    alerted_[i] = in.get<Alerted>();
  }
  if (!in.count(n, sizeof(TimeMs) + sizeof(CaseIndex))) return false;
  rescore_.clear();
  for (size_t k = 0; k < n; ++k) {
    const auto at = in.get<TimeMs>();
    const auto i = in.get<CaseIndex>();
    if (!in.ok() || rescore_.queued(i)) return false;  // a case is queued once
    rescore_.push(at, i);
  }
  // Saved with no model scoring, the queue is empty (saveState), or held every open case (saved
  // before the queue stood still without one): an empty one is completed from the cases when a
  // model comes.
  rescore_complete_ = n > 0;
  return in.ok();
}

}  // namespace casewatch
