// The recurring_matter model's per-event path (a contact on a matter: its return days, channels
// and agencies, and the judgement against the baseline), the clock (the baseline's completions,
// the resolution queue) and its size. Signals, rebuild and snapshot have their own files.
#include "models/recurring_matter/recurring_matter_model.h"

#include <algorithm>
#include <cmath>

#include "base/hash.h"
#include "models/stats/negative_binomial.h"

namespace casewatch {
namespace {

constexpr uint64_t kMatterSalt = 0x7265637572000000ULL;  // "recur"
constexpr uint32_t kDayMask = 0xffffu;

// Bit of a channel in a first-contact slot and index in Track::channel_day; -1: none.
int channelIndex(Channel c) {
  return c == Channel::kUnknown ? -1 : static_cast<int>(c) - 1;
}

}  // namespace

RecurringMatterModel::RecurringMatterModel(const RecurringMatterConfig& config,
                                           int utc_offset_minutes)
    : config_(config),
      offset_ms_(TimeMs{utc_offset_minutes} * kMsPerMinute),
      baseline_(config.prior_returns_90d, config.prior_matters, config.baseline_half_life_days),
      waiting_(kRing) {}

absl::StatusOr<std::unique_ptr<Model>> RecurringMatterModel::create(
    const RecurringMatterConfig& config, const ClocksConfig& clocks) {
  return std::unique_ptr<Model>(new RecurringMatterModel(config, clocks.utc_offset_minutes));
}

uint64_t RecurringMatterModel::matterKey(std::string_view matter) {
  return hashText(matter, kMatterSalt);
}

int64_t RecurringMatterModel::localDay(TimeMs t) const {
  return casewatch::localDay(t, offset_ms_);
}

void RecurringMatterModel::clear() {
  matters_.clear();
  open_ = {};
  baseline_.clear();
  for (auto& w : waiting_) w = {};
  queue_ = {};
  day_ = -1;
}

void RecurringMatterModel::onEvent(const CaseEvent& ev, const CaseUpdate& u, ModelContext& ctx) {
  if (ev.type != EventType::kRegistered && ev.type != EventType::kVisit) return;
  if (ev.type == EventType::kRegistered && (u.conflict || u.index == kNoCase)) return;
  if (ev.matter.empty()) return;
  now_ = std::max(now_, ev.ts);
  advanceDay(localDay(now_));

  const StringInterner& strings = ctx.cases.strings();
  Contact c;
  c.matter = ev.matter;
  c.ts = ev.ts;
  c.channel = ev.type == EventType::kVisit ? Channel::kVisit : ev.channel;
  c.region = ev.region.empty() ? 0 : strings.find(ev.region);
  if (u.index != kNoCase) {
    const Case& k = ctx.cases.at(u.index);
    c.category = k.category;
    c.agency = k.agency;
    if (c.region == 0) c.region = k.region;
  }
  contact(c, ctx);
}

RecurringMatterModel::Track* RecurringMatterModel::findMatter(uint64_t key, Open*& open,
                                                              std::optional<Slot>& first) {
  open = nullptr;
  first.reset();
  if (!open_.empty()) {
    if (auto it = open_.find(key); it != open_.end()) {
      open = &it->second;
      return &it->second.track;
    }
  }
  return matters_.find(key, first);
}

void RecurringMatterModel::contact(const Contact& c, ModelContext& ctx) {
  const uint64_t key = matterKey(c.matter);
  const int64_t day = localDay(c.ts);
  const int ch = channelIndex(c.channel);
  Open* open = nullptr;
  std::optional<Slot> first;
  Track* t = findMatter(key, open, first);
  if (t == nullptr) {
    if (!first) {  // a new matter: a slot, and a place in the baseline's wait
      const uint32_t series = baseline_.seriesOf(c.region, c.category);
      const uint32_t bits = ch >= 0 ? (1u << ch) << 16 : 0;
      matters_.setLight(key, Slot{(static_cast<uint32_t>(day) & kDayMask) | bits, series});
      waiting_[static_cast<size_t>(day % kRing)].push_back(key);
      return;
    }
    const int64_t first_day = first->a & kDayMask;
    uint32_t series = first->b;
    if (baseline_.category(series) == 0 && c.category != 0) {
      series = baseline_.seriesOf(baseline_.region(series) ? baseline_.region(series) : c.region,
                                  c.category);
    }
    if (day <= first_day) {  // the first day again (or earlier): still no return
      const uint32_t bits = ch >= 0 ? (1u << ch) << 16 : 0;
      matters_.setLight(key, Slot{first->a | bits, series});
      return;
    }
    Track fresh;
    fresh.series = series;
    fresh.first_day = static_cast<uint16_t>(first_day);
    for (int i = 0; i < 4; ++i) {
      if ((first->a >> 16) & (1u << i)) fresh.channel_day[i] = static_cast<uint16_t>(first_day);
    }
    t = &matters_.setValue(key, std::move(fresh));
  }
  if (ch >= 0) t->channel_day[ch] = std::max(t->channel_day[ch], static_cast<uint16_t>(day));
  if (c.agency != 0 && t->agencies[0] != c.agency) {
    t->agencies[1] = t->agencies[0];
    t->agencies[0] = c.agency;
  }
  if (baseline_.category(t->series) == 0 && c.category != 0) {
    const uint32_t region = baseline_.region(t->series);
    t->series = baseline_.seriesOf(region != 0 ? region : c.region, c.category);
  }
  if (day <= t->first_day || !t->returns.set(day)) return;  // no new return day

  const Judgement j = judge(*t, localDay(now_));
  if (open != nullptr) {
    emit(*open, std::max(open->track.tier, j.tier), j, ctx);
    return;
  }
  if (j.tier == Tier::kNone) return;
  // The matter's track leaves the generations while its alert is open: never forgotten.
  Open o;
  o.track = *t;
  o.matter = std::string(c.matter);
  matters_.release(key);
  Open& stored = open_.emplace(key, std::move(o)).first->second;
  stored.track.alerted = true;
  emit(stored, j.tier, j, ctx);
  queue_.push(Due{resolveCheck(stored.track), key});
}

RecurringMatterModel::Judgement RecurringMatterModel::judge(const Track& t, int64_t today) const {
  Judgement j;
  j.returns_30d = t.returns.countWindow(today, 30);
  j.returns_90d = t.returns.countWindow(today, 90);
  for (uint16_t d : t.channel_day) {
    if (d != 0 && d > today - 90) ++j.channels_90d;
  }
  j.mean_90d = baseline_.mean90(t.series, today);
  const double lambda = j.mean_90d / 90;
  const double age = static_cast<double>(std::max<int64_t>(0, today - t.first_day));
  const double k = config_.dispersion_size;
  // Against the category: the 90 days (or the matter's life, if shorter).
  j.expected_90d = lambda * std::min(90.0, age);
  j.p90 = negativeBinomialTail(j.returns_90d, k, j.expected_90d);
  // Against the matter's own past (before the 30-day window), shrunk toward the category.
  const double y_old = j.returns_90d - j.returns_30d;
  const double t_old = std::clamp(age - 30, 0.0, 60.0);
  const double shape = k + y_old;
  j.expected_30d = shape / (k / lambda + t_old) * std::min(30.0, age);
  j.p30 = negativeBinomialTail(j.returns_30d, shape, j.expected_30d);
  if (std::isnan(j.p30)) j.p30 = 1;
  if (std::isnan(j.p90)) j.p90 = 1;
  j.p = std::min(1.0, 2 * std::min(j.p30, j.p90));
  j.tier = tierOf(j);
  return j;
}

Tier RecurringMatterModel::tierOf(const Judgement& j) const {
  if (j.returns_30d < config_.min_returns_30d && j.returns_90d < config_.min_returns_90d) {
    return Tier::kNone;
  }
  if (j.p <= config_.red_p) return Tier::kRed;
  if (j.p <= config_.orange_p) return Tier::kOrange;
  if (j.p <= config_.yellow_p) return Tier::kYellow;
  return Tier::kNone;
}

TimeMs RecurringMatterModel::resolveCheck(const Track& t) const {
  // The local midnight after quiet_days without a return.
  const int64_t day = t.returns.latest() + config_.quiet_days + 1;
  return day * kMsPerDay - offset_ms_;
}

void RecurringMatterModel::advanceDay(int64_t today) {
  if (day_ < 0) day_ = today - 1;
  // Completions before the rotation, so that a matter is still held on its 90th day. A jump of
  // more than a ring's worth of days empties every bucket once.
  const int64_t from = std::max(day_ + 1, today - kRing + 1);
  for (int64_t d = from; d <= today; ++d) {
    std::vector<uint64_t>& bucket = waiting_[static_cast<size_t>(d % kRing)];
    for (uint64_t key : bucket) completeMatter(key, d);
    bucket.clear();
  }
  day_ = std::max(day_, today);
  matters_.rotateIfDue(today);
}

void RecurringMatterModel::completeMatter(uint64_t key, int64_t day) {
  const Track* t = nullptr;
  if (auto it = open_.find(key); it != open_.end()) {
    t = &it->second.track;
  } else {
    const Slot* slot = matters_.peek(key, t);
    if (slot == nullptr) return;  // forgotten (retention)
    if (t == nullptr) {
      if (day - (slot->a & kDayMask) >= kCompleteDays) baseline_.complete(slot->b, 0, day);
      return;
    }
  }
  // A matter seen again after being forgotten waits anew: only its own 90th day counts.
  if (day - t->first_day < kCompleteDays || t->alerted) return;
  baseline_.complete(t->series, t->returns.countWindow(t->first_day + kCompleteDays, kCompleteDays),
                     day);
}

void RecurringMatterModel::advanceTo(TimeMs now, ModelContext& ctx) {
  if (now <= now_) return;
  now_ = now;
  advanceDay(localDay(now_));
  const int64_t today = localDay(now_);
  while (!queue_.empty() && queue_.top().at <= now_) {
    const Due d = queue_.top();
    queue_.pop();
    auto it = open_.find(d.key);
    if (it == open_.end()) continue;
    Open& o = it->second;
    const TimeMs due = resolveCheck(o.track);
    if (due > now_) {  // a return since: later
      queue_.push(Due{due, d.key});
      continue;
    }
    const Judgement j = judge(o.track, today);
    if (j.tier != Tier::kNone) {  // quiet, but the 90 days still stand out: again tomorrow
      queue_.push(Due{(today + 1) * kMsPerDay - offset_ms_, d.key});
      continue;
    }
    emit(o, Tier::kNone, j, ctx);
    Track t = o.track;
    t.tier = Tier::kNone;
    open_.erase(it);
    matters_.setValue(d.key, std::move(t));
  }
}

std::optional<RecurringMatterModel::Judgement> RecurringMatterModel::judgementForTest(
    std::string_view matter) const {
  const uint64_t key = matterKey(matter);
  const Track* t = nullptr;
  if (auto it = open_.find(key); it != open_.end()) {
    t = &it->second.track;
  } else if (matters_.peek(key, t) == nullptr) {
    return std::nullopt;
  }
  if (t == nullptr) return Judgement{};  // one contact day only
  Judgement j = judge(*t, localDay(now_));
  if (open_.contains(key)) j.tier = std::max(j.tier, t->tier);
  return j;
}

size_t RecurringMatterModel::waiting() const {
  size_t n = 0;
  for (const auto& w : waiting_) n += w.size();
  return n;
}

size_t RecurringMatterModel::approximateBytes() const {
  size_t bytes = matters_.approximateBytes();
  bytes += open_.capacity() * (sizeof(std::pair<uint64_t, Open>) + 1);
  for (const auto& w : waiting_) bytes += w.capacity() * sizeof(uint64_t);
  bytes += queue_.size() * sizeof(Due);
  return bytes;
}

}  // namespace casewatch
