// The repeat_visit model's μ, α, β refitted from the contacts the daemon holds: the schedule, the
// streams, the bounded fit with its fallback, and what GET /api/v1/models shows.
#include <nlohmann/json.hpp>

#include "base/str_cat.h"
#include "models/past_contacts.h"
#include "models/repeat_visit/repeat_contacts.h"
#include "models/repeat_visit/repeat_visit_model.h"

namespace casewatch {
namespace {

// Bounds of a usable fit (per day): a background rate of at most one return a day, jumps of at
// most 10, a decay between a thousand days and a tenth of a day, and a stationary process. A μ
// below mu_lo is raised to it (a boundary maximum), the others are refused.
struct Bounds {
  double mu_lo = 1e-6, mu_hi = 1;
  double alpha_lo = 1e-6, alpha_hi = 10;
  double beta_lo = 1e-3, beta_hi = 10;
  double max_branching = 0.95;
};
constexpr Bounds kHawkesBounds{};

}  // namespace

void RepeatVisitModel::scheduleRefit() {
  if (!learning()) return;
  const TimeMs every = TimeMs{config_.learn.refit_every_days} * kMsPerDay;
  if (next_refit_ == 0) {
    next_refit_ = now_ + every;
    return;
  }
  if (now_ < next_refit_) return;
  refit_due_ = true;
  while (next_refit_ <= now_) next_refit_ += every;
}

void RepeatVisitModel::inherit(const Model& previous) {
  const auto& p = static_cast<const RepeatVisitModel&>(previous);
  next_refit_ = p.next_refit_;
  if (learning() && p.hawkes_fit_ && p.hawkes_fit_->fitted) useHawkes(*p.hawkes_fit_);
}

std::vector<HawkesStream> RepeatVisitModel::hawkesStreams(const CaseStore& cases,
                                                          const VisitLog* visits) const {
  RepeatContactStreams streams(static_cast<int>(offset_ms_ / kMsPerMinute),
                               config_.above_level_weight);
  forEachPastContact(cases, visits, [&](const PastContact& pc) {
    if (pc.persons.empty()) return;
    const Case* c = pc.index != kNoCase ? &cases.at(pc.index) : nullptr;
    streams.add(pc.persons, pc.matter, pc.ts, repeatContactAbove(pc.level, c));
  });
  return streams.streams(now_);
}

RepeatVisitModel::HawkesOutcome RepeatVisitModel::fitHawkesBounded(
    std::vector<HawkesStream> streams, const RepeatVisitConfig& config, TimeMs at,
    const std::optional<HawkesParams>& start) {
  HawkesOutcome o;
  o.at = at;
  o.params = HawkesParams{config.hawkes_mu, config.hawkes_alpha, config.hawkes_beta};
  o.streams = streams.size();
  for (const HawkesStream& s : streams) o.returns += s.times.size() - 1;
  if (o.returns < static_cast<size_t>(config.learn.min_returns)) {
    o.reason = strCat("too_few_returns: ", o.returns, " returns, ", config.learn.min_returns,
                      " needed (models.repeat_visit.learn.min_returns)");
    return o;
  }
  auto fit = fitHawkes(streams, start);
  if (!fit.ok()) {
    o.reason = strCat("no_convergence: ", fit.status().message());
    return o;
  }
  HawkesParams p = fit->params;
  const Bounds& b = kHawkesBounds;
  // A background rate that tends to 0 (no return without an earlier contact's excitation: the
  // likelihood's maximum is on the boundary) is held at the bound rather than refused.
  if (p.mu > 0 && p.mu < b.mu_lo) p.mu = b.mu_lo;
  if (!(p.mu >= b.mu_lo && p.mu <= b.mu_hi && p.alpha >= b.alpha_lo && p.alpha <= b.alpha_hi &&
        p.beta >= b.beta_lo && p.beta <= b.beta_hi && p.alpha / p.beta <= b.max_branching)) {
    o.reason = strCat("out_of_bounds: mu ", p.mu, ", alpha ", p.alpha, ", beta ", p.beta);
    return o;
  }
  if (p.mu >= config.yellow_lambda) {
    o.reason = strCat("out_of_bounds: mu ", p.mu, " >= yellow_lambda ", config.yellow_lambda,
                      " (no alert would resolve)");
    return o;
  }
  o.fitted = true;
  o.params = p;
  o.log_likelihood = fit->log_likelihood;
  o.reason = "fitted";
  return o;
}

void RepeatVisitModel::useHawkes(const HawkesOutcome& outcome) {
  if (!learning()) return;
  hawkes_fit_ = outcome;
  hawkes_ = outcome.fitted
                ? outcome.params
                : HawkesParams{config_.hawkes_mu, config_.hawkes_alpha, config_.hawkes_beta};
}

std::string RepeatVisitModel::stateJson() const {
  nlohmann::json j;
  j["mode"] = learning() ? "learning" : "configured";
  j["hawkes"] = {{"mu", hawkes_.mu}, {"alpha", hawkes_.alpha}, {"beta", hawkes_.beta}};
  j["hawkes_source"] = hawkesFitted() ? "fitted" : "configured";
  j["configured"] = {
      {"mu", config_.hawkes_mu}, {"alpha", config_.hawkes_alpha}, {"beta", config_.hawkes_beta}};
  j["above_level_weight"] = config_.above_level_weight;
  if (learning()) {
    j["learn"] = {{"refit_every_days", config_.learn.refit_every_days},
                  {"min_returns", config_.learn.min_returns},
                  {"next_refit_at", next_refit_ == 0 ? nlohmann::json(nullptr)
                                                     : nlohmann::json(formatRfc3339(next_refit_))}};
    if (hawkes_fit_) {
      j["latest_fit"] = {
          {"at", formatRfc3339(hawkes_fit_->at)}, {"fitted", hawkes_fit_->fitted},
          {"reason", hawkes_fit_->reason},        {"streams", hawkes_fit_->streams},
          {"returns", hawkes_fit_->returns},      {"mu", hawkes_fit_->params.mu},
          {"alpha", hawkes_fit_->params.alpha},   {"beta", hawkes_fit_->params.beta}};
    } else {
      j["latest_fit"] = nullptr;
    }
  }
  return j.dump();
}

}  // namespace casewatch
