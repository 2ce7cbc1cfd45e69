#include "models/escalation_risk/escalation_risk_model.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/str_cat.h"
#include "models/stats/logistic_regression.h"

namespace casewatch {
namespace {

constexpr double kUpdateStep = 0.05;

}  // namespace

absl::StatusOr<EscalationModelFile> parseEscalationModelFile(std::string_view text) {
  const nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError("not a JSON object");
  }
  EscalationModelFile m;
  auto h = j.find("horizon_days");
  if (h == j.end() || !h->is_number_integer() || h->get<int64_t>() < 1 ||
      h->get<int64_t>() > 3650) {
    return absl::InvalidArgumentError("horizon_days: expected an integer 1..3650");
  }
  m.horizon_days = static_cast<int>(h->get<int64_t>());
  auto c = j.find("coefficients");
  if (c == j.end() || !c->is_object()) {
    return absl::InvalidArgumentError("coefficients: expected an object {\"intercept\": ..., ...}");
  }
  bool intercept = false;
  for (auto it = c->begin(); it != c->end(); ++it) {
    if (!it->is_number() || !std::isfinite(it->get<double>())) {
      return absl::InvalidArgumentError(strCat("coefficients.", it.key(), ": expected a number"));
    }
    const double v = it->get<double>();
    if (it.key() == "intercept") {
      m.intercept = v;
      intercept = true;
      continue;
    }
    const int k = escalationFeatureIndex(it.key());
    if (k < 0) {
      return absl::InvalidArgumentError(strCat("coefficients.", it.key(),
                                               ": not a feature of the escalation_risk model (see "
                                               "models/escalation_risk/escalation_features.h)"));
    }
    m.coefficients[static_cast<size_t>(k)] = v;
  }
  if (!intercept) return absl::InvalidArgumentError("coefficients.intercept: missing");
  return m;
}

absl::StatusOr<EscalationModelFile> loadEscalationModelFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(strCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  auto m = parseEscalationModelFile(text.str());
  if (!m.ok()) return absl::InvalidArgumentError(strCat(path, ": ", m.status().message()));
  return m;
}

EscalationRiskModel::EscalationRiskModel(const EscalationRiskConfig& config,
                                         const ClocksConfig& clocks,
                                         std::optional<EscalationModelFile> model)
    : config_(config),
      model_(std::move(model)),
      features_(clocks, config.visit_half_life_days),
      rescore_every_(std::max<TimeMs>(
          1, static_cast<TimeMs>(config.rescore_every_days * static_cast<double>(kMsPerDay)))) {}

void EscalationRiskModel::queueRescore(const Case& c, CaseIndex i, TimeMs after) {
  if (rescore_.queued(i)) return;
  const TimeMs k = after < c.registered_at ? 0 : (after - c.registered_at) / rescore_every_ + 1;
  const TimeMs at = c.registered_at + k * rescore_every_;
  rescore_.push(at, i);
}

void EscalationRiskModel::completeRescoreQueue(const CaseStore& cases) {
  if (rescore_complete_) return;
  rescore_complete_ = true;
  for (CaseIndex i = 0; i < cases.size(); ++i) {
    const Case& c = cases.at(i);
    if (c.open()) queueRescore(c, i, now_);  // a queued case stays where it is
  }
}

bool EscalationRiskModel::mayLearn() const {
  return config_.model_file.empty() && config_.learn.enabled;
}

void EscalationRiskModel::startLearning() {
  if (mayLearn() && !rows_) rows_.emplace(config_.learn.horizon_days, config_.learn.row_every_days);
}

void EscalationRiskModel::inherit(const Model& previous) {
  const auto& p = static_cast<const EscalationRiskModel&>(previous);
  features_.takeHistory(p.features_);  // the case state cannot give the handling history back
  if (!mayLearn() || !p.learning()) return;
  startLearning();
  if (p.config_.learn.horizon_days != config_.learn.horizon_days ||
      p.config_.learn.row_every_days != config_.learn.row_every_days) {
    return;
  }
  // The rows waiting for their label, the fit in use and the schedule carry over a reload.
  rows_ = p.rows_;
  last_fit_ = p.last_fit_;
  next_refit_ = p.next_refit_;
  if (p.fitted_) useFit(*p.fitted_);
}

std::vector<EscalationRow> EscalationRiskModel::takeLabelledRows() {
  if (!rows_) return {};
  return rows_->takeLabelled();
}

