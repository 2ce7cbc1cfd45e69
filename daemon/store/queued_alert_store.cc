// The write queue and the store thread (queued_alert_store.h): everything queued goes to the engine
// in one transaction, retried a few times before it is given up on, or kept through an outage.
#include "daemon/store/queued_alert_store.h"

#include <type_traits>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "base/thread_role.h"

namespace casewatch {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kCommitAttempts = 3;
// How long a flush() (a stop) waits for an outage to take the writes kept for it.
constexpr auto kFlushGrace = std::chrono::seconds(5);

}  // namespace

QueuedAlertStore::QueuedAlertStore(size_t max_dead_letters, std::shared_ptr<spdlog::logger> logger)
    : max_dead_letters_(max_dead_letters),
      log_(logger ? std::move(logger) : spdlog::default_logger()) {}

bool QueuedAlertStore::holdsOperatorAction(const std::vector<Op>& ops) {
  return std::any_of(ops.begin(), ops.end(), [](const Op& op) {
    const auto* a = std::get_if<AlertsOp>(&op);
    return a != nullptr && a->durable;
  });
}

void QueuedAlertStore::startWriter(uint64_t dead_letters_stored) {
  dead_letter_count_.store(dead_letters_stored);
  thread_ = std::thread([this] { writerLoop(); });
}

bool QueuedAlertStore::stopWriter() {
  {
    std::lock_guard lk(mu_);
    if (stopping_) return false;
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  return true;
}

void QueuedAlertStore::markClosed() {
  {
    std::lock_guard lk(mu_);
    closed_ = true;
  }
  done_cv_.notify_all();
}

void QueuedAlertStore::enqueue(Op op) {
  {
    std::lock_guard lk(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(op));
      ++enqueued_;
      stats_.queue_depth.store(queue_.size(), std::memory_order_relaxed);
      work_cv_.notify_one();
      return;
    }
  }
  // After close(): nothing will write it.
  stats_.writes_dropped.fetch_add(1, std::memory_order_relaxed);
  log_->warn("store: a write after close was dropped");
  if (auto* a = std::get_if<AlertsOp>(&op); a && a->on_committed) {
    a->on_committed(absl::FailedPreconditionError("store: closed"));
  }
}

void QueuedAlertStore::addDeadLetters(std::vector<DeadLetter> letters) {
  if (letters.empty()) return;
  enqueue(DeadLettersOp{std::move(letters)});
}

void QueuedAlertStore::recordAlertChanges(std::vector<AlertRecord> changes,
                                          CommitCallback on_committed) {
  enqueue(
      AlertsOp{std::move(changes), std::move(on_committed), /*durable=*/false, std::nullopt, {}});
}

void QueuedAlertStore::recordOperatorAction(std::vector<AlertRecord> changes,
                                            std::optional<NamedSnapshot> state,
                                            CommitCallback on_committed) {
  AlertsOp op{std::move(changes), std::move(on_committed), /*durable=*/true, std::nullopt, {}};
  if (state) op.snapshot = SnapshotOp{std::move(state->name), state->at, std::move(state->data)};
  enqueue(std::move(op));
}

void QueuedAlertStore::recordSharedOperatorAction(std::vector<AlertRecord> changes,
                                                  std::optional<NamedSnapshot> state,
                                                  std::string action, CommitCallback on_committed) {
  AlertsOp op{std::move(changes), std::move(on_committed), /*durable=*/true, std::nullopt,
              std::move(action)};
  if (state) op.snapshot = SnapshotOp{std::move(state->name), state->at, std::move(state->data)};
  enqueue(std::move(op));
}

void QueuedAlertStore::putSnapshot(std::string name, TimeMs at, std::string data) {
  enqueue(SnapshotOp{std::move(name), at, std::move(data)});
}

void QueuedAlertStore::addTrainingRows(std::vector<TrainingRow> rows) {
  if (rows.empty()) return;
  enqueue(TrainingRowsOp{std::move(rows)});
}

void QueuedAlertStore::recordModelFit(ModelFitRow fit) {
  enqueue(ModelFitOp{std::move(fit)});
}

void QueuedAlertStore::purge(StorePurge what, PurgeCallback done) {
  enqueue(PurgeOp{std::move(what), std::move(done), {}});
}

void QueuedAlertStore::flush() {
  std::unique_lock lk(mu_);
  const uint64_t target = enqueued_;
  ++flushers_;
  done_cv_.wait(lk, [&] { return done_ >= target || closed_; });
  --flushers_;
}

