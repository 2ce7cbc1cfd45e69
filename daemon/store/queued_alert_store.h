// The write side every engine of the alert store shares: a queue filled from any thread and the
// store's own thread that hands everything queued to the engine as one batch (one transaction),
// retries a failed batch a few times, waits out an outage the engine names (keeping the writes),
// runs the callbacks after the commit, and keeps health() and the stats. An engine
// (sqlite_alert_store.h, postgres_alert_store.h) implements applyBatch() and the reads.
//
// Threads: the engine's applyBatch() runs on the store thread only. An engine starts the thread
// with startWriter() once its database is open, and calls stopWriter() first thing in close()
// (its destructor must close(): the thread calls into the engine).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <variant>

#include "daemon/store/alert_store.h"

namespace spdlog {
class logger;
}

namespace casewatch {

class QueuedAlertStore : public AlertStore {
 public:
  void addDeadLetters(std::vector<DeadLetter> letters) override;
  void recordAlertChanges(std::vector<AlertRecord> changes, CommitCallback on_committed) override;
  void recordOperatorAction(std::vector<AlertRecord> changes, std::optional<NamedSnapshot> state,
                            CommitCallback on_committed) override;
  void recordSharedOperatorAction(std::vector<AlertRecord> changes,
                                  std::optional<NamedSnapshot> state, std::string action,
                                  CommitCallback on_committed) override;
  void putSnapshot(std::string name, TimeMs at, std::string data) override;
  void addTrainingRows(std::vector<TrainingRow> rows) override;
  void recordModelFit(ModelFitRow fit) override;
  void purge(StorePurge what, PurgeCallback done) override;
  void flush() override;

  uint64_t deadLetterCount() const override {
    return dead_letter_count_.load(std::memory_order_relaxed);
  }
  const AlertStoreStats& stats() const override { return stats_; }
  absl::Status health() const override;
  bool holdingWrites() const override;
  void setOnHealthChange(std::function<void()> cb) override { on_health_change_ = std::move(cb); }
  void setCommitObserver(std::function<void(double seconds)> cb) override {
    on_commit_ = std::move(cb);
  }

 protected:
  struct DeadLettersOp {
    std::vector<DeadLetter> letters;
  };
  struct SnapshotOp {
    std::string name;
    TimeMs at = 0;
    std::string data;
  };
  struct AlertsOp {
    std::vector<AlertRecord> changes;
    CommitCallback on_committed;
    bool durable = false;                // an operator's action: committed durably
    std::optional<SnapshotOp> snapshot;  // written in the same transaction
    std::string shared_action;           // for the other replica of an HA pair; "" = none
  };
  struct TrainingRowsOp {
    std::vector<TrainingRow> rows;
  };
  struct ModelFitOp {
    ModelFitRow fit;
  };
  struct PurgeOp {
    StorePurge what;
    PurgeCallback done;
    StorePurgeCounts counts;  // set by applyBatch()
  };
  using Op = std::variant<DeadLettersOp, AlertsOp, SnapshotOp, TrainingRowsOp, ModelFitOp, PurgeOp>;

  QueuedAlertStore(size_t max_dead_letters, std::shared_ptr<spdlog::logger> logger);

  // Applies `ops` in one transaction: all of them or (rolled back, with the error) none.
  // `dead_letter_delta` gets how the count of dead letters moved (added, less trimmed and purged;
  // may wrap below zero). Store thread only.
  virtual absl::Status applyBatch(std::vector<Op>& ops, uint64_t& dead_letter_delta) = 0;
  // True for a failure the store waits out keeping the writes: the engines map a full disk to
  // ResourceExhausted and what passes by itself (a lost connection, an I/O error, a lock held
  // past the busy timeout) to Unavailable.
  bool isOutage(const absl::Status& failure) const;
  // Each kind of write, inside the engine's open transaction (store thread only).
  virtual absl::Status apply(DeadLettersOp& op, uint64_t& added) = 0;
  virtual absl::Status apply(AlertsOp& op) = 0;
  virtual absl::Status apply(SnapshotOp& op) = 0;
  virtual absl::Status apply(TrainingRowsOp& op) = 0;
  virtual absl::Status apply(ModelFitOp& op) = 0;
  virtual absl::Status apply(PurgeOp& op, uint64_t& dead_letters_deleted) = 0;
  // `ops` in order through apply(), stopping at the first failure; `added` and `purged` get the
  // dead letters inserted and deleted by a retention purge (both engines' applyBatch()).
  absl::Status applyEach(std::vector<Op>& ops, uint64_t& added, uint64_t& purged);
  // True when `ops` holds a duty officer's action (the batch must be committed durably).
  static bool holdsOperatorAction(const std::vector<Op>& ops);

  void startWriter(uint64_t dead_letters_stored);
  // Commits what is queued (or gives up on it) and joins the thread. False when already stopped.
  bool stopWriter();
  // After stopWriter(): health() says closed and flush() returns.
  void markClosed();

  const size_t max_dead_letters_;  // 0 = keep all
  std::shared_ptr<spdlog::logger> log_;
  AlertStoreStats stats_;

 private:
  void enqueue(Op op);
  void writerLoop();
  // After the attempts failed for an outage: keeps `ops` (and what is queued meanwhile, up to
  // `through`) and retries until they commit (true; `status` then OK) or the store stops.
  bool waitOutOutage(std::vector<Op>& ops, absl::Status& status, uint64_t& through);
  void setLastFailure(const absl::Status& status, bool holding);

  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<Op> queue_;
  uint64_t enqueued_ = 0;  // ops ever queued
  uint64_t done_ = 0;      // ops committed or given up on
  bool stopping_ = false;
  bool closed_ = false;
  int flushers_ = 0;           // flush() calls waiting
  absl::Status last_failure_;  // the last transaction given up on; OK once one commits
  bool holding_ = false;       // writes kept for an outage
  std::function<void()> on_health_change_;
  std::function<void(double)> on_commit_;
  std::atomic<uint64_t> dead_letter_count_{0};
  std::thread thread_;
};

}  // namespace casewatch
