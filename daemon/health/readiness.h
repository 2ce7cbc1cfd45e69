// Readiness: whether the daemon can take events and answer for them right now, and if not, why.
// What GET /readyz answers (200 `{"ready": true}`, or 503 `{"ready": false, "reasons": [...]}`)
// and casewatch_ready exports.
//
// Ready means: started and not stopping, the event journal healthy (not failed, not retrying
// refused writes), the SQLite store healthy (open, its last transaction committed), and every
// configured feed bound or connected (a connecting ZeroMQ socket counts only while its socket
// monitor sees a peer; a feed that failed to start counts as not connected). Each thing that is
// not ready gives one reason, a short sentence naming it (`feed f1: not connected to
// tcp://127.0.0.1:5570`), in a fixed order: lifecycle, a full disk, journal, store, feeds in
// configured order.
//
// The App gathers ReadinessInputs and calls assessReadiness() on its io_context thread whenever an
// input changes and on its periodic tick; nothing here blocks or does I/O. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace casewatch {

struct FeedLink {
  std::string name;
  std::string endpoint;
  bool running = false;  // a connector is running for it
  bool connected = false;
};

struct ReadinessInputs {
  bool started = false;  // start-up (recovery, binding) finished
  bool stopping = false;
  absl::Status journal;  // EventJournal::health(); its message starts "journal: "
  absl::Status store;    // AlertStore::health(); its message starts "store: "
  // The data dir's disk (or quota) is full (the journal or the store is ResourceExhausted): named
  // first, before the journal's and store's own reasons.
  bool disk_full = false;
  std::string data_dir;
  std::vector<FeedLink> feeds;
};

struct Readiness {
  std::vector<std::string> reasons;  // empty: ready
  bool ready() const { return reasons.empty(); }
  friend bool operator==(const Readiness&, const Readiness&) = default;
};

Readiness assessReadiness(const ReadinessInputs& in);

}  // namespace casewatch