void QueuedAlertStore::writerLoop() {
  nameThisThread("cw-store");
  std::vector<Op> ops;
  for (;;) {
    uint64_t through = 0;
    {
      std::unique_lock lk(mu_);
      work_cv_.wait(lk, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) break;  // stopping, and everything queued is done
      while (!queue_.empty()) {
        ops.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      through = enqueued_;
      stats_.queue_depth.store(0, std::memory_order_relaxed);
    }

    absl::Status status;
    for (int attempt = 1; attempt <= kCommitAttempts; ++attempt) {
      const auto t0 = SteadyClock::now();
      uint64_t dead_letter_delta = 0;
      status = applyBatch(ops, dead_letter_delta);
      if (status.ok()) {
        stats_.commits.fetch_add(1, std::memory_order_relaxed);
        const double seconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();
        stats_.last_commit_seconds.store(seconds, std::memory_order_relaxed);
        if (on_commit_) on_commit_(seconds);
        dead_letter_count_.fetch_add(dead_letter_delta, std::memory_order_relaxed);
        break;
      }
      stats_.commit_errors.fetch_add(1, std::memory_order_relaxed);
      log_->error("store: commit failed (attempt {} of {}): {}", attempt, kCommitAttempts,
                  std::string(status.message()));
      if (attempt < kCommitAttempts) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100) * attempt);
      }
    }
    if (!status.ok() && isOutage(status) && waitOutOutage(ops, status, through)) {
      status = absl::OkStatus();
    }
    if (!status.ok() && !ops.empty()) {
      stats_.writes_dropped.fetch_add(ops.size(), std::memory_order_relaxed);
      log_->error("store: dropped {} queued writes", ops.size());
    }
    // health() says how the batch went before anyone hears of it: a write kept through an outage
    // is answered once the store is healthy again, not while health() still names the outage.
    bool health_changed = false;
    {
      std::lock_guard lk(mu_);
      health_changed = last_failure_.ok() != status.ok() || holding_;
      last_failure_ = status;
      holding_ = false;
    }
    // Callbacks only after COMMIT (or the final failure), and before flush() returns.
    for (Op& op : ops) {
      if (auto* a = std::get_if<AlertsOp>(&op); a && a->on_committed) a->on_committed(status);
      if (auto* p = std::get_if<PurgeOp>(&op); p && p->done) {
        p->done(status, status.ok() ? p->counts : StorePurgeCounts{});
      }
    }
    ops.clear();
    {
      std::lock_guard lk(mu_);
      done_ = through;
    }
    done_cv_.notify_all();
    if (health_changed && on_health_change_) on_health_change_();
  }
}

bool QueuedAlertStore::waitOutOutage(std::vector<Op>& ops, absl::Status& status,
                                     uint64_t& through) {
  // Nothing is dropped for an outage (a full disk, a database out of reach): the writes are kept
  // and tried again until it is over (health() says so meanwhile, and the App stops taking events,
  // so that what waits stays small). A duty officer's action is answered with the error at once
  // (the API says 503) rather than left waiting; writes queued meanwhile join the ones kept. Only
  // close(), or a flush() that has waited kFlushGrace (a stop), ends the wait: then they are
  // dropped as before.
  auto backoff = std::chrono::milliseconds(200);
  std::optional<SteadyClock::time_point> flush_seen;
  for (;;) {
    const auto answer = [&](std::vector<Op>& from) {
      std::erase_if(from, [&](Op& op) {
        auto* a = std::get_if<AlertsOp>(&op);
        if (a == nullptr || !a->durable) return false;
        if (a->on_committed) a->on_committed(status);
        stats_.writes_dropped.fetch_add(1, std::memory_order_relaxed);
        return true;
      });
    };
    answer(ops);
    // Only actions were waiting, answered now: nothing is kept (health() still says why).
    if (ops.empty()) return false;
    {
      std::lock_guard lk(mu_);
      if (stopping_) return false;
      if (flushers_ > 0 && !flush_seen) flush_seen = SteadyClock::now();
      if (flush_seen && SteadyClock::now() - *flush_seen > kFlushGrace) return false;
      const bool changed =
          last_failure_.ok() || !holding_ || last_failure_.message() != status.message();
      last_failure_ = status;
      holding_ = true;
      if (changed && on_health_change_) on_health_change_();
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    {
      std::lock_guard lk(mu_);
      while (!queue_.empty()) {
        ops.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      through = enqueued_;
      stats_.queue_depth.store(0, std::memory_order_relaxed);
    }
    answer(ops);
    uint64_t dead_letter_delta = 0;
    status = applyBatch(ops, dead_letter_delta);
    if (status.ok()) {
      stats_.commits.fetch_add(1, std::memory_order_relaxed);
      dead_letter_count_.fetch_add(dead_letter_delta, std::memory_order_relaxed);
      log_->warn("store: writes recovered; {} kept writes committed", ops.size());
      return true;
    }
    stats_.commit_errors.fetch_add(1, std::memory_order_relaxed);
    if (!isOutage(status)) return false;
  }
}

bool QueuedAlertStore::isOutage(const absl::Status& failure) const {
  return failure.code() == absl::StatusCode::kUnavailable ||
         failure.code() == absl::StatusCode::kResourceExhausted;
}

absl::Status QueuedAlertStore::health() const {
  std::lock_guard lk(mu_);
  if (closed_ || stopping_) return absl::FailedPreconditionError("store: closed");
  if (!last_failure_.ok()) {
    std::string why = "store: writes are failing: " + std::string(last_failure_.message());
    return last_failure_.code() == absl::StatusCode::kResourceExhausted
               ? absl::ResourceExhaustedError(std::move(why))
               : absl::UnavailableError(std::move(why));
  }
  return absl::OkStatus();
}

bool QueuedAlertStore::holdingWrites() const {
  std::lock_guard lk(mu_);
  return holding_ && !closed_ && !stopping_;
}

absl::Status QueuedAlertStore::applyEach(std::vector<Op>& ops, uint64_t& added, uint64_t& purged) {
  for (Op& op : ops) {
    absl::Status status = std::visit(
        [&](auto& o) {
          if constexpr (std::is_same_v<std::decay_t<decltype(o)>, DeadLettersOp>) {
            return apply(o, added);
          } else if constexpr (std::is_same_v<std::decay_t<decltype(o)>, PurgeOp>) {
            o.counts = {};  // a retried transaction counts again
            return apply(o, purged);
          } else {
            return apply(o);
          }
        },
        op);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace casewatch
