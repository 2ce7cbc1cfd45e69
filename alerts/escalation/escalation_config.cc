#include "alerts/escalation/escalation_config.h"

#include "config/config_reader.h"
#include "config/config_writer.h"

#include <utility>

namespace casewatch {
namespace {

constexpr int kMaxMinutes = 366 * 24 * 60;

template <class C, class T>
std::vector<std::pair<std::string_view, T*>> tiersOf(C& c) {
  return {{"red", &c.red}, {"orange", &c.orange}, {"yellow", &c.yellow}, {"blue", &c.blue}};
}

void decodeTier(ConfigDecoder& d, const ConfigNode& n, const std::string& path,
                TierEscalationConfig& c) {
  MapReader r(d, n, path);
  r.read("chain", c.chain);
  if (const ConfigNode* a = r.take("after_minutes")) {
    decodeList(d, *a, r.pathOf("after_minutes"), c.after_minutes,
               [&](const ConfigNode& t, const std::string& p, int& out) {
                 long long v = 0;
                 if (decodeInteger(d, t, p, 1, kMaxMinutes, v)) out = static_cast<int>(v);
               });
  }
  r.read("renotify_minutes", c.renotify_minutes, 0, kMaxMinutes);
  r.read("notify_at_once", c.notify_at_once);
}

}  // namespace

void decodeConfig(MapReader& r, EscalationConfig& c) {
  for (const auto& [name, tier] : tiersOf<EscalationConfig, TierEscalationConfig>(c)) {
    if (const ConfigNode* t = r.take(name)) decodeTier(r.decoder(), *t, r.pathOf(name), *tier);
  }
}

void validateConfig(ConfigDecoder& d, const std::string& path, const EscalationConfig& c) {
  for (const auto& [name, t] : tiersOf<const EscalationConfig, const TierEscalationConfig>(c)) {
    const std::string at = childPath(path, name);
    if (t->chain.empty()) {
      d.invalid(at + ".chain", "must name at least one target (the first is told at firing)");
      continue;
    }
    for (size_t i = 0; i < t->chain.size(); ++i) {
      if (t->chain[i].empty()) d.invalid(indexPath(at + ".chain", i), "must not be empty");
    }
    for (size_t i = 0; i < t->notify_at_once.size(); ++i) {
      if (t->notify_at_once[i].empty()) {
        d.invalid(indexPath(at + ".notify_at_once", i), "must not be empty");
      }
    }
    if (d.failed(at + ".chain") || d.failed(at + ".after_minutes")) continue;
    if (t->after_minutes.size() + 1 != t->chain.size()) {
      d.invalid(at + ".after_minutes", "needs one entry per level after the first: " +
                                           std::to_string(t->chain.size() - 1) +
                                           " for a chain of " + std::to_string(t->chain.size()) +
                                           ", got " + std::to_string(t->after_minutes.size()));
      continue;
    }
    for (size_t i = 1; i < t->after_minutes.size(); ++i) {
      if (t->after_minutes[i] <= t->after_minutes[i - 1]) {
        d.invalid(indexPath(at + ".after_minutes", i), "must be later than the level before (" +
                                                           std::to_string(t->after_minutes[i - 1]) +
                                                           " minutes), got " +
                                                           std::to_string(t->after_minutes[i]));
      }
    }
  }
}

void writeConfig(ConfigWriter& w, const EscalationConfig& c) {
  for (const auto& [name, t] : tiersOf<const EscalationConfig, const TierEscalationConfig>(c)) {
    w.beginMap(name);
    w.strings("chain", t->chain);
    w.integers("after_minutes", t->after_minutes);
    w.integer("renotify_minutes", t->renotify_minutes);
    w.strings("notify_at_once", t->notify_at_once);
    w.endMap();
  }
}

}  // namespace casewatch
