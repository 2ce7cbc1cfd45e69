// Delivery positions: every alert change gets a position in decision order; it is held until the
// events behind it are durable, recorded in the store, then published; the published position is
// kept in <data_dir>/published.pos, so that after a crash nothing is published twice and nothing
// recorded goes unpublished.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

#include "alerts/alert_archive.h"
#include "base/str_cat.h"
#include "daemon/app.h"
#include "daemon/app_parts.h"
#include "daemon/service/kill_point.h"

namespace casewatch {

using app::jsonOptions;
using app::kOnTheWire;
using app::kRecordedPositionSnapshot;
using app::kStoreBehindChanges;
using app::kStoreCaughtUpChanges;
using app::steadyMs;
using app::toRecord;

uint64_t App::nextChangePosition() {
  const uint64_t base = events_journaled_ << 20;
  last_position_ = last_position_ >= base ? last_position_ + 1 : base;
  return last_position_;
}

void App::writePublishedPosition(uint64_t pos) {
  // No fsync: the kernel keeps the write across a SIGKILL; after a power loss the position may be
  // older, and the changes after it are published again (at least once).
  if (::pwrite(published_fd_, &pos, sizeof pos, 0) != sizeof pos) {
    spdlog::warn("Cannot write {}/published.pos: {}", config_.data_dir, std::strerror(errno));
    return;
  }
  published_written_ = std::max(published_written_, pos);
}

void App::alertChanged(AlertChange&& change) {
  workflow_->onBookChange(std::move(change));
}

void App::submitChange(AlertChange&& change) {
  const uint64_t pos = nextChangePosition();
  change.seq = pos;
  if (recovering_) {
    if (pos <= published_position_) return;  // recorded and published before the restart
    if (pos <= recorded_position_) {
      publish_only_.emplace_back(pos, std::move(change));
    } else {
      held_changes_.push_back(HeldChange{0, pos, std::move(change)});  // its events are durable
    }
    return;
  }
  // The change depends on every event applied so far: hold it until their batch is durable.
  const uint64_t needed = journal_->pendingRecords() > 0 ? committed_batch_ + 1 : committed_batch_;
  held_changes_.push_back(
      HeldChange{needed, pos, std::move(change), false, deciding_batch_arrived_ns_});
  if (needed <= durable_batch_) releaseAlerts();
}

void App::commitJournal() {
  if (journal_->pendingRecords() == 0) return;
  committed_batch_ = journal_->commit();
  last_commit_ms_ = steadyMs();
}

void App::commitIfIdle() {
  // Group commit that waits only under load. Events that find the journal idle are committed at
  // once: at the rates of a live deployment (well under one event per commit_interval_ms) each
  // alert then waits for one write and fdatasync, not for the timer's next tick as well (up to
  // commit_interval_ms). Under load the commits keep the timer's pace: committing whenever the
  // previous one was durable cost an fdatasync per one or two events at 5,000 events/s, and the
  // journal thread 13 s of CPU a minute instead of 1.6 s.
  if (stopping_ || committed_batch_ > durable_batch_ ||
      steadyMs() - last_commit_ms_ < config_.store.commit_interval_ms) {
    return;
  }
  commitJournal();
}

void App::onDurable(uint64_t batch) {
  durable_batch_ = std::max(durable_batch_, batch);
  releaseAlerts();
  commitIfIdle();  // what came while that commit was under way, if the interval has passed
}

void App::releaseAlerts() {
  std::vector<AlertChange> ready;
  std::vector<uint64_t> positions;
  std::vector<bool> recorded;    // an operator's action, already committed (app_operations.cc)
  std::vector<int64_t> arrived;  // the deciding batches' arrivals, where a batch decided them
  uint64_t last = 0;
  while (!held_changes_.empty() && held_changes_.front().batch <= durable_batch_) {
    recorded.push_back(held_changes_.front().recorded);
    if (held_changes_.front().batch_arrived_ns != 0) {
      arrived.push_back(held_changes_.front().batch_arrived_ns);
    }
    ready.push_back(std::move(held_changes_.front().change));
    last = held_changes_.front().position;
    positions.push_back(last);
    held_changes_.pop_front();
  }
  if (ready.empty()) return;
  std::vector<AlertRecord> records;
  records.reserve(ready.size());
  const AlertJsonOptions jo = jsonOptions(config_);
  for (size_t i = 0; i < ready.size(); ++i) {
    AlertChange& c = ready[i];
    if (recorded[i]) continue;  // encoded and recorded when it was committed
    // Encoded once (here, or at start-up's reconcile); the store, the bus and the API's stream
    // print this encoding.
    if (!c.encoded || c.encoded->options != jo) c.encoded = encodeAlert(c.alert, jo);
    records.push_back(toRecord(c, jo));
  }
  auto shared = std::make_shared<std::vector<AlertChange>>(std::move(ready));
  // Recorded first, then published: what the store says was published is what consumers saw.
  // Through the store's queue even when every change was recorded already (an operator's
  // action), so that publication keeps the changes' order.
  auto shared_positions = std::make_shared<std::vector<uint64_t>>(std::move(positions));
  recording_.push_back(RecordingBatch{shared, std::move(recorded)});
  unrecorded_changes_ += shared->size();
  store_->recordAlertChanges(
      std::move(records),
      [this, shared, shared_positions, arrived = std::move(arrived)](const absl::Status& s) {
        if (!s.ok())
          spdlog::error("Recording alert changes failed: {}; publishing anyway.", s.message());
        boost::asio::post(io_, [this, shared, shared_positions, arrived] {
          killPointForTest("alerts.recorded");
          recordingDone(shared);
          deliverEach(std::move(*shared), std::move(*shared_positions));
          observePublishLatency(arrived);
          startWaitingAction();  // an action waits for the changes decided before it
        });
      });
  store_->putSnapshot(std::string(kRecordedPositionSnapshot), pipeline_->now(),
                      std::to_string(last));
  if (!store_behind_ && unrecorded_changes_ >= kStoreBehindChanges) {
    store_behind_ = true;
    ++store_behind_episodes_;
    if (steadyMs() - store_behind_logged_ms_ >= 60000) {
      store_behind_logged_ms_ = steadyMs();
      spdlog::warn(
          "The store is {} alert changes behind: intake waits until it is down to {} "
          "(casewatch_intake_store_waits_total; logged at most once a minute).",
          unrecorded_changes_, kStoreCaughtUpChanges);
    }
  }
}

void App::observePublishLatency(const std::vector<int64_t>& arrived) {
  if (arrived.empty()) return;
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  for (const int64_t t : arrived) metrics_->publishLatency(static_cast<double>(now - t) * 1e-9);
}

void App::recordingDone(const std::shared_ptr<std::vector<AlertChange>>& batch) {
  // The store answers in order; searched all the same, so that an answer out of order can never
  // leave a batch counted for good.
  auto it = std::find_if(recording_.begin(), recording_.end(),
                         [&](const RecordingBatch& r) { return r.changes == batch; });
  if (it != recording_.end()) {
    unrecorded_changes_ -= it->changes->size();
    recording_.erase(it);
  }
  if (store_behind_ && unrecorded_changes_ <= kStoreCaughtUpChanges) {
    store_behind_ = false;
    // Posted: this runs inside the store's answer, which must finish delivering first.
    boost::asio::post(io_, [this] { applyDeferredBatches(); });
  }
}

void App::deliver(std::vector<AlertChange> changes, uint64_t last_position) {
  if (!publishing_open_) {
    for (auto& c : changes) publish_backlog_.push_back(std::move(c));
    backlog_position_ = std::max(backlog_position_, last_position);
    return;
  }
  dispatcher_->deliver(changes, steadyMs());
  killPointForTest("alerts.published");
  for (AlertChange& c : changes) markSent(std::move(c));
}

void App::markSent(AlertChange&& change) {
  sent_changes_.push_back(SentChange{steadyMs(), std::move(change)});
}

void App::advancePublishedPosition(bool all) {
  const int64_t cutoff = steadyMs() - kOnTheWire.count();
  uint64_t pos = 0;
  while (!sent_changes_.empty() && (all || sent_changes_.front().steady_ms <= cutoff)) {
    pos = std::max(pos, sent_changes_.front().change.seq);
    sent_changes_.pop_front();
  }
  if (pos != 0) writePublishedPosition(pos);
}

void App::deliverEach(std::vector<AlertChange> changes, std::vector<uint64_t> positions) {
  if (!publishing_open_) {
    const uint64_t last = positions.empty() ? 0 : positions.back();
    return deliver(std::move(changes), last);
  }
  const int64_t now = steadyMs();
  for (size_t i = 0; i < changes.size(); ++i) {
    dispatcher_->deliverOne(changes[i], now);
    killPointForTest("alerts.published");
    markSent(std::move(changes[i]));
  }
}

bool App::hasUnsettledChanges() const {
  return !held_changes_.empty() || !recording_.empty() || !publish_backlog_.empty() ||
         (!sent_changes_.empty() && sent_changes_.back().change.seq > published_written_);
}

size_t App::saveUnsettledChanges(ArchiveOut& out) const {
  // (recorded, change): sent and backlogged changes were recorded; a batch being recorded may or
  // may not be (the restart's recorded position says), except an operator's action in it, which
  // its own commit recorded; a held one only if an operator's action committed it.
  std::vector<std::pair<bool, const AlertChange*>> unsettled;
  for (const SentChange& s : sent_changes_) {
    if (s.change.seq > published_written_) unsettled.emplace_back(true, &s.change);
  }
  for (const AlertChange& c : publish_backlog_) unsettled.emplace_back(true, &c);
  for (const RecordingBatch& batch : recording_) {
    for (size_t i = 0; i < batch.changes->size(); ++i) {
      unsettled.emplace_back(batch.recorded[i], &(*batch.changes)[i]);
    }
  }
  for (const HeldChange& h : held_changes_) unsettled.emplace_back(h.recorded, &h.change);
  std::stable_sort(unsettled.begin(), unsettled.end(),
                   [](const auto& a, const auto& b) { return a.second->seq < b.second->seq; });
  out.count(unsettled.size());
  for (const auto& [recorded, c] : unsettled) {
    out.pod(recorded);
    saveAlertChange(out, *c);
  }
  return unsettled.size();
}

bool App::loadUnsettledChanges(ArchiveIn& in, std::vector<std::pair<bool, AlertChange>>& out) {
  out.clear();
  size_t n = 0;
  if (!in.count(n, 64)) return false;
  out.resize(n);
  for (auto& [recorded, c] : out) {
    if (!in.pod(recorded) || !loadAlertChange(in, c)) return false;
  }
  return in.ok();
}

void App::restoreUnsettledChanges(std::vector<std::pair<bool, AlertChange>> changes) {
  // As submitChange() sorts the changes a full replay decides again: published before the crash
  // (dropped), recorded but not published (published), neither (recorded, then published).
  for (auto& [recorded, c] : changes) {
    const uint64_t pos = c.seq;
    if (pos <= published_position_) continue;
    if (recorded || pos <= recorded_position_) {
      publish_only_.emplace_back(pos, std::move(c));
    } else {
      held_changes_.push_back(HeldChange{0, pos, std::move(c)});
    }
  }
}

}  // namespace casewatch
