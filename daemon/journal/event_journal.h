// The event journal: an append-only, checksummed log of every accepted event (already
// pseudonymised, so raw person ids never reach disk). On start-up the daemon replays it to rebuild
// case state; while running, the io thread appends each accepted event and commits a batch now and
// then; a writer thread of the journal's own writes each batch with one write() call and
// fdatasync()s it, then reports the batch durable. The format is in segment_reader.h.
//
// Crash safety: records are framed with a length and a crc32, so after a SIGKILL or power loss the
// valid prefix of the journal is exactly what reached the file. open() drops a torn or corrupt
// tail of the LAST segment (logged, and counted in truncatedBytesAtOpen()); a bad record in any
// earlier segment was fsynced before the next segment existed, so it is real corruption and open()
// fails with DataLoss naming the file and offset.
//
// Threads and ownership: open(), replay(), append(), commit(), pendingRecords(), recordCount() and
// close() belong to ONE producer thread (the io thread). The on-durable callback and the write
// observer run on the writer thread; set them before the first commit(). stats() may be read from
// any thread. commit() never does I/O; it blocks only for backpressure, while more than
// `max_queued_batches` batches are waiting for a healthy writer (i.e. when the disk is slower than
// the producer for several batches in a row).
//
// Errors: a failed write() (disk full, ...) is logged, counted and retried with backoff, leaving
// the file consistent; meanwhile commit() stops blocking and queued batches pile up in memory. A
// failed fdatasync() cannot be retried safely (the kernel may have dropped the dirty pages), so the
// journal turns failed: health() returns the error, later batches are dropped and counted, and no
// more batches are reported durable. The daemon should then stop; a restart reopens the journal
// cleanly.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "connectors/decode/case_event.h"

namespace spdlog {
class logger;
}

namespace casewatch {

struct JournalOptions {
  std::string dir;                         // the data dir; segments live in <dir>/journal/
  size_t segment_bytes = 64 << 20;         // start a new segment when a batch would pass this size
  bool fsync = true;                       // fdatasync each written batch (off only for benchmarks)
  size_t max_queued_batches = 4;           // commit() backpressure threshold
  std::shared_ptr<spdlog::logger> logger;  // null: spdlog's default logger
};

// Counters for metrics; updated by the writer thread, readable from any thread.
struct JournalStats {
  std::atomic<uint64_t> batches_written{0};
  std::atomic<uint64_t> records_written{0};
  std::atomic<uint64_t> bytes_written{0};  // including record framing and segment headers
  std::atomic<uint64_t> segments_created{0};
  std::atomic<uint64_t> write_errors{0};       // failed write()/create calls (each retried)
  std::atomic<uint64_t> records_dropped{0};    // batches thrown away after a failed fdatasync
  std::atomic<uint64_t> queued_batches{0};     // committed, not yet taken by the writer
  std::atomic<uint64_t> durable_batch{0};      // the last batch reported durable
  std::atomic<double> last_commit_seconds{0};  // write + fdatasync of the last write
};

// One write + fdatasync by the writer thread (it may cover several queued batches).
struct JournalWriteSample {
  double seconds = 0;  // write() + fdatasync()
  size_t batches = 0;
  size_t records = 0;
  size_t bytes = 0;
};

class EventJournal {
 public:
  using DurableCallback = std::function<void(uint64_t batch)>;
  using WriteObserver = std::function<void(const JournalWriteSample&)>;

  // Creates <dir>/journal if needed, checks every segment, truncates a torn tail of the last one,
  // and starts the writer thread. Errors: DataLoss (corruption before the tail, a gap between
  // segments), Internal (I/O).
  static absl::StatusOr<std::unique_ptr<EventJournal>> open(JournalOptions options);
  ~EventJournal();  // close()s
  EventJournal(const EventJournal&) = delete;
  EventJournal& operator=(const EventJournal&) = delete;

  // Calls `fn` with every record in order. Call at most once, after open() and before any
  // append(). DataLoss if a record fails to decode; FailedPrecondition if misused.
  absl::Status replay(const std::function<void(const CaseEvent&)>& fn);

  // Records in the journal, counting those appended but not yet written.
  uint64_t recordCount() const { return next_index_; }
  // Bytes open() dropped from the tail of the last segment (a metric; 0 after a clean stop).
  uint64_t truncatedBytesAtOpen() const { return truncated_bytes_; }

  // Encodes `ev` into the pending batch. No I/O, no allocation once the buffers have grown.
  void append(const CaseEvent& ev);
  // Hands the pending batch to the writer and returns its number (1, 2, ...). With nothing
  // pending, returns the last number and does nothing.
  uint64_t commit();
  size_t pendingRecords() const { return pending_records_; }

  void setOnDurable(DurableCallback cb) { on_durable_ = std::move(cb); }
  void setWriteObserver(WriteObserver cb) { observer_ = std::move(cb); }

  // OK, or why the writer gave up (a failed fdatasync).
  absl::Status health() const;
  const JournalStats& stats() const { return stats_; }

  // Commits anything pending, waits until every committed batch is written (and durable, unless
  // the journal failed), then stops the writer thread. Idempotent.
  void close();

 private:
  struct Segment {
    std::string path;
    uint64_t first_index = 0;
    uint64_t records = 0;
    uint64_t valid_bytes = 0;
  };
  struct Batch {
    uint64_t number = 0;
    uint64_t first_index = 0;
    size_t records = 0;
    std::string data;
  };

  explicit EventJournal(JournalOptions options);
  absl::Status load();
  absl::Status scanSegment(Segment& seg, bool last);
  // Creates a segment holding only its header; returns its descriptor, open for appending.
  absl::StatusOr<int> createSegment(uint64_t first_index);

  void writerLoop();
  void writeBatches(std::vector<Batch>& work);
  // write()s every byte of [first, last) of `work`, retrying errors with backoff. False only when
  // giving up (stopping and the disk still refuses).
  bool writeAll(std::vector<Batch>& work, size_t first, size_t last);
  bool rotate(uint64_t first_index);
  void setStalled(bool stalled);
  void fail(absl::Status status);
  bool stoppingFor(std::chrono::steady_clock::time_point since);

  const JournalOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  std::string journal_dir_;
  std::vector<Segment> segments_;  // as found by open(); used by replay()
  uint64_t truncated_bytes_ = 0;
  bool replayed_ = false;

  // Producer side.
  std::string pending_;
  size_t pending_records_ = 0;
  uint64_t pending_first_index_ = 0;
  uint64_t next_index_ = 0;
  uint64_t last_batch_ = 0;
  bool closed_ = false;

  // Writer side (touched only by the writer thread once it runs).
  int fd_ = -1;
  int dir_fd_ = -1;
  uint64_t segment_bytes_written_ = 0;
  DurableCallback on_durable_;
  WriteObserver observer_;

  // Shared, under mu_.
  mutable std::mutex mu_;
  std::condition_variable work_cv_;      // writer waits for batches
  std::condition_variable not_full_cv_;  // producer waits for queue space
  std::deque<Batch> queue_;
  std::vector<std::string> free_buffers_;
  bool stopping_ = false;
  bool stalled_ = false;  // the writer is retrying a failed write: commit() must not block
  absl::Status failed_;

  JournalStats stats_;
  std::thread writer_;
};

using EventJournalPtr = std::unique_ptr<EventJournal>;

}  // namespace casewatch