void EscalationRiskModel::useFit(const EscalationFitRecord& fit) {
  if (!learning()) return;
  last_fit_ = fit;
  if (!fit.accepted) return;
  fitted_ = fit;
  model_ = fit.model;
}

std::string EscalationRiskModel::silentReason() const {
  if (model_) return {};
  if (!mayLearn()) return "off: models.escalation_risk.learn.enabled is false and no model_file";
  if (!learning())
    return "not learning: only the daemon learns (a replay does not); pin a model_file";
  if (!last_fit_) {
    return strCat("learning: no fit yet (the first after ", config_.learn.refit_every_days,
                  " day(s) of events, with at least ", config_.learn.min_labelled_cases,
                  " labelled cases)");
  }
  return strCat("learning: the latest fit was refused: ", last_fit_->reason);
}

void EscalationRiskModel::scheduleRefit() {
  if (!rows_) return;
  const TimeMs every = TimeMs{config_.learn.refit_every_days} * kMsPerDay;
  if (next_refit_ == 0) {
    next_refit_ = now_ + every;
    return;
  }
  if (now_ < next_refit_) return;
  refit_due_ = true;
  while (next_refit_ <= now_) next_refit_ += every;
}

std::string EscalationRiskModel::stateJson() const {
  nlohmann::json j;
  j["mode"] = !config_.model_file.empty() ? "pinned" : (learning() ? "learning" : "off");
  if (!config_.model_file.empty()) j["model_file"] = config_.model_file;
  j["alerting"] = model_.has_value();
  const std::string why = silentReason();
  j["silent_reason"] = why.empty() ? nlohmann::json(nullptr) : nlohmann::json(why);
  if (model_) {
    nlohmann::json c = nlohmann::json::object();
    c["intercept"] = model_->intercept;
    const auto& names = escalationFeatureNames();
    for (size_t k = 0; k < kEscalationFeatureCount; ++k) {
      c[std::string(names[k])] = model_->coefficients[k];
    }
    j["coefficients"] = std::move(c);
    j["horizon_days"] = model_->horizon_days;
  }
  if (learning()) {
    const EscalationLearnConfig& l = config_.learn;
    j["learn"] = {
        {"refit_every_days", l.refit_every_days},
        {"horizon_days", l.horizon_days},
        {"min_labelled_cases", l.min_labelled_cases},
        {"holdout_share", l.holdout_share},
        {"gates", {{"min_auc", l.min_auc}, {"max_calibration_error", l.max_calibration_error}}},
        {"rows_waiting_for_label", rows_->pending()},
        {"next_refit_at",
         next_refit_ == 0 ? nlohmann::json(nullptr) : nlohmann::json(formatRfc3339(next_refit_))}};
    auto fitJson = [](const EscalationFitRecord& f) {
      nlohmann::json r = nlohmann::json::parse(escalationFitJson(f));
      r["at"] = formatRfc3339(f.at);
      return r;
    };
    j["fitted"] = fitted_ ? fitJson(*fitted_) : nlohmann::json(nullptr);
    j["latest_fit"] = last_fit_ ? fitJson(*last_fit_) : nlohmann::json(nullptr);
  }
  return j.dump();
}

absl::StatusOr<std::unique_ptr<Model>> EscalationRiskModel::create(const EscalationRiskConfig& c,
                                                                   const ClocksConfig& clocks) {
  std::optional<EscalationModelFile> model;
  if (!c.model_file.empty()) {
    auto loaded = loadEscalationModelFile(c.model_file);
    if (!loaded.ok()) {
      return absl::InvalidArgumentError(
          strCat("models.escalation_risk.model_file: ", loaded.status().message()));
    }
    model = *loaded;
  }
  return std::unique_ptr<Model>(new EscalationRiskModel(c, clocks, std::move(model)));
}

Tier EscalationRiskModel::tierOf(double p) const {
  if (p >= config_.red_probability) return Tier::kRed;
  if (p >= config_.orange_probability) return Tier::kOrange;
  if (p >= config_.yellow_probability) return Tier::kYellow;
  if (p >= config_.blue_probability) return Tier::kBlue;
  return Tier::kNone;
}

