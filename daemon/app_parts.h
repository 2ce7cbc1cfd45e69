// What the App's files share (daemon/app.cc, app_recovery.cc, app_delivery.cc, app_reload.cc):
// its timing constants, snapshot names and the small conversions from its configuration.
// Private to the App.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/alert_json.h"
#include "daemon/daemon_config.h"
#include "daemon/store/alert_store.h"

namespace casewatch::app {

inline constexpr auto kTickInterval = std::chrono::seconds(1);
// How long ZeroMQ may take to put a sent message on the wire (it takes microseconds; this is
// generous so that a loaded machine does not lose a publication to a SIGKILL).
inline constexpr auto kOnTheWire = std::chrono::milliseconds(500);
inline constexpr auto kPublishGrace = std::chrono::milliseconds(1000);
// How far behind the store may fall (alert changes handed to it, not yet committed) before intake
// waits for it, and where intake goes on again. A snapshot holds these changes and a restart after
// a crash records them again before serving, so the bound (plus one burst: a daily tick decided
// 90,000 changes at once at 1M cases) is also the most a restart records. SQLite on this machine
// records some thousands a second under load, so more would cost seconds of every restart, and
// less would stall intake more often for no gain (the store's rate bounds intake either way).
inline constexpr size_t kStoreBehindChanges = 16384;
inline constexpr size_t kStoreCaughtUpChanges = 4096;
inline constexpr std::string_view kRecordedPositionSnapshot = "alerts.recorded_position";
// Silences and manual resolutions (alerts/workflow/alert_workflow.h: stateJson).
inline constexpr std::string_view kWorkflowSnapshot = "alerts.workflow";

int64_t steadyMs();
// Where an alert's generatorURL points: the daemon's own alert API.
std::string generatorBase(const Config& c);
AlertRecord toRecord(const AlertChange& c, const AlertJsonOptions& opts);
AlertJsonOptions jsonOptions(const Config& c);
std::vector<std::string> feedLabels(const Config& config);

}  // namespace casewatch::app
