// Start-up after a stop or a crash: the journal replayed into the case state and the models, then
// the stored alerts reconciled with what that replay decided.
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>

#include "absl/container/flat_hash_map.h"
#include "base/str_cat.h"
#include "daemon/app.h"
#include "daemon/app_parts.h"

namespace casewatch {

using app::jsonOptions;
using app::steadyMs;

absl::Status App::recover() {
  recovering_ = true;
  pipeline_->setFollowEvents(true);
  pipeline_->setRecoveringJournal(true);
  const auto t0 = std::chrono::steady_clock::now();
  const size_t journal_feed = metrics_->feedIndex("journal");
  std::array<uint64_t, kEventTypeCount> by_type{};
  if (journal_->firstIndex() > snapshot_position_) {
    recovering_ = false;
    return absl::DataLossError(strCat(
        "data_dir: journal: it starts at record ", journal_->firstIndex(),
        " (older segments were compacted) but no valid snapshot covers the records before it "
        "(the newest loaded covers ",
        snapshot_position_, "); see the log for why each snapshot was skipped"));
  }
  uint64_t replayed = 0;
  auto s = journal_->replay(
      [&](const CaseEvent& ev) {
        ++by_type[static_cast<size_t>(ev.type)];
        ++replayed;
        pipeline_->ingestEvent(ev, journal_feed);
      },
      snapshot_position_);
  snapshot_metrics_->startedFrom(snapshot_position_ > 0, replayed);
  recovering_ = false;
  pipeline_->setRecoveringJournal(false);
  metrics_->eventsIn(journal_feed, by_type);
  if (!s.ok()) return absl::Status(s.code(), strCat("data_dir: journal: ", s.message()));
  pipeline_->setFollowEvents(config_.clock == ClockSource::kEvent);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (journal_->recordCount() > 0) {
    spdlog::info(
        "Recovered {} journaled events in {:.2f} s ({} from the snapshot, {} journal records "
        "replayed): {} cases, {} active alerts.",
        journal_->recordCount(), secs, snapshot_position_, replayed, pipeline_->cases().size(),
        pipeline_->alerts().activeCount());
  }
  if (journal_->truncatedBytesAtOpen() > 0) {
    spdlog::warn(
        "The journal's last segment had a torn tail of {} bytes (an unfinished write at a "
        "crash); dropped. Those events were never acknowledged as accepted.",
        journal_->truncatedBytesAtOpen());
  }
  if (const JournalRecovery& r = journal_->recovery(); r.corrupt_truncations > 0) {
    spdlog::error(
        "The journal was cut at a corrupt record (--truncate-corrupt-journal): {} bytes dropped "
        "({} later segment(s) set aside); the events in them are lost to this daemon's state.",
        r.corrupt_bytes, r.segments_set_aside);
  }
  return absl::OkStatus();
}

// After recovery the workflow holds what the journal implies; the store holds what was published
// and what the duty officers did (acknowledgements, escalations). The workflow puts the latter back
// and publishes only the difference, so a restart publishes nothing twice.
void App::reconcile(const std::vector<Alert>& written_at_start) {
  // Read as start-up began (then what start-up recorded since is laid over it, as the store
  // did), or now. Initialised, not assigned: assigning over the error made GCC 12 see a free of
  // abseil's static empty table (-Wfree-nonheap-object, a false positive).
  const bool read_at_start = stored_active_.valid();
  absl::StatusOr<StoredActiveAlerts> stored =
      read_at_start ? stored_active_.get() : readActiveAlerts(*store_);
  if (read_at_start) {
    if (stored.ok() && !written_at_start.empty()) {
      // Each alert as its last change written at start-up left it (kept if still active); the
      // others as read.
      absl::flat_hash_map<std::string_view, size_t> last;
      for (size_t j = 0; j < written_at_start.size(); ++j) {
        last.insert_or_assign(written_at_start[j].alert_id, j);
        stored->json_by_id.erase(written_at_start[j].alert_id);  // whole already
      }
      std::vector<Alert>& active = stored->alerts;
      std::vector<bool> ended(active.size(), false);
      for (size_t i = 0; i < active.size(); ++i) {
        auto it = last.find(active[i].alert_id);
        if (it == last.end()) continue;
        const Alert& w = written_at_start[it->second];
        if (w.active()) {
          active[i] = w;
        } else {
          ended[i] = true;
        }
        last.erase(it);
      }
      size_t kept = 0;
      for (size_t i = 0; i < active.size(); ++i) {
        if (ended[i]) continue;
        if (kept != i) active[kept] = std::move(active[i]);
        ++kept;
      }
      active.erase(active.begin() + static_cast<std::ptrdiff_t>(kept), active.end());
      for (size_t j = 0; j < written_at_start.size(); ++j) {
        const Alert& w = written_at_start[j];
        auto it = last.find(w.alert_id);
        if (it != last.end() && it->second == j && w.active()) active.push_back(w);
      }
    }
  }
  if (!stored.ok()) stored = readActiveAlerts(*store_);
  if (!stored.ok()) {
    spdlog::error("Cannot read the stored alerts ({}); republishing every active alert.",
                  stored.status().message());
  }
  std::vector<Alert> active = stored.ok() ? std::move(stored->alerts) : std::vector<Alert>();
  const TimeMs now = pipeline_->now();
  const size_t before = held_changes_.size();
  workflow_->reconcile(std::move(active), now, [&stored](Alert& a) {
    if (stored.ok()) stored->makeWhole(a);
  });
  if (held_changes_.size() > before) {
    spdlog::info("Publishing {} alert changes found at restart.", held_changes_.size() - before);
  }
  // Sinks that keep state (Alertmanager) start empty: give them every active alert.
  if (dispatcher_->hasStateSinks()) dispatcher_->seed(workflow_->activeAlerts(), now, steadyMs());
}

}  // namespace casewatch