double EscalationRiskModel::probabilityForTest(const CaseStore& cases, CaseIndex i) const {
  if (!model_) return 0;
  EscalationFeatures f;
  features_.compute(cases, i, now_, f);
  double eta = model_->intercept;
  for (size_t k = 0; k < f.size(); ++k) eta += model_->coefficients[k] * f[k];
  return logistic(eta);
}

void EscalationRiskModel::onEvent(const CaseEvent& ev, const CaseUpdate& u, ModelContext& ctx) {
  if (!model_ && !rows_) return;
  now_ = std::max(now_, ev.ts);
  features_.observe(ev, u, ctx.cases);
  if (u.index != kNoCase && !u.conflict && ev.type != EventType::kVisit &&
      ctx.cases.at(u.index).open()) {
    if (model_) {
      completeRescoreQueue(ctx.cases);
      queueRescore(ctx.cases.at(u.index), u.index, now_);  // registered or reopened
    } else {
      rescore_complete_ = false;  // queued when a model comes
    }
  }
  if (rows_) {
    rows_->onEvent(ev, u, ctx.cases, features_);
    scheduleRefit();
  }
  if (!model_) return;  // learning, no fit has passed yet: no alert
  if (ev.type == EventType::kVisit || (ev.type == EventType::kRegistered && !u.conflict)) {
    if (ev.matter.empty()) return;
    // A contact changes visit_intensity of every open case on the matter (the new one included).
    const std::span<const CaseIndex> on_matter = features_.casesOfMatter(ev.matter);
    size_t n = 0;
    for (auto it = on_matter.rbegin(); it != on_matter.rend() && n < kMaxRescoredPerContact;
         ++it, ++n) {
      score(*it, now_, ctx);
    }
    return;
  }
  if (u.index == kNoCase || u.conflict) return;
  score(u.index, now_, ctx);
}

void EscalationRiskModel::advanceTo(TimeMs now, ModelContext& ctx) {
  if (!model_ && !rows_) return;
  if (model_) completeRescoreQueue(ctx.cases);
  // Strictly before `now`: the events at `now` are not applied yet, every earlier one is. With no
  // model the queue stands still.
  while (model_ && rescore_.hasDueBefore(now)) {
    const auto [at, i] = rescore_.pop();
    const Case& c = ctx.cases.at(i);
    if (!c.open()) continue;
    now_ = std::max(now_, at);
    if (model_) score(i, now_, ctx);
    queueRescore(c, i, at);
  }
  now_ = std::max(now_, now);
  if (rows_) rows_->advanceTo(now_, ctx.cases, features_);
  scheduleRefit();
}

void EscalationRiskModel::score(CaseIndex i, TimeMs now, ModelContext& ctx) {
  const Case& c = ctx.cases.at(i);
  auto it = alerted_.find(i);
  EscalationFeatures f;
  if (!c.open()) {
    if (keep_scores_) scores_.erase(i);
    if (it != alerted_.end()) {
      features_.compute(ctx.cases, i, now, f);
      emit(i, Tier::kNone, 0, f, ctx);
      alerted_.erase(it);
    }
    return;
  }
  features_.compute(ctx.cases, i, now, f);
  double eta = model_->intercept;
  for (size_t k = 0; k < f.size(); ++k) eta += model_->coefficients[k] * f[k];
  const double p = logistic(eta);
  if (keep_scores_) scores_[i] = p;
  const Tier tier = tierOf(p);
  if (it == alerted_.end()) {
    if (tier == Tier::kNone) return;
    alerted_.emplace(i, Alerted{tier, p});
    emit(i, tier, p, f, ctx);
    return;
  }
  if (tier == Tier::kNone) {
    alerted_.erase(it);
    emit(i, Tier::kNone, p, f, ctx);
    return;
  }
  if (tier != it->second.tier || std::abs(p - it->second.probability) >= kUpdateStep) {
    it->second = Alerted{tier, p};
    emit(i, tier, p, f, ctx);
  }
}

