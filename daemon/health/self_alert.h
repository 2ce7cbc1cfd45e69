// The daemon's own alert: when it cannot keep its promise (the journal or the store cannot
// write, e.g. the data dir's disk is full, and intake is paused), duty officers must hear it on
// the channels they watch, not only the operators' Prometheus. So the App raises one alert of
// the model `casewatch`, subject `{"kind": "service", "id": "casewatchd"}`, tier red, with the
// cause as a reason (`disk_full`, `journal_failing`, `store_failing`, value: the data dir), and
// resolves it when writing works again.
//
// It is an extension of the alert contract (README "The daemon's own alert"): it goes to every
// sink directly (the bus as `alert.red.casewatch`, the console, Alertmanager, the API's event
// stream) and is listed by GET /api/v1/alerts while it fires, but it is not an alert of the book:
// it is not recorded in the store (which may be what cannot write), has no `seq` (it is not part
// of the history replayed from the journal), and cannot be acknowledged, silenced or resolved by
// hand. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "alerts/alert.h"
#include "base/time.h"

namespace casewatch {

inline constexpr std::string_view kSelfAlertModel = "casewatch";
inline constexpr std::string_view kSelfAlertSubject = "casewatchd";

enum class SelfAlertCause : uint8_t { kDiskFull, kJournalFailing, kStoreFailing };
std::string_view selfAlertCauseCode(SelfAlertCause cause);

// The alert while it fires: `cause` (why intake is paused), `detail` (the journal's or store's
// error), `data_dir`, since `at`.
Alert selfAlert(SelfAlertCause cause, std::string_view detail, const std::string& data_dir,
                TimeMs at);
// The change that fires it (kFired) or resolves `alert` (kResolved, at `at`).
AlertChange selfAlertFired(Alert alert);
AlertChange selfAlertResolved(Alert alert, TimeMs at);

}  // namespace casewatch
