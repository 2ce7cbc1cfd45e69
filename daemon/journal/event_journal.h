// The event journal: an append-only, checksummed log of every accepted event (already
// pseudonymised, so raw person ids never reach disk). On start-up the daemon replays it to rebuild
// case state; while running, the io thread appends each accepted event and commits a batch now and
// then; a writer thread of the journal's own writes each batch with one write() call and
// fdatasync()s it, then reports the batch durable. The format is in segment_reader.h.
//
// Crash safety: records are framed with a length and a crc32, so after a SIGKILL or power loss the
// valid prefix of the journal is exactly what reached the file. open() tells a torn tail from
// corruption (record_resync.h):
//   - a bad record at the end of the LAST segment, with no valid record after it, is a torn tail
//     (a crash mid-write): it is dropped with a warning and counted in recovery().torn_tail_bytes;
//   - a bad record followed by valid records, or a bad record in any earlier segment (fsynced
//     before the next segment existed), is corruption: open() fails with DataLoss naming the
//     segment file and the byte offset of the bad record, and changes nothing. Only with
//     `truncate_corrupt` (the operator's --truncate-corrupt-journal) does it cut the journal at the
//     bad record instead: the dropped bytes are first copied to `<segment>.dropped-at-<offset>`,
//     later segments are renamed `<segment>.dropped`, and it is logged as an error and counted
//     in recovery().
// One case this cannot tell apart: a power loss (not a process crash) in the middle of writing a
// batch may reach the disk with a later page of the write but not an earlier one; that too shows
// as corruption and needs the flag, although those records were never reported durable.
//
// Threads and ownership: open(), replay(), append(), commit(), pendingRecords(), recordCount() and
// close() belong to ONE producer thread (the io thread). The on-durable callback and the write
// observer run on the writer thread; set them before the first commit(). stats() may be read from
// any thread. commit() never does I/O; it blocks only for backpressure, while more than
// `max_queued_batches` batches are waiting for a healthy writer (i.e. when the disk is slower than
// the producer for several batches in a row).
//
// Errors: a failed write() (disk full, ...) is logged, counted and retried with backoff, leaving
// the file consistent; meanwhile commit() stops blocking, and the daemon stops taking input
// (its App pauses intake on health()), so the batches queued meanwhile stay few. A
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
  std::string dir;                  // the data dir; segments live in <dir>/journal/
  size_t segment_bytes = 64 << 20;  // start a new segment when a batch would pass this size
  bool fsync = true;                // fdatasync each written batch (off only for benchmarks)
  size_t max_queued_batches = 4;    // commit() backpressure threshold
  // At a corrupt record followed by valid ones: cut the journal there (true) or refuse to open
  // with DataLoss (false). The operator's explicit choice (--truncate-corrupt-journal).
  bool truncate_corrupt = false;
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

// What open() dropped to recover the journal (metrics and logs). Zero after a clean stop.
struct JournalRecovery {
  uint64_t torn_tail_bytes = 0;      // a torn tail of the last segment (a crash mid-write)
  uint64_t corrupt_truncations = 0;  // cuts at a corrupt record (only with truncate_corrupt)
  uint64_t corrupt_bytes = 0;        // bytes dropped by those cuts, later segments included
  uint64_t segments_set_aside = 0;   // later segments renamed *.dropped by such a cut
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
  // and starts the writer thread. Errors: DataLoss (a corrupt record with valid data after it,
  // unless `truncate_corrupt`; a gap between segments), Internal (I/O).
  static absl::StatusOr<std::unique_ptr<EventJournal>> open(JournalOptions options);
  ~EventJournal();  // close()s
  EventJournal(const EventJournal&) = delete;
  EventJournal& operator=(const EventJournal&) = delete;

  // Calls `fn` with every record in order. Call at most once, after open() and before any
  // append(). DataLoss if a record fails to decode; FailedPrecondition if misused.
  // `from`: the records before it are skipped (a snapshot covers them); segments wholly before
  // it are not read.
  absl::Status replay(const std::function<void(const CaseEvent&)>& fn, uint64_t from = 0);
  // The index of the first record the journal still holds (0 until it is compacted).
  uint64_t firstIndex() const { return segments_.empty() ? 0 : segments_.front().first_index; }

