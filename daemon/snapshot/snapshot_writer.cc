#include "daemon/snapshot/snapshot_writer.h"

#include <chrono>

#include "base/thread_role.h"
#include "daemon/journal/journal_compaction.h"
#include "daemon/snapshot/snapshot_file.h"

namespace casewatch {

SnapshotWriter::SnapshotWriter(std::string data_dir, DurableBatchFn durable_batch, DoneFn done)
    : data_dir_(std::move(data_dir)),
      durable_batch_(std::move(durable_batch)),
      done_(std::move(done)),
      thread_([this] { run(); }) {}

SnapshotWriter::~SnapshotWriter() {
  stop();
}

bool SnapshotWriter::submit(SnapshotJob job) {
  if (busy_.exchange(true)) return false;
  {
    std::lock_guard lock(mu_);
    job_ = std::move(job);
  }
  cv_.notify_one();
  return true;
}

void SnapshotWriter::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

SnapshotResult SnapshotWriter::writeNow(SnapshotJob job) {
  stop();
  return write(job);
}

void SnapshotWriter::run() {
  nameThisThread("cw-snapshot");
  for (;;) {
    SnapshotJob job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || job_.has_value(); });
      if (!job_) return;
      job = std::move(*job_);
      job_.reset();
    }
    SnapshotResult r = write(job);
    busy_.store(false);
    done_(std::move(r));
  }
}

SnapshotResult SnapshotWriter::write(SnapshotJob& job) {
  SnapshotResult r;
  r.position = job.position;
  const auto t0 = std::chrono::steady_clock::now();
  // The journal's group commit is a few milliseconds behind at most; a failed journal never
  // catches up, and then the snapshot is not written (it would cover events the journal lacks).
  const auto give_up = t0 + std::chrono::seconds(60);
  while (durable_batch_() < job.journal_batch) {
    if (std::chrono::steady_clock::now() > give_up) {
      r.status = absl::UnavailableError("snapshot: the journal did not make its events durable");
      return r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  auto bytes = writeSnapshotFile(data_dir_, job.position, job.config_fingerprint, job.body);
  r.write_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!bytes.ok()) {
    r.status = bytes.status();
    return r;
  }
  r.bytes = *bytes;
  job.body = std::string();  // free it before compaction's I/O
  const uint64_t oldest = pruneSnapshots(data_dir_, job.keep);
  r.segments_compacted = compactJournalBefore(data_dir_, oldest);
  return r;
}

}  // namespace casewatch
