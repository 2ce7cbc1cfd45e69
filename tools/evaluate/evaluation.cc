#include "tools/evaluate/evaluation.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "base/str_cat.h"
#include "models/stats/logistic_regression.h"

namespace casewatch::evaluate {

class EvaluationProbe final : public Model {
 public:
  explicit EvaluationProbe(Evaluation& e) : e_(e) {}
  std::string_view name() const override { return "evaluation"; }
  void onEvent(const CaseEvent& ev, const CaseUpdate& u, ModelContext& ctx) override {
    e_.onEvent(ev, u, ctx.cases);
  }
  void advanceTo(TimeMs now, ModelContext& ctx) override { e_.advanceTo(now, ctx.cases); }

 private:
  Evaluation& e_;
};

namespace {

constexpr std::array<Tier, 4> kTiers = {Tier::kBlue, Tier::kYellow, Tier::kOrange, Tier::kRed};
// The models whose alerts are judged by an escalation on their matter.
constexpr std::array<std::string_view, 3> kMatterModels = {"repeat_visit", "group_incident",
                                                           "recurring_matter"};

std::string matterOf(const Alert& a, const CaseStore& cases) {
  if (a.subject_kind == SubjectKind::kMatter) return a.subject_id;
  for (const AlertReason& r : a.reasons) {
    if (r.code == "matter" && !r.string_value.empty()) return r.string_value;
  }
  if (a.subject_kind == SubjectKind::kCase) {
    const CaseIndex i = cases.find(a.subject_id);
    if (i != kNoCase) return std::string(cases.strings().name(cases.at(i).matter));
  }
  return {};
}

double share(size_t part, size_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

Evaluation::Evaluation(const EvaluationOptions& options, const EscalationRiskModel* escalation)
    : options_(options),
      escalation_(escalation),
      checkpoints_(options.horizon_days, options.every_days),
      alert_rows_(options.horizon_days) {
  if (escalation_ != nullptr) {
    checkpoints_.setScorer([m = escalation_](CaseIndex i) { return m->currentProbability(i); });
  }
}

std::unique_ptr<Model> Evaluation::probe() {
  return std::make_unique<EvaluationProbe>(*this);
}

void Evaluation::collect() {
  for (EscalationRow& r : checkpoints_.takeLabelled()) rows_.push_back(std::move(r));
  for (EscalationRow& r : alert_rows_.takeLabelled()) alert_labels_.push_back(std::move(r));
}

void Evaluation::onEvent(const CaseEvent& ev, const CaseUpdate& u, const CaseStore& cases) {
  const bool of_case = u.index != kNoCase && !u.conflict;
  if (of_case &&
      (ev.type == EventType::kReviewRequested || ev.type == EventType::kRecheckRequested)) {
    const std::string_view m = cases.strings().name(cases.at(u.index).matter);
    if (!m.empty()) matter_escalations_[std::string(m)].push_back(ev.ts);
  } else if ((ev.type == EventType::kVisit || (ev.type == EventType::kRegistered && of_case)) &&
             !ev.matter.empty() && ev.level != Level::kUnknown && ev.level > Level::kCounty) {
    matter_escalations_[ev.matter].push_back(ev.ts);
  }
  if (escalation_ == nullptr) return;
  checkpoints_.onEvent(ev, u, cases, escalation_->features());
  alert_rows_.onEvent(ev, u, cases, escalation_->features());
  collect();
}

void Evaluation::advanceTo(TimeMs now, const CaseStore& cases) {
  end_ = std::max(end_, now);
  if (escalation_ == nullptr) return;
  checkpoints_.advanceTo(now, cases, escalation_->features());
  alert_rows_.advanceTo(now, cases, escalation_->features());
  collect();
}

void Evaluation::alertChanged(const AlertChange& change, const CaseStore& cases) {
  const Alert& a = change.alert;
  const bool raised = change.kind == ChangeKind::kFired || change.kind == ChangeKind::kTierChanged;
  if (a.model == "overdue") {
    if (change.kind == ChangeKind::kResolved) {
      if (auto it = overdue_.find(a.alert_id); it != overdue_.end()) {
        overdue_done_.push_back(it->second);
        overdue_.erase(it);
      }
      return;
    }
    if (!raised || a.tier == Tier::kNone) return;
    auto [it, fresh] = overdue_.try_emplace(a.alert_id);
    if (fresh) it->second.first = a.tier;
    it->second.worst = std::max(it->second.worst, a.tier);
    return;
  }
  if (!raised || a.tier == Tier::kNone) return;
  if (a.model == "escalation_risk") {
    if (escalation_ == nullptr) return;
    const CaseIndex i = cases.find(a.subject_id);
    if (i == kNoCase) return;
    alert_rows_.takeNow(cases, i, change.at, std::string(tierName(a.tier)),
                        escalation_->features());
    return;
  }
  if (a.model == "repeat_visit" || a.model == "group_incident" || a.model == "recurring_matter") {
    matter_alerts_.push_back(AlertSeen{a.model, a.tier, change.at, matterOf(a, cases)});
  }
}

void Evaluation::finish(TimeMs end) {
  end_ = std::max(end_, end);
  collect();
  censored_rows_ = checkpoints_.pending();
  censored_alerts_ = alert_rows_.pending();
  for (auto& [m, times] : matter_escalations_) std::sort(times.begin(), times.end());
}

std::string Evaluation::json() const {
  nlohmann::json j = nlohmann::json::object();
  const TimeMs horizon = TimeMs{options_.horizon_days} * kMsPerDay;
  j["horizon_days"] = options_.horizon_days;
  j["every_days"] = options_.every_days;
  if (escalation_ != nullptr) {
    nlohmann::json e;
    const std::string state = escalation_->stateJson();
    const nlohmann::json s = nlohmann::json::parse(state, nullptr, false);
    e["mode"] = s.is_object() ? s.value("mode", "") : "";
    e["scoring"] = escalation_->enabled();
    std::vector<double> scores, labels;
    scores.reserve(rows_.size());
    labels.reserve(rows_.size());
    for (const EscalationRow& r : rows_) {
      scores.push_back(r.score);
      labels.push_back(r.label);
    }
    size_t positives = 0;
    for (double y : labels) positives += y > 0 ? 1 : 0;
    e["checkpoints"] = rows_.size();
    e["escalated"] = positives;
    e["censored"] = censored_rows_;
    const auto auc = rocAuc(scores, labels);
    e["auc"] = auc ? nlohmann::json(*auc) : nlohmann::json(nullptr);
    nlohmann::json cal = nlohmann::json::array();
    double ece = 0;
    for (const CalibrationBin& b : calibrationTable(scores, labels)) {
      cal.push_back({{"count", b.count},
                     {"min_predicted", b.min_predicted},
                     {"max_predicted", b.max_predicted},
                     {"mean_predicted", b.mean_predicted},
                     {"observed_rate", b.observed_rate}});
      ece += static_cast<double>(b.count) * std::abs(b.mean_predicted - b.observed_rate);
    }
    e["calibration"] = std::move(cal);
    e["calibration_error"] = rows_.empty() ? 0.0 : ece / static_cast<double>(rows_.size());
    nlohmann::json tiers = nlohmann::json::object();
    for (Tier t : kTiers) {
      size_t n = 0, hit = 0;
      for (const EscalationRow& r : alert_labels_) {
        if (r.row_id != tierName(t)) continue;
        ++n;
        hit += r.label > 0 ? 1 : 0;
      }
      tiers[std::string(tierName(t))] = {
          {"alerts", n},
          {"escalated", hit},
          {"precision", n ? nlohmann::json(share(hit, n)) : nlohmann::json(nullptr)}};
    }
    e["tiers"] = std::move(tiers);
    e["alerts_censored"] = censored_alerts_;
    j["escalation_risk"] = std::move(e);
  }
  for (std::string_view model : kMatterModels) {
    nlohmann::json m = nlohmann::json::object();
    nlohmann::json tiers = nlohmann::json::object();
    size_t censored = 0;
    for (Tier t : kTiers) {
      size_t n = 0, followed = 0;
      for (const AlertSeen& a : matter_alerts_) {
        if (a.model != model || a.tier != t) continue;
        if (a.at + horizon > end_) {
          ++censored;
          continue;
        }
        ++n;
        auto it = matter_escalations_.find(a.matter);
        if (it == matter_escalations_.end()) continue;
        auto e = std::upper_bound(it->second.begin(), it->second.end(), a.at);
        if (e != it->second.end() && *e <= a.at + horizon) ++followed;
      }
      tiers[std::string(tierName(t))] = {
          {"alerts", n},
          {"followed_by_escalation", followed},
          {"share", n ? nlohmann::json(share(followed, n)) : nlohmann::json(nullptr)}};
    }
    m["tiers"] = std::move(tiers);
    m["censored"] = censored;
    j[std::string(model)] = std::move(m);
  }
  {
    size_t alerts = 0, warned = 0, warned_missed = 0, warned_open = 0, missed = 0;
    auto count = [&](const OverdueSeen& o, bool open) {
      ++alerts;
      if (o.worst >= Tier::kOrange) ++missed;
      if (o.first != Tier::kYellow) return;
      if (o.worst >= Tier::kOrange) {
        ++warned;
        ++warned_missed;
      } else if (open) {
        ++warned_open;  // still only a warning at the end: not known yet
      } else {
        ++warned;
      }
    };
    for (const OverdueSeen& o : overdue_done_) count(o, false);
    for (const auto& [id, o] : overdue_) count(o, true);
    j["overdue"] = {{"alerts", alerts},
                    {"missed", missed},
                    {"warned", warned},
                    {"warned_then_missed", warned_missed},
                    {"warned_share_missed", warned ? nlohmann::json(share(warned_missed, warned))
                                                   : nlohmann::json(nullptr)},
                    {"warned_censored", warned_open}};
  }
  return j.dump(2);
}

std::string Evaluation::text() const {
  const nlohmann::json j = nlohmann::json::parse(json());
  auto num = [](const nlohmann::json& v, int digits = 3) -> std::string {
    if (v.is_null()) return "n/a";
    if (v.is_number_integer() || v.is_number_unsigned()) return std::to_string(v.get<int64_t>());
    char b[32];
    std::snprintf(b, sizeof b, "%.*f", digits, v.get<double>());
    return b;
  };
  std::string out;
  const std::string h = num(j["horizon_days"]);
  if (j.contains("escalation_risk")) {
    const auto& e = j["escalation_risk"];
    strAppend(out, "escalation_risk (", e["mode"].get<std::string>(),
              e["scoring"].get<bool>() ? "" : ", not scoring", ")\n");
    strAppend(out, "  dynamic prediction: every ", num(j["every_days"]),
              " days of each open case, ", num(e["checkpoints"]), " checkpoints, ",
              num(e["escalated"]), " escalated within ", h, " days (", num(e["censored"]),
              " censored)\n");
    strAppend(out, "  AUC ", num(e["auc"]), "; calibration error ", num(e["calibration_error"]),
              "\n  calibration (deciles of the score): count  mean predicted  observed\n");
    for (const auto& b : e["calibration"]) {
      char line[96];
      std::snprintf(line, sizeof line, "    %8lld  %6.3f  %6.3f\n",
                    static_cast<long long>(b["count"].get<int64_t>()),
                    b["mean_predicted"].get<double>(), b["observed_rate"].get<double>());
      out += line;
    }
    out += "  precision per tier (alerts followed by the case's escalation):\n";
    for (Tier t : kTiers) {
      const auto& r = e["tiers"][std::string(tierName(t))];
      strAppend(out, "    ", tierName(t), ": ", num(r["escalated"]), " of ", num(r["alerts"]), " (",
                num(r["precision"]), ")\n");
    }
  }
  for (std::string_view model : kMatterModels) {
    const auto& m = j[std::string(model)];
    strAppend(out, model, ": alerts per tier, followed by an escalation on the matter within ", h,
              " days (", num(m["censored"]), " censored)\n");
    for (Tier t : kTiers) {
      const auto& r = m["tiers"][std::string(tierName(t))];
      strAppend(out, "    ", tierName(t), ": ", num(r["alerts"]), ", followed ",
                num(r["followed_by_escalation"]), " (", num(r["share"]), ")\n");
    }
  }
  const auto& o = j["overdue"];
  strAppend(out, "overdue: ", num(o["alerts"]), " alerts, ", num(o["missed"]),
            " of them a missed deadline (orange or red); warnings (yellow first) whose case then "
            "missed the deadline: ",
            num(o["warned_then_missed"]), " of ", num(o["warned"]), " (",
            num(o["warned_share_missed"]), "; ", num(o["warned_censored"]),
            " undecided at the end)\n");
  return out;
}

std::string Evaluation::rowsCsv() const {
  std::string out;
  for (std::string_view n : escalationFeatureNames()) strAppend(out, n, ",");
  out += "score,y\n";
  for (const EscalationRow& r : rows_) {
    for (double v : r.features) strAppend(out, v, ",");
    strAppend(out, r.score, ",", r.label, "\n");
  }
  return out;
}

}  // namespace casewatch::evaluate
