// Writes snapshots on a thread of its own, so the io_context only serialises (into a buffer) and
// hands the bytes over. A snapshot covers the journal's first `position` records; it is renamed
// into place only once the journal batch holding them is durable (a snapshot never covers an
// event the journal could still lose), then snapshots beyond `keep` are removed and journal
// segments wholly before the oldest kept one are deleted.
//
// Threads: submit() from one producer thread (the io_context); `done` runs on the writer thread
// (post, do not work). One snapshot at a time: submit() while busy() is refused.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"

namespace casewatch {

struct SnapshotJob {
  uint64_t position = 0;
  uint64_t config_fingerprint = 0;
  uint64_t journal_batch = 0;  // wait until the journal reports this batch durable
  std::string body;
  int keep = 2;
};

struct SnapshotResult {
  absl::Status status;
  uint64_t position = 0;
  uint64_t bytes = 0;
  double write_seconds = 0;
  uint64_t segments_compacted = 0;
};

class SnapshotWriter {
 public:
  using DurableBatchFn = std::function<uint64_t()>;  // any thread
  using DoneFn = std::function<void(SnapshotResult)>;

  SnapshotWriter(std::string data_dir, DurableBatchFn durable_batch, DoneFn done);
  ~SnapshotWriter();  // stop()s
  bool busy() const { return busy_.load(); }
  bool submit(SnapshotJob job);
  // Finishes the snapshot being written (if its journal batch becomes durable), then stops.
  void stop();
  // Writes `job` on the calling thread, once stop()ped (the clean stop's last snapshot).
  SnapshotResult writeNow(SnapshotJob job);

 private:
  void run();
  SnapshotResult write(SnapshotJob& job);

  const std::string data_dir_;
  DurableBatchFn durable_batch_;
  DoneFn done_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<SnapshotJob> job_;
  bool stopping_ = false;
  std::atomic<bool> busy_{false};
  std::thread thread_;
};

}  // namespace casewatch