  // Records in the journal, counting those appended but not yet written.
  uint64_t recordCount() const { return next_index_; }
  // Bytes open() dropped from the tail of the last segment (a metric; 0 after a clean stop).
  uint64_t truncatedBytesAtOpen() const { return recovery_.torn_tail_bytes; }
  const JournalRecovery& recovery() const { return recovery_; }

  // Encodes `ev` into the pending batch. No I/O, no allocation once the buffers have grown.
  void append(const CaseEvent& ev);
  // Hands the pending batch to the writer and returns its number (1, 2, ...). With nothing
  // pending, returns the last number and does nothing.
  uint64_t commit();
  size_t pendingRecords() const { return pending_records_; }
  // Retention (daemon/retention/): the record at `index` begins a new segment, so that once a
  // snapshot covers it every earlier record is in segments compaction can delete whole. Call it
  // before the commit() of the records before `index`: the segment is then started as soon as
  // they are written. Any thread.
  void startSegmentAt(uint64_t index) { rotate_at_.store(index, std::memory_order_relaxed); }

  void setOnDurable(DurableCallback cb) { on_durable_ = std::move(cb); }
  void setWriteObserver(WriteObserver cb) { observer_ = std::move(cb); }
  // Called on the writer thread whenever health() may have changed (quick: post, do not work).
  // Set before the first commit().
  void setOnHealthChange(std::function<void()> cb) { on_health_change_ = std::move(cb); }

  // OK; while writes fail and are being retried, ResourceExhausted when the disk (or the quota) is
  // full and Unavailable for other errors; or why the writer gave up for good (a failed
  // fdatasync).
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
  // Counts the segment's records and settles a bad one (see the header comment). Sets `cut` when it
  // cut the segment at a corrupt record, so that the segments after it must go.
  absl::Status scanSegment(Segment& seg, bool last, size_t later_segments, bool& cut);
  // Moves the segments after `index` aside (renamed *.dropped) and forgets them.
  absl::Status setAsideAfter(size_t index);
  // Creates a segment holding only its header; returns its descriptor, open for appending.
  absl::StatusOr<int> createSegment(uint64_t first_index);

  void writerLoop();
  void writeBatches(std::vector<Batch>& work);
  // write()s every byte of [first, last) of `work`, retrying errors with backoff. False only when
  // giving up (stopping and the disk still refuses).
  bool writeAll(std::vector<Batch>& work, size_t first, size_t last);
  bool rotate(uint64_t first_index);
  void setStalled(bool stalled, std::string why = {}, bool disk_full = false);
  void fail(absl::Status status);
  bool stoppingFor(std::chrono::steady_clock::time_point since);

  const JournalOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  std::string journal_dir_;
  std::vector<Segment> segments_;  // as found by open(); used by replay()
  JournalRecovery recovery_;
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
  std::atomic<uint64_t> rotate_at_{~uint64_t{0}};  // startSegmentAt(); none: all ones
  DurableCallback on_durable_;
  WriteObserver observer_;
  std::function<void()> on_health_change_;

  // Shared, under mu_.
  mutable std::mutex mu_;
  std::condition_variable work_cv_;      // writer waits for batches
  std::condition_variable not_full_cv_;  // producer waits for queue space
  std::deque<Batch> queue_;
  std::vector<std::string> free_buffers_;
  bool stopping_ = false;
  bool stalled_ = false;  // the writer is retrying a failed write: commit() must not block
  std::string stall_reason_;
  bool stall_disk_full_ = false;  // the refusal is ENOSPC or EDQUOT
  absl::Status failed_;

  JournalStats stats_;
  std::thread writer_;
};

using EventJournalPtr = std::unique_ptr<EventJournal>;

// True for open()'s DataLoss at a corrupt record with valid data after it: the one refusal that
// `truncate_corrupt` (--truncate-corrupt-journal) overrides.
bool isCorruptRecordError(const absl::Status& status);

}  // namespace casewatch
