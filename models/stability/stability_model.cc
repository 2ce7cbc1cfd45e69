#include "models/stability/stability_model.h"

#include <algorithm>
#include <cmath>

#include "base/str_cat.h"

namespace casewatch {
namespace {

constexpr std::string_view kOverdueModel = "overdue";
constexpr std::string_view kCollectiveModel = "group_incident";
// The index moves the gauge only by at least this much (a scrape shows no finer detail).
constexpr double kGaugeStep = 0.01;

// Debian's abseil has its own string_view: heterogeneous lookups take that one.
absl::string_view key(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

bool openStage(Stage s) {
  return s != Stage::kClosed && s != Stage::kRejected;
}

}  // namespace

StabilityModel::StabilityModel(const StabilityConfig& config) : config_(config) {}

absl::StatusOr<std::unique_ptr<Model>> StabilityModel::create(const StabilityConfig& config,
                                                              const ClocksConfig&) {
  return std::unique_ptr<Model>(new StabilityModel(config));
}

double StabilityModel::weight(Tier t) const {
  switch (t) {
    case Tier::kBlue:
      return config_.weight_blue;
    case Tier::kYellow:
      return config_.weight_yellow;
    case Tier::kOrange:
      return config_.weight_orange;
    case Tier::kRed:
      return config_.weight_red;
    case Tier::kNone:
      break;
  }
  return 0;
}

double StabilityModel::pressureOf(const Region& r) const {
  const double n = static_cast<double>(std::max<int64_t>(r.open_cases, config_.min_open_cases));
  return 100.0 * std::max(0.0, r.alert_points) / n + std::max(0.0, r.collective_points) +
         config_.overdue_weight * static_cast<double>(r.overdue) / n +
         config_.ledger_weight * 100.0 * static_cast<double>(r.key_cases) / n;
}

Tier StabilityModel::tierOf(double index, Tier current) const {
  auto raw = [&](double x) {
    if (x <= config_.red_below) return Tier::kRed;
    if (x <= config_.orange_below) return Tier::kOrange;
    if (x <= config_.yellow_below) return Tier::kYellow;
    if (x <= config_.blue_below) return Tier::kBlue;
    return Tier::kNone;
  };
  const Tier entered = raw(index);
  // Falling back needs the index `hysteresis` above the bound: as if it were that much lower.
  const Tier held = std::min(current, raw(index - config_.hysteresis));
  return std::max(entered, held);
}

void StabilityModel::add(Region& r, const Held& h, int sign) {
  r.alerts[static_cast<size_t>(h.tier)] += sign;
  if (h.collective) {
    r.collective_points += sign * weight(h.tier) * config_.collective_factor;
  } else {
    r.alert_points += sign * weight(h.tier);
  }
  if (h.overdue) r.overdue += sign;
  if (h.collective) r.collective += sign;
}

StabilityModel::Region& StabilityModel::regionOf(std::string_view name, std::string_view* stored) {
  auto it = regions_.find(key(name));
  if (it == regions_.end()) it = regions_.try_emplace(std::string(name)).first;
  *stored = it->first;
  return it->second;
}

void StabilityModel::readBoard(ModelContext& ctx) {
  if (ctx.regions == nullptr) return;
  ctx.regions->drainChanged([&](std::string_view name, int64_t key_cases) {
    std::string_view stored;
    Region& r = regionOf(name, &stored);
    if (r.key_cases == key_cases) return;
    r.key_cases = key_cases;
    update(stored, r, ctx);
  });
}

void StabilityModel::onEvent(const CaseEvent& ev, const CaseUpdate& u, ModelContext& ctx) {
  now_ = std::max(now_, ev.ts);
  readBoard(ctx);
  if (ev.type == EventType::kVisit || u.index == kNoCase || u.conflict) return;
  const Case& c = ctx.cases.at(u.index);
  const bool was_open = !u.created && openStage(u.stage_before);
  if (was_open == c.open()) return;
  const std::string_view name = ctx.cases.strings().name(c.region);
  auto it = regions_.find(key(name));
  if (it == regions_.end()) it = regions_.try_emplace(std::string(name)).first;
  it->second.open_cases += c.open() ? 1 : -1;
  update(it->first, it->second, ctx);
}

void StabilityModel::onSignal(const Signal& s, ModelContext& ctx) {
  if (s.model == kName) return;
  readBoard(ctx);
  held_key_.clear();
  strAppend(held_key_, s.model, "\x1f", subjectKindName(s.subject_kind), "\x1f", s.subject_id);
  auto it = held_.find(held_key_);
  if (it == held_.end() && (s.tier == Tier::kNone || s.region.empty())) return;
  // A copy: the held entry may go (below). Region codes are short (no allocation).
  const std::string region_name = it != held_.end() ? it->second.region : s.region;
  auto rit = regions_.find(region_name);
  if (rit == regions_.end()) rit = regions_.try_emplace(region_name).first;
  Region& r = rit->second;
  if (it != held_.end()) {
    add(r, it->second, -1);
    if (s.tier == Tier::kNone) {
      held_.erase(it);
    } else {
      it->second.tier = s.tier;
      it->second.overdue = s.model == kOverdueModel && s.tier >= Tier::kOrange;
      add(r, it->second, +1);
    }
  } else {
    Held h;
    h.region = region_name;
    h.tier = s.tier;
    h.collective = s.model == kCollectiveModel;
    h.overdue = s.model == kOverdueModel && s.tier >= Tier::kOrange;
    add(r, h, +1);
    held_.emplace(held_key_, std::move(h));
  }
  now_ = std::max(now_, s.at);
  update(rit->first, r, ctx);
}

void StabilityModel::update(std::string_view name, Region& r, ModelContext& ctx) {
  const double index = 100.0 * std::exp(-pressureOf(r) / config_.scale);
  if (ctx.metrics != nullptr && std::abs(index - r.index) >= kGaugeStep) {
    ctx.metrics->stabilityIndex(name, index);
  }
  r.index = index;
  const Tier tier = tierOf(index, r.tier);
  if (tier != r.tier) emit(name, r, tier, ctx);
}

void StabilityModel::emit(std::string_view name, Region& r, Tier tier, ModelContext& ctx) {
  r.tier = tier;
  Signal s;
  s.model = kName;
  s.subject_kind = SubjectKind::kRegion;
  s.subject_id = std::string(name);
  s.region = std::string(name);
  s.tier = tier;
  s.at = now_;
  s.score = std::clamp(1.0 - r.index / 100.0, 0.0, 1.0);
  const double pressure = pressureOf(r);
  s.addReason("stability_index", r.index,
              Phrase("stability.reason.index", {{"index", r.index},
                                                {"blue", config_.blue_below},
                                                {"yellow", config_.yellow_below},
                                                {"orange", config_.orange_below},
                                                {"red", config_.red_below}}));
  s.addReason(
      "pressure", pressure,
      Phrase("stability.reason.pressure", {{"pressure", pressure}, {"scale", config_.scale}}));
  const auto& a = r.alerts;
  const int64_t open_alerts = a[1] + a[2] + a[3] + a[4];
  s.addReason("open_alerts", static_cast<double>(open_alerts),
              Phrase("stability.reason.open_alerts", {{"alerts", open_alerts},
                                                      {"red", a[4]},
                                                      {"orange", a[3]},
                                                      {"yellow", a[2]},
                                                      {"blue", a[1]}}));
  const double share =
      r.open_cases > 0 ? static_cast<double>(r.overdue) / static_cast<double>(r.open_cases) : 0.0;
  s.addReason(
      "overdue_share", share,
      Phrase("stability.reason.overdue_share",
             {{"overdue", r.overdue}, {"open_cases", r.open_cases}, {"percent", 100 * share}}));
  s.addReason("collective_incidents", static_cast<double>(r.collective),
              Phrase("stability.reason.collective", {{"alerts", r.collective}}));
  s.addReason("key_cases", static_cast<double>(r.key_cases),
              Phrase("stability.reason.key_cases", {{"cases", r.key_cases}}));
  if (tier == Tier::kNone) {
    s.summary = Phrase("stability.summary.calm", {{"region", name}, {"index", r.index}});
  } else {
    s.actions = {Action::kReviewCase};
    if (r.collective > 0) s.actions.push_back(Action::kFixAtSource);
    if (tier >= Tier::kOrange) s.actions.push_back(Action::kNotifyLeadership);
    s.summary = Phrase("stability.summary.index", {{"region", name},
                                                   {"index", r.index},
                                                   {"tier", tierPhrase(tier)},
                                                   {"alerts", open_alerts},
                                                   {"overdue", r.overdue},
                                                   {"collective", r.collective}});
  }
  ctx.signals.emit(std::move(s));
}

void StabilityModel::advanceTo(TimeMs now, ModelContext& ctx) {
  now_ = std::max(now_, now);
  readBoard(ctx);
}

void StabilityModel::rebuild(TimeMs now, ModelContext& ctx) {
  // held_ (and the alert part of each region) is kept: the other models re-raise into it.
  now_ = std::max(now_, now);
  for (auto& [name, r] : regions_) r.open_cases = 0;
  if (ctx.regions != nullptr) {  // every region with a ledger is known; all are read below
    ctx.regions->drainChanged([&](std::string_view name, int64_t) {
      std::string_view stored;
      regionOf(name, &stored);
    });
  }
  const CaseStore& cases = ctx.cases;
  for (CaseIndex i = 0; i < cases.size(); ++i) {
    const Case& c = cases.at(i);
    if (!(c.flags & Case::kExists) || !c.open()) continue;
    const std::string_view name = cases.strings().name(c.region);
    auto it = regions_.find(key(name));
    if (it == regions_.end()) it = regions_.try_emplace(std::string(name)).first;
    ++it->second.open_cases;
  }
  for (auto& [name, r] : regions_) {
    if (ctx.regions != nullptr) r.key_cases = ctx.regions->keyCases(name);
    r.index = -1;          // forces the gauge
    r.tier = Tier::kNone;  // re-raised from the index alone (a reload forgets the hysteresis)
    update(name, r, ctx);
  }
}

StabilityModel::RegionView StabilityModel::region(std::string_view name) const {
  RegionView v;
  auto it = regions_.find(key(name));
  if (it == regions_.end()) return v;
  const Region& r = it->second;
  v.known = true;
  v.index = r.index;
  v.pressure = pressureOf(r);
  v.open_cases = r.open_cases;
  v.overdue = r.overdue;
  v.collective = r.collective;
  v.key_cases = r.key_cases;
  v.alerts = r.alerts;
  v.tier = r.tier;
  return v;
}

}  // namespace casewatch
