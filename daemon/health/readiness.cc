#include "daemon/health/readiness.h"

#include "base/str_cat.h"

namespace casewatch {

Readiness assessReadiness(const ReadinessInputs& in) {
  Readiness r;
  if (in.stopping) {
    r.reasons.push_back("daemon: stopping");
  } else if (!in.started) {
    r.reasons.push_back("daemon: starting");
  }
  if (in.disk_full) {
    r.reasons.push_back(strCat("disk: the data dir ", in.data_dir,
                               " is full: intake paused, writes retried until space returns"));
  }
  // Their messages already say whose they are ("journal: ...", "store: ...").
  if (!in.journal.ok()) r.reasons.push_back(std::string(in.journal.message()));
  if (!in.store.ok()) r.reasons.push_back(std::string(in.store.message()));
  for (const FeedLink& f : in.feeds) {
    if (!f.running) {
      r.reasons.push_back(strCat("feed ", f.name, ": not running (it failed to start)"));
    } else if (!f.connected) {
      r.reasons.push_back(strCat("feed ", f.name, ": not connected to ", f.endpoint));
    }
  }
  return r;
}

}  // namespace casewatch