void EscalationRiskModel::emit(CaseIndex i, Tier tier, double p, const EscalationFeatures& f,
                               ModelContext& ctx) {
  const Case& c = ctx.cases.at(i);
  const StringInterner& strings = ctx.cases.strings();
  const std::string_view case_id = ctx.cases.caseId(i);
  const int h = model_->horizon_days;
  Signal s;
  s.model = kName;
  s.subject_kind = SubjectKind::kCase;
  s.subject_id = std::string(case_id);
  s.tier = tier;
  s.score = tier == Tier::kNone ? 0 : p;
  s.at = now_;
  s.region = std::string(strings.name(c.region));
  s.agency = std::string(strings.name(c.agency));
  s.category = std::string(strings.name(c.category));
  s.addReason("p_escalation", p,
              Phrase("escalation_risk.reason.p_escalation", {{"p", p},
                                                             {"days", h},
                                                             {"yellow", config_.yellow_probability},
                                                             {"orange", config_.orange_probability},
                                                             {"red", config_.red_probability}}));
  if (tier == Tier::kNone) {
    s.summary = c.open() ? Phrase("escalation_risk.summary.subsided", {{"case", case_id}, {"p", p}})
                         : Phrase("escalation_risk.summary.closed", {{"case", case_id}});
    ctx.signals.emit(std::move(s));
    return;
  }
  // The largest positive contributions to the log-odds.
  std::array<std::pair<double, size_t>, kEscalationFeatureCount> contributions;
  size_t n = 0;
  for (size_t k = 0; k < f.size(); ++k) {
    const double contribution = model_->coefficients[k] * f[k];
    if (contribution > 0) contributions[n++] = {contribution, k};
  }
  std::sort(contributions.begin(), contributions.begin() + static_cast<std::ptrdiff_t>(n),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  n = std::min(n, static_cast<size_t>(config_.top_features));
  const auto& names = escalationFeatureNames();
  PhraseList factors{"list_separator", {}};
  for (size_t r = 0; r < n; ++r) {
    const auto [contribution, k] = contributions[r];
    const Phrase feature(strCat("escalation_risk.feature.", names[k]));
    s.addReason(std::string(names[k]), f[k],
                Phrase("escalation_risk.reason.feature", {{"feature", feature},
                                                          {"value", f[k]},
                                                          {"coefficient", model_->coefficients[k]},
                                                          {"contribution", contribution}}));
    factors.items.push_back(
        Phrase("escalation_risk.factor",
               {{"code", names[k]}, {"feature", feature}, {"contribution", contribution}}));
  }
  s.actions.push_back(Action::kReviewCase);
  if (c.leader == 0) s.actions.push_back(Action::kAssignLeader);
  if (!(c.flags & Case::kHearingHeld) && (f[2] > 0 || f[3] > 0)) {
    s.actions.push_back(Action::kScheduleHearing);
  }
  if (f[1] > 0) s.actions.push_back(Action::kReplyNow);
  if (!(c.flags & Case::kAidGranted) && (f[12] > 0 || f[16] > 0)) {
    s.actions.push_back(Action::kCheckAidEligibility);
  }
  if (tier == Tier::kRed) s.actions.push_back(Action::kNotifyLeadership);
  const bool none = factors.items.empty();
  s.summary = Phrase("escalation_risk.summary.risk",
                     {{"case", case_id},
                      {"p", p},
                      {"days", h},
                      {"tier", tierPhrase(tier)},
                      none ? PhraseArg("factors", Phrase("escalation_risk.no_factor"))
                           : PhraseArg("factors", std::move(factors))});
  ctx.signals.emit(std::move(s));
}

void EscalationRiskModel::rescoreOpen(TimeMs now, ModelContext& ctx) {
  if (!model_) return;
  now_ = std::max(now_, now);
  completeRescoreQueue(ctx.cases);
  for (CaseIndex i = 0; i < ctx.cases.size(); ++i) {
    if (ctx.cases.at(i).open() || alerted_.contains(i)) score(i, now_, ctx);
  }
}

void EscalationRiskModel::forget(const ForgottenCases& f, ModelContext& ctx) {
  for (CaseIndex i : f.cases) alerted_.erase(i);  // closed: their alerts resolved at the close
  if (rows_) rows_->forget(f, ctx.cases);
}

void EscalationRiskModel::rebuild(TimeMs now, ModelContext& ctx) {
  if (!model_ && !rows_) return;
  now_ = std::max(now_, now);
  features_.rebuild(ctx.cases, ctx.visits);
  alerted_.clear();
  rescore_.clear();
  rescore_complete_ = true;
  for (CaseIndex i = 0; i < ctx.cases.size(); ++i) {
    const Case& c = ctx.cases.at(i);
    if (!c.open()) continue;
    if (!model_) {
      rescore_complete_ = false;
      continue;
    }
    queueRescore(c, i, now_);
    score(i, now_, ctx);
  }
}

}  // namespace casewatch
