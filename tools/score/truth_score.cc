#include "tools/score/truth_score.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

namespace casewatch::score {
namespace {

using nlohmann::json;

// Calls fn(json) for each non-empty line; InvalidArgument names the first bad one.
template <typename Fn>
absl::Status forEachLine(std::string_view what, std::string_view text, Fn&& fn) {
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty()) continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      return absl::InvalidArgumentError(
          fmt::format("{} line {}: not a JSON object", what, line_no));
    }
    fn(j);
  }
  return absl::OkStatus();
}

int tierRank(const std::string& t) {
  static const std::map<std::string, int> kRank = {
      {"blue", 1}, {"yellow", 2}, {"orange", 3}, {"red", 4}};
  auto it = kRank.find(t);
  return it == kRank.end() ? 0 : it->second;
}

double share(int a, int b) {
  return b > 0 ? static_cast<double>(a) / b : 0.0;
}

}  // namespace

absl::StatusOr<MatterScore> scoreMatters(const ScoreOptions& options, std::string_view truth,
                                         std::string_view alerts, std::string_view feed) {
  std::set<std::string> recurring, detectable, quiet, named;
  auto st = forEachLine("truth", truth, [&](const json& t) {
    const std::string kind = t.value("kind", "");
    const std::string matter = t.value("matter", "");
    if (matter.empty()) return;
    named.insert(matter);
    if (kind == "recurring_matter") {
      recurring.insert(matter);
      if (t.value("max_returns_30d", 0) >= options.min_returns_30d ||
          t.value("max_returns_90d", 0) >= options.min_returns_90d) {
        detectable.insert(matter);
      }
    } else if (kind == "quiet_matter") {
      quiet.insert(matter);
    }
  });
  if (!st.ok()) return st;
  std::map<std::string, std::string> alerted;  // matter -> highest tier
  st = forEachLine("alerts", alerts, [&](const json& a) {
    if (a.value("model", "") != options.model) return;
    if (!a.contains("subject") || a["subject"].value("kind", "") != "matter") return;
    const std::string tier = a.value("tier", "");
    if (tierRank(tier) == 0) return;
    std::string& best = alerted[a["subject"].value("id", "")];
    if (tierRank(tier) > tierRank(best)) best = tier;
  });
  if (!st.ok()) return st;

  MatterScore s;
  for (const auto& [matter, tier] : alerted) {
    ++s.tiers[tier];
    if (recurring.count(matter)) continue;
    if (quiet.count(matter)) {
      ++s.quiet_alerted;
      s.false_alarms.push_back(matter);
    } else if (named.count(matter)) {
      ++s.other_alerted;
    }
  }
  for (const std::string& m : recurring) {
    ++s.planted;
    const bool hit = alerted.count(m) != 0;
    s.detected += hit;
    if (detectable.count(m)) {
      ++s.detectable;
      s.detectable_detected += hit;
    }
    if (!hit) s.missed.push_back(m);
  }
  s.quiet = static_cast<int>(quiet.size());
  if (!feed.empty()) {
    std::set<std::string> ordinary;
    st = forEachLine("feed", feed, [&](const json& e) {
      const std::string matter = e.value("matter", "");
      if (!matter.empty() && !named.count(matter)) ordinary.insert(matter);
    });
    if (!st.ok()) return st;
    s.ordinary = static_cast<int>(ordinary.size());
    for (const std::string& m : ordinary) {
      if (alerted.count(m)) {
        ++s.ordinary_alerted;
        s.false_alarms.push_back(m);
      }
    }
  }
  return s;
}

std::string scoreJson(const MatterScore& s) {
  json j = {{"planted", s.planted},
            {"detected", s.detected},
            {"recall", share(s.detected, s.planted)},
            {"detectable", s.detectable},
            {"detectable_detected", s.detectable_detected},
            {"detectable_recall", share(s.detectable_detected, s.detectable)},
            {"quiet", s.quiet},
            {"quiet_alerted", s.quiet_alerted},
            {"other_planted_alerted", s.other_alerted},
            {"tiers", s.tiers},
            {"missed", s.missed},
            {"false_alarms", s.false_alarms}};
  if (s.ordinary >= 0) {
    j["ordinary"] = s.ordinary;
    j["ordinary_alerted"] = s.ordinary_alerted;
  }
  return j.dump() + "\n";
}

std::string scoreText(const ScoreOptions& options, const MatterScore& s) {
  std::string out = fmt::format(
      "{}: recall {}/{} = {:.3f} of planted recurring matters ({}/{} = {:.3f} of those reaching "
      "the minimum counts)\n",
      options.model, s.detected, s.planted, share(s.detected, s.planted), s.detectable_detected,
      s.detectable, share(s.detectable_detected, s.detectable));
  out += fmt::format("  false alarms: {} of {} quiet planted matters", s.quiet_alerted, s.quiet);
  if (s.ordinary >= 0) {
    out += fmt::format(", {} of {} ordinary matters ({:.3f} per 1,000)", s.ordinary_alerted,
                       s.ordinary, 1000 * share(s.ordinary_alerted, s.ordinary));
  }
  out += fmt::format("\n  alerts on other planted matters (repeat petitioners, bursts): {}\n",
                     s.other_alerted);
  out += "  alerted matters by highest tier:";
  for (const char* t : {"blue", "yellow", "orange", "red"}) {
    auto it = s.tiers.find(t);
    out += fmt::format(" {} {}", t, it == s.tiers.end() ? 0 : it->second);
  }
  out += "\n";
  for (const std::string& m : s.missed) out += "  missed: " + m + "\n";
  for (const std::string& m : s.false_alarms) out += "  false alarm: " + m + "\n";
  return out;
}

}  // namespace casewatch::score
