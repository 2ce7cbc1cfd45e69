#include "tools/fit/escalation_history.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "base/hash.h"
#include "base/str_cat.h"
#include "connectors/decode/event_decoder.h"
#include "connectors/pseudonym/pseudonymizer.h"
#include "models/escalation_risk/escalation_features.h"
#include "models/escalation_risk/escalation_rows.h"
#include "state/case_store.h"

namespace casewatch::fit {

absl::StatusOr<EscalationRows> escalationRowsFromHistory(std::istream& in,
                                                         const EscalationHistoryOptions& options) {
  if (options.horizon_days < 1) {
    return absl::InvalidArgumentError(
        strCat("--horizon-days must be at least 1, got ", options.horizon_days));
  }
  // Person ids only key the case state here; any key will do (the demo key, never used live).
  const Pseudonymizer pseudonymizer(Pseudonymizer::demoKey());
  DecoderLimits limits;
  limits.max_message_bytes = 1 << 20;
  EventDecoder decoder(pseudonymizer, limits);
  CaseStore cases;
  EscalationFeatureBuilder features(options.clocks, options.visit_half_life_days);
  // The daemon's own row taker (models/escalation_risk/escalation_rows.h): the same rows and
  // labels as the daemon's self-fit keeps.
  EscalationRowTaker taker(options.horizon_days, options.row_every_days);
  absl::flat_hash_set<std::string> seen;
  EscalationRows rows;
  TimeMs end = 0;  // the latest event time

  CaseEvent ev;
  DecodeError error;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (!decoder.decode(line, ev, error)) {
      return absl::InvalidArgumentError(strCat("line ", line_no, ": ", error.message()));
    }
    if (!seen.insert(ev.event_id).second) {
      ++rows.duplicates;
      continue;
    }
    ++rows.events;
    end = std::max(end, ev.ts);
    taker.advanceTo(ev.ts, cases, features);
    if (ev.type != EventType::kRegistered && ev.type != EventType::kVisit &&
        cases.find(ev.case_id) == kNoCase) {
      ++rows.orphans;
      continue;
    }
    // As the daemon's pipeline: the clock (the rows due before the event), the case state, then
    // the features, then the rows.
    const CaseUpdate u = cases.apply(ev);
    features.observe(ev, u, cases);
    taker.onEvent(ev, u, cases, features);
  }
  rows.cases = cases.size();
  rows.censored = taker.pending();
  rows.list = taker.takeLabelled();
  // The fit reads the rows whose window closed before the history's end, as the daemon's self-fit
  // does (models/escalation_risk/escalation_self_fit.h): of the others only the escalated ones
  // are labelled yet.
  const TimeMs horizon = TimeMs{options.horizon_days} * kMsPerDay;
  std::vector<size_t> closed;
  closed.reserve(rows.list.size());
  for (size_t i = 0; i < rows.list.size(); ++i) {
    if (rows.list[i].at + horizon <= end) closed.push_back(i);
  }
  rows.censored += rows.list.size() - closed.size();
  const auto n = static_cast<Eigen::Index>(closed.size());
  rows.x.resize(n, static_cast<Eigen::Index>(kEscalationFeatureCount));
  rows.y.resize(n);
  rows.groups.resize(rows.list.size());
  for (Eigen::Index i = 0; i < n; ++i) {
    const EscalationRow& r = rows.list[closed[static_cast<size_t>(i)]];
    for (size_t k = 0; k < kEscalationFeatureCount; ++k) {
      rows.x(i, static_cast<Eigen::Index>(k)) = r.features[k];
    }
    rows.y[i] = r.label;
    rows.groups[static_cast<size_t>(i)] = hashText(r.case_id);
  }
  return rows;
}

}  // namespace casewatch::fit
