#include "tools/fit/escalation_history.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "base/str_cat.h"
#include "connectors/decode/event_decoder.h"
#include "connectors/pseudonym/pseudonymizer.h"
#include "models/escalation_risk/escalation_features.h"
#include "state/case_store.h"

namespace casewatch::fit {
namespace {

struct Snapshot {
  CaseIndex index;
  TimeMs at;
  EscalationFeatures features;
};

struct Contact {
  TimeMs at;
  Level level;
};

Level levelOr(Level l) {
  return l == Level::kUnknown ? Level::kCounty : l;
}

}  // namespace

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
  absl::flat_hash_set<std::string> seen;
  std::vector<Snapshot> snapshots;
  absl::flat_hash_map<CaseIndex, std::vector<TimeMs>> escalations;  // review / recheck requests
  absl::flat_hash_map<uint64_t, std::vector<Contact>> contacts;     // by matter
  EscalationRows rows;
  TimeMs last_ts = 0;

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
    last_ts = std::max(last_ts, ev.ts);
    if (ev.type == EventType::kVisit) {
      CaseUpdate u;
      features.observe(ev, u, cases);
      contacts[escalationMatterKey(ev.matter)].push_back(Contact{ev.ts, levelOr(ev.level)});
      continue;
    }
    if (ev.type != EventType::kRegistered && cases.find(ev.case_id) == kNoCase) {
      ++rows.orphans;
      continue;
    }
    const CaseUpdate u = cases.apply(ev);
    if (u.index == kNoCase || u.conflict) continue;
    features.observe(ev, u, cases);
    if (ev.type == EventType::kRegistered) {
      contacts[escalationMatterKey(ev.matter)].push_back(Contact{ev.ts, levelOr(ev.level)});
    }
    if (ev.type == EventType::kReviewRequested || ev.type == EventType::kRecheckRequested) {
      escalations[u.index].push_back(ev.ts);
    }
    if (!cases.at(u.index).open()) continue;
    Snapshot s{u.index, ev.ts, {}};
    features.compute(cases, u.index, ev.ts, s.features);
    snapshots.push_back(s);
  }
  rows.cases = cases.size();
  for (auto& [key, v] : contacts) {
    std::sort(v.begin(), v.end(), [](const Contact& a, const Contact& b) { return a.at < b.at; });
  }
  for (auto& [key, v] : escalations) std::sort(v.begin(), v.end());

  const TimeMs horizon = TimeMs{options.horizon_days} * kMsPerDay;
  std::vector<size_t> kept;
  std::vector<double> labels;
  for (size_t r = 0; r < snapshots.size(); ++r) {
    const Snapshot& s = snapshots[r];
    const TimeMs from = s.at, to = s.at + horizon;  // (from, to]
    bool y = false;
    if (auto it = escalations.find(s.index); it != escalations.end()) {
      auto e = std::upper_bound(it->second.begin(), it->second.end(), from);
      y = e != it->second.end() && *e <= to;
    }
    if (!y) {
      const Case& c = cases.at(s.index);
      const Level level = levelOr(c.level);
      auto it = contacts.find(escalationMatterKey(cases.strings().name(c.matter)));
      if (it != contacts.end()) {
        auto e = std::upper_bound(it->second.begin(), it->second.end(), from,
                                  [](TimeMs t, const Contact& k) { return t < k.at; });
        for (; e != it->second.end() && e->at <= to; ++e) {
          if (e->level > level) {
            y = true;
            break;
          }
        }
      }
    }
    if (!y && to > last_ts) {
      ++rows.censored;
      continue;
    }
    kept.push_back(r);
    labels.push_back(y ? 1 : 0);
  }
  const auto n = static_cast<Eigen::Index>(kept.size());
  rows.x.resize(n, static_cast<Eigen::Index>(kEscalationFeatureCount));
  rows.y.resize(n);
  rows.groups.resize(kept.size());
  for (Eigen::Index i = 0; i < n; ++i) {
    const Snapshot& s = snapshots[kept[static_cast<size_t>(i)]];
    for (size_t k = 0; k < kEscalationFeatureCount; ++k) {
      rows.x(i, static_cast<Eigen::Index>(k)) = s.features[k];
    }
    rows.y[i] = labels[static_cast<size_t>(i)];
    rows.groups[static_cast<size_t>(i)] = s.index;
  }
  return rows;
}

}  // namespace casewatch::fit
