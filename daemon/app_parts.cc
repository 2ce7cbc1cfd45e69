#include "daemon/app_parts.h"

#include <spdlog/spdlog.h>

#include "alerts/sinks/alertmanager/alertmanager_config.h"

namespace casewatch::app {

int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Where an alert's generatorURL points: the daemon's own alert API.
std::string generatorBase(const Config& c) {
  if (const std::string& external = c.sinks.get<AlertmanagerConfig>().external_url;
      !external.empty()) {
    std::string base = external;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
  }
  return "http://" + (c.http.listen.empty() ? std::string("127.0.0.1") : c.http.listen);
}

AlertRecord toRecord(const AlertChange& c, const AlertJsonOptions& opts) {
  const Alert& a = c.alert;
  AlertRecord r;
  r.alert_id = a.alert_id;
  r.model = a.model;
  r.status = std::string(alertStatusName(a.status));
  r.tier = std::string(tierName(a.tier));
  r.subject_kind = std::string(subjectKindName(a.subject_kind));
  r.subject_id = a.subject_id;
  r.region = a.region;
  r.agency = a.agency;
  r.starts_at = formatRfc3339(a.starts_at, opts.utc_offset_minutes);
  r.updated_at = formatRfc3339(a.updated_at, opts.utc_offset_minutes);
  r.json = alertJsonOf(c, opts);
  r.actor = c.actor;
  r.action = std::string(changeKindName(c.kind));
  r.note = c.note;
  r.at = c.at;
  r.seq = c.seq;
  return r;
}

AlertJsonOptions jsonOptions(const Config& c) {
  return AlertJsonOptions{std::string(localeName(c.locale)), c.clocks.utc_offset_minutes};
}

std::vector<std::string> feedLabels(const Config& config) {
  std::vector<std::string> names;
  for (const FeedConfig& f : config.feeds) names.push_back(f.name);
  names.push_back("journal");
  names.push_back("orphans");
  return names;
}

}  // namespace casewatch::app
