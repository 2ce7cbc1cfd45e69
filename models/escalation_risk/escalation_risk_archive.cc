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
    out.pods(m.cases);
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
    in.pods(m.cases);
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
  return in.ok();
}

}  // namespace casewatch
