// The App's part of the daily retention purge (daemon/retention/case_purge.h runs the case side
// inside the pipeline): the store deletes the purged cases' training rows, resolved alerts past
// retention.alert_history_days with their history and dead letters past
// retention.dead_letter_days; the figures are counted and logged (counts only: no case or person
// id is ever logged); and, when cases went, the next snapshot is taken at once and replaces every
// older one, while the journal starts a new segment, so that compaction deletes the segments
// holding the purged cases' events and a restart cannot bring them back.
//
// Order: the store's part waits until every alert change decided before the purge has been handed
// to the store (they wait for the journal first), so that an alert resolved long ago but recorded
// a moment ago is not missed; a stop hands it over after the last records. Purges that fall due
// meanwhile (a replay catching up on several days) are merged into one.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "daemon/app.h"

namespace casewatch {

void App::purged(CasePurge&& purge) {
  const RetentionConfig& rc = config_.retention;
  const TimeMs now = purge.at;
  retention_metrics_->ran(static_cast<double>(now) / 1000.0);
  retention_metrics_->purged("cases", purge.cases);
  retention_metrics_->purged("visits", purge.visits);
  retention_metrics_->purged("persons", purge.persons);
  if (purge.cases > 0 || purge.visits > 0) {
    purge_snapshot_due_ = true;
    // The records so far end a segment (the event whose time brought the purge among them),
    // and the next one starts a batch and a new segment.
    journal_->startSegmentAt(journal_->recordCount());
    if (!recovering_) commitJournal();
    if (!config_.snapshot.enabled) {
      spdlog::warn(
          "Retention: snapshots are off, so the journal is never compacted: the purged cases' "
          "events stay in it and are purged again after each restart.");
    }
  }
  StorePurge& what = store_purge_due_ ? *store_purge_due_ : store_purge_due_.emplace();
  what.case_ids.insert(what.case_ids.end(), std::make_move_iterator(purge.case_ids.begin()),
                       std::make_move_iterator(purge.case_ids.end()));
  if (rc.alert_history_days > 0) {
    what.resolved_before =
        std::max(what.resolved_before, now - TimeMs{rc.alert_history_days} * kMsPerDay);
  }
  if (rc.dead_letter_days > 0) {
    what.dead_letters_before =
        std::max(what.dead_letters_before, now - TimeMs{rc.dead_letter_days} * kMsPerDay);
  }
  purge_totals_.cases += purge.cases;
  purge_totals_.visits += purge.visits;
  purge_totals_.persons += purge.persons;
  // Not while the journal is replayed at start-up: start-up waits for the store to commit what is
  // queued before it serves, and the purge is the longest thing it could wait for (20 s at a
  // million cases); the first tick hands it over.
  if (!recovering_) submitStorePurge(false);
}

void App::submitStorePurge(bool force) {
  if (!store_purge_due_ || (!force && !held_changes_.empty())) return;
  StorePurge what = std::move(*store_purge_due_);
  store_purge_due_.reset();
  const CasePurge totals = std::exchange(purge_totals_, {});
  if (what.case_ids.empty() && what.resolved_before == 0 && what.dead_letters_before == 0) return;
  // Counted and logged once the store has committed (on its thread).
  store_->purge(std::move(what), [m = retention_metrics_.get(), totals](const absl::Status& status,
                                                                        const StorePurgeCounts& n) {
    if (!status.ok()) {
      spdlog::error(
          "Retention purge: the store's part failed ({}); it is not retried (the next purge "
          "deletes what has aged by then).",
          std::string(status.message()));
      return;
    }
    m->purged("alerts", n.alerts);
    m->purged("alert_history", n.alert_history);
    m->purged("dead_letters", n.dead_letters);
    m->purged("training_rows", n.training_rows);
    if (totals.cases == 0 && totals.visits == 0 && n.alerts == 0 && n.dead_letters == 0 &&
        n.training_rows == 0) {
      return;
    }
    spdlog::info(
        "Retention purge: {} closed cases, {} visits and {} persons forgotten; {} resolved alerts "
        "({} history rows), {} dead letters and {} training rows deleted from the store.",
        totals.cases, totals.visits, totals.persons, n.alerts, n.alert_history, n.dead_letters,
        n.training_rows);
  });
}

}  // namespace casewatch
