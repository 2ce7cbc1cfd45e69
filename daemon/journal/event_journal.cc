#include "daemon/journal/event_journal.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "absl/strings/cord.h"
#include "base/thread_role.h"
#include "daemon/journal/event_codec.h"
#include "daemon/journal/record_resync.h"
#include "daemon/journal/segment_reader.h"
#include "daemon/service/kill_point.h"

namespace casewatch {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

// writev() refuses more than IOV_MAX (1024 on Linux) buffers; stay well under it.
constexpr size_t kMaxBatchesPerWrite = 512;
// How long close() keeps retrying a disk that refuses writes before giving up.
constexpr auto kShutdownWriteGrace = std::chrono::seconds(5);
constexpr auto kMaxBackoff = std::chrono::milliseconds(1000);
// A disk that keeps refusing is logged when it starts, then only as a reminder (the App logs the
// pause and its end once, and exports it).
constexpr auto kErrorLogInterval = std::chrono::minutes(10);

std::string errnoText(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

bool isDiskFull(int err) {
  return err == ENOSPC || err == EDQUOT;
}

// An I/O failure as a status: ResourceExhausted for a full disk (or quota), which the daemon
// waits out with intake paused, Internal for anything else.
absl::Status ioError(const std::string& what, const std::string& path) {
  const int err = errno;
  std::string text = errnoText(what, path);
  return isDiskFull(err) ? absl::ResourceExhaustedError(std::move(text))
                         : absl::InternalError(std::move(text));
}

// Closes a descriptor on scope exit.
class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  ~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool writeFully(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// Marks open()'s refusal at a corrupt record (isCorruptRecordError); the value is the offset.
constexpr absl::string_view kCorruptRecordPayload = "casewatch.journal/corrupt-record";

// Copies bytes [from, to) of `fd` into a new file at `path`, synced: what a cut drops is kept.
absl::Status copyRange(int fd, uint64_t from, uint64_t to, const std::string& path) {
  FdGuard out(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (out.get() < 0) return absl::InternalError(errnoText("journal: cannot create", path));
  std::string buf(1 << 20, '\0');
  for (uint64_t at = from; at < to;) {
    const ssize_t n =
        ::pread(fd, buf.data(), std::min<uint64_t>(buf.size(), to - at), static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::InternalError(errnoText("journal: cannot read for", path));
    if (!writeFully(out.get(), buf.data(), static_cast<size_t>(n))) {
      return absl::InternalError(errnoText("journal: cannot write", path));
    }
    at += static_cast<uint64_t>(n);
  }
  if (::fdatasync(out.get()) != 0) return absl::InternalError(errnoText("journal: sync", path));
  return absl::OkStatus();
}

}  // namespace

EventJournal::EventJournal(JournalOptions options)
    : options_(std::move(options)),
      log_(options_.logger ? options_.logger : spdlog::default_logger()) {}

EventJournal::~EventJournal() {
  close();
}

absl::StatusOr<std::unique_ptr<EventJournal>> EventJournal::open(JournalOptions options) {
  if (options.dir.empty()) return absl::InvalidArgumentError("journal: empty data dir");
  if (options.segment_bytes <= kSegmentHeaderBytes) {
    return absl::InvalidArgumentError("journal: segment_bytes is smaller than a segment header");
  }
  if (options.max_queued_batches == 0) options.max_queued_batches = 1;
  std::unique_ptr<EventJournal> j(new EventJournal(std::move(options)));
  if (absl::Status s = j->load(); !s.ok()) return s;
  j->writer_ = std::thread([p = j.get()] { p->writerLoop(); });
  return j;
}

absl::Status EventJournal::load() {
  journal_dir_ = options_.dir + "/journal";
  std::error_code ec;
  fs::create_directories(journal_dir_, ec);
  if (ec)
    return absl::InternalError("journal: cannot create " + journal_dir_ + ": " + ec.message());
  dir_fd_ = ::open(journal_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_ < 0) return absl::InternalError(errnoText("journal: cannot open", journal_dir_));

  for (const auto& entry : fs::directory_iterator(journal_dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("seg-") && name.ends_with(".log.tmp")) {
      // A segment whose creation was interrupted before its rename: it never held records.
      std::error_code remove_ec;
      fs::remove(entry.path(), remove_ec);
      continue;
    }
    if (auto first = parseSegmentFileName(name)) {
      segments_.push_back(Segment{entry.path().string(), *first, 0, 0});
    }
  }
  if (ec) return absl::InternalError("journal: cannot list " + journal_dir_ + ": " + ec.message());
  std::sort(segments_.begin(), segments_.end(),
            [](const Segment& a, const Segment& b) { return a.first_index < b.first_index; });

  if (segments_.empty()) {
    auto fd = createSegment(0);
    if (!fd.ok()) return fd.status();
    fd_ = *fd;
    segments_.push_back(
        Segment{journal_dir_ + "/" + segmentFileName(0), 0, 0, kSegmentHeaderBytes});
    segment_bytes_written_ = kSegmentHeaderBytes;
    return absl::OkStatus();
  }

  for (size_t i = 0; i < segments_.size(); ++i) {
    Segment& seg = segments_[i];
    if (i > 0) {
      const Segment& prev = segments_[i - 1];
      if (seg.first_index != prev.first_index + prev.records) {
        return absl::DataLossError("journal: " + seg.path + " starts at record " +
                                   std::to_string(seg.first_index) + " but " + prev.path +
                                   " ends at " + std::to_string(prev.first_index + prev.records));
      }
    }
    const size_t later = segments_.size() - i - 1;
    bool cut = false;
    if (absl::Status s = scanSegment(seg, later == 0, later, cut); !s.ok()) return s;
    if (cut) {
      if (absl::Status s = setAsideAfter(i); !s.ok()) return s;
      break;
    }
  }

  const Segment& tail = segments_.back();
  fd_ = ::open(tail.path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) return absl::InternalError(errnoText("journal: cannot open", tail.path));
  segment_bytes_written_ = tail.valid_bytes;
  next_index_ = tail.first_index + tail.records;
  pending_first_index_ = next_index_;
  log_->info("journal: opened {} with {} records in {} segments", journal_dir_, next_index_,
             segments_.size());
  return absl::OkStatus();
}

absl::Status EventJournal::scanSegment(Segment& seg, bool last, size_t later_segments, bool& cut) {
  FdGuard fd(::open(seg.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return absl::InternalError(errnoText("journal: cannot open", seg.path));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return absl::InternalError(errnoText("journal: stat", seg.path));
  const uint64_t size = static_cast<uint64_t>(st.st_size);

  // Cuts the segment back to `offset` (a record boundary) and makes that stick before anything
  // new is appended after it.
  auto truncateAt = [&](uint64_t offset) -> absl::Status {
    FdGuard w(::open(seg.path.c_str(), O_WRONLY | O_CLOEXEC));
    if (w.get() < 0 || ::ftruncate(w.get(), static_cast<off_t>(offset)) != 0 ||
        ::fdatasync(w.get()) != 0) {
      return absl::InternalError(errnoText("journal: cannot truncate", seg.path));
    }
    return absl::OkStatus();
  };
  auto truncateTornTail = [&](uint64_t offset, std::string_view why) -> absl::Status {
    if (absl::Status s = truncateAt(offset); !s.ok()) return s;
    recovery_.torn_tail_bytes += size - offset;
    log_->warn("journal: dropped a torn tail of {} bytes from {} at offset {} ({})", size - offset,
               seg.path, offset, why);
    return absl::OkStatus();
  };

  char header[kSegmentHeaderBytes];
  ssize_t n = 0;
  do {
    n = ::pread(fd.get(), header, sizeof header, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return absl::InternalError(errnoText("journal: cannot read", seg.path));
  if (static_cast<size_t>(n) < kSegmentHeaderBytes) {
    if (!last) {
      return absl::DataLossError("journal: " + seg.path + ": short segment header");
    }
    // Segments are created under a temporary name, so this should not happen; if it does, the
    // segment holds nothing and gets a fresh header.
    if (absl::Status s = truncateTornTail(0, "short segment header"); !s.ok()) return s;
    FdGuard w(::open(seg.path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
    const std::string h = encodeSegmentHeader(seg.first_index);
    if (w.get() < 0 || !writeFully(w.get(), h.data(), h.size()) || ::fdatasync(w.get()) != 0) {
      return absl::InternalError(errnoText("journal: cannot rewrite header of", seg.path));
    }
    seg.valid_bytes = kSegmentHeaderBytes;
    return absl::OkStatus();
  }
  uint64_t first_index = 0;
  if (absl::Status s = parseSegmentHeader(std::string_view(header, sizeof header), first_index);
      !s.ok()) {
    return absl::DataLossError("journal: " + seg.path + ": " + std::string(s.message()));
  }
  if (first_index != seg.first_index) {
    return absl::DataLossError("journal: " + seg.path + ": header says first record " +
                               std::to_string(first_index));
  }

  SegmentReader reader(fd.get(), kSegmentHeaderBytes);
  std::string_view payload;
  for (;;) {
    const SegmentReader::Next r = reader.next(payload);
    if (r == SegmentReader::Next::kRecord) {
      ++seg.records;
      continue;
    }
    if (r == SegmentReader::Next::kEnd) break;
    if (r == SegmentReader::Next::kIoError) {
      return absl::InternalError("journal: " + seg.path + ": " +
                                 std::string(reader.ioError().message()));
    }
    const uint64_t bad = reader.offset();
    CaseEvent scratch;
    auto valid_after = findValidRecordAfter(
        fd.get(), bad, [&](std::string_view p) { return decodeEvent(p, scratch); });
    if (!valid_after.ok()) {
      return absl::InternalError("journal: " + seg.path + ": " +
                                 std::string(valid_after.status().message()));
    }
    if (last && !valid_after->has_value()) {
      if (absl::Status s = truncateTornTail(bad, reader.badReason()); !s.ok()) return s;
      break;
    }
    // Corruption: what follows the bad record reached the disk and must not be dropped quietly.
    const std::string what =
        "journal: " + seg.path + ": corrupt record at byte offset " + std::to_string(bad) + " (" +
        reader.badReason() + ") with valid data after it (" +
        (valid_after->has_value() ? "a valid record at byte offset " + std::to_string(**valid_after)
                                  : std::to_string(later_segments) + " later segment(s)") +
        ")";
    if (!options_.truncate_corrupt) {
      absl::Status loss =
          absl::DataLossError(what + ": data loss, not a torn tail; the journal was left as it is");
      loss.SetPayload(kCorruptRecordPayload, absl::Cord(std::to_string(bad)));
      return loss;
    }
    // The operator chose to cut here: keep a copy of what is dropped, then cut.
    const std::string aside = seg.path + ".dropped-at-" + std::to_string(bad);
    if (absl::Status s = copyRange(fd.get(), bad, size, aside); !s.ok()) return s;
    if (::fsync(dir_fd_) != 0) return absl::InternalError(errnoText("journal: sync", journal_dir_));
    if (absl::Status s = truncateAt(bad); !s.ok()) return s;
    recovery_.corrupt_truncations += 1;
    recovery_.corrupt_bytes += size - bad;
    log_->error(
        "{}: truncated there as asked (--truncate-corrupt-journal): dropped {} bytes of this "
        "segment, kept in {}",
        what, size - bad, aside);
    cut = true;
    break;
  }
  seg.valid_bytes = reader.offset();
  return absl::OkStatus();
}

absl::Status EventJournal::setAsideAfter(size_t index) {
  for (size_t k = index + 1; k < segments_.size(); ++k) {
    const std::string& path = segments_[k].path;
    std::error_code ec;
    const uint64_t bytes = fs::file_size(path, ec);
    if (::rename(path.c_str(), (path + ".dropped").c_str()) != 0) {
      return absl::InternalError(errnoText("journal: cannot rename", path));
    }
    recovery_.segments_set_aside += 1;
    if (!ec) recovery_.corrupt_bytes += bytes;
    log_->error("journal: set aside {} (after the cut), renamed {}.dropped", path, path);
  }
  segments_.resize(index + 1);
  if (::fsync(dir_fd_) != 0) return absl::InternalError(errnoText("journal: sync", journal_dir_));
  return absl::OkStatus();
}

absl::StatusOr<int> EventJournal::createSegment(uint64_t first_index) {
  // Written under a temporary name and renamed once the header is complete, so a segment file
  // never exists without a whole header.
  const std::string path = journal_dir_ + "/" + segmentFileName(first_index);
  const std::string tmp = path + ".tmp";
  FdGuard fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600));
  if (fd.get() < 0) return ioError("journal: cannot create", tmp);
  const std::string header = encodeSegmentHeader(first_index);
  if (!writeFully(fd.get(), header.data(), header.size())) {
    absl::Status s = ioError("journal: cannot write", tmp);
    ::unlink(tmp.c_str());  // a part-written header must not hold on to the space it took
    return s;
  }
  if (options_.fsync && ::fdatasync(fd.get()) != 0) {
    return ioError("journal: cannot sync", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return ioError("journal: cannot rename", tmp);
  }
  // The directory entry must be durable too, or a power loss could lose the whole segment.
  if (options_.fsync && ::fsync(dir_fd_) != 0) {
    return ioError("journal: cannot sync", journal_dir_);
  }
  stats_.segments_created.fetch_add(1, std::memory_order_relaxed);
  stats_.bytes_written.fetch_add(header.size(), std::memory_order_relaxed);
  return fd.release();
}

absl::Status EventJournal::replay(const std::function<void(const CaseEvent&)>& fn, uint64_t from) {
  if (replayed_ || closed_ || pending_records_ > 0 || last_batch_ > 0) {
    return absl::FailedPreconditionError("journal: replay() must come once, before any append()");
  }
  replayed_ = true;
  CaseEvent ev;
  for (const Segment& seg : segments_) {
    if (seg.first_index + seg.records <= from) continue;
    FdGuard fd(::open(seg.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return absl::InternalError(errnoText("journal: cannot open", seg.path));
    SegmentReader reader(fd.get(), kSegmentHeaderBytes);
    std::string_view payload;
    for (uint64_t i = 0; i < seg.records; ++i) {
      const uint64_t at = reader.offset();
      switch (reader.next(payload)) {
        case SegmentReader::Next::kRecord:
          break;
        case SegmentReader::Next::kIoError:
          return absl::InternalError("journal: " + seg.path + ": " +
                                     std::string(reader.ioError().message()));
        case SegmentReader::Next::kEnd:
          return absl::DataLossError("journal: " + seg.path + " ended early at offset " +
                                     std::to_string(at));
        case SegmentReader::Next::kBad:
          return absl::DataLossError("journal: " + seg.path + " at offset " + std::to_string(at) +
                                     ": " + reader.badReason());
      }
      if (seg.first_index + i < from) continue;
      if (!decodeEvent(payload, ev)) {
        return absl::DataLossError("journal: " + seg.path + " at offset " + std::to_string(at) +
                                   ": undecodable event");
      }
      fn(ev);
    }
  }
  return absl::OkStatus();
}

void EventJournal::append(const CaseEvent& ev) {
  assert(!closed_);
  const size_t start = pending_.size();
  pending_.append(kRecordHeaderBytes, '\0');
  encodeEvent(ev, pending_);
  sealRecord(pending_, start);
  ++pending_records_;
  ++next_index_;
}

uint64_t EventJournal::commit() {
  if (pending_records_ == 0 || closed_) return last_batch_;
  Batch batch{++last_batch_, pending_first_index_, pending_records_, std::move(pending_)};
  {
    std::unique_lock lk(mu_);
    not_full_cv_.wait(lk, [&] {
      return queue_.size() < options_.max_queued_batches || stalled_ || !failed_.ok() || stopping_;
    });
    queue_.push_back(std::move(batch));
    stats_.queued_batches.store(queue_.size(), std::memory_order_relaxed);
    if (!free_buffers_.empty()) {
      pending_ = std::move(free_buffers_.back());
      free_buffers_.pop_back();
    }
  }
  work_cv_.notify_one();
  pending_.clear();
  pending_records_ = 0;
  pending_first_index_ = next_index_;
  return last_batch_;
}

absl::Status EventJournal::health() const {
  std::lock_guard lk(mu_);
  if (!failed_.ok() || !stalled_) return failed_;
  const std::string why = "journal: writes are failing and being retried: " + stall_reason_;
  return stall_disk_full_ ? absl::ResourceExhaustedError(why) : absl::UnavailableError(why);
}

void EventJournal::close() {
  if (closed_) return;
  commit();
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  not_full_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (fd_ >= 0) ::close(fd_);
  if (dir_fd_ >= 0) ::close(dir_fd_);
  fd_ = dir_fd_ = -1;
  closed_ = true;
}

void EventJournal::writerLoop() {
  nameThisThread("cw-journal");
  std::vector<Batch> work;
  for (;;) {
    {
      std::unique_lock lk(mu_);
      work_cv_.wait(lk, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) break;  // stopping, and everything committed has been handled
      // Take everything queued: several batches then share one write() and one fdatasync().
      while (!queue_.empty()) {
        work.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      stats_.queued_batches.store(0, std::memory_order_relaxed);
    }
    not_full_cv_.notify_all();
    writeBatches(work);
    {
      std::lock_guard lk(mu_);
      for (Batch& b : work) {
        if (free_buffers_.size() > options_.max_queued_batches + 1) break;
        b.data.clear();
        free_buffers_.push_back(std::move(b.data));
      }
    }
    work.clear();
  }
}

void EventJournal::writeBatches(std::vector<Batch>& work) {
  size_t i = 0;
  auto dropFrom = [&](size_t from) {
    for (size_t k = from; k < work.size(); ++k) {
      stats_.records_dropped.fetch_add(work[k].records, std::memory_order_relaxed);
    }
  };
  while (i < work.size()) {
    {
      std::lock_guard lk(mu_);
      if (!failed_.ok()) break;
    }
    // Rotate only between batches, so each batch stays whole in one segment; a batch larger than
    // a segment gets a segment of its own.
    const bool asked = work[i].first_index >= rotate_at_.load(std::memory_order_relaxed);
    if (asked) rotate_at_.store(~uint64_t{0}, std::memory_order_relaxed);
    if (segment_bytes_written_ > kSegmentHeaderBytes &&
        (asked || segment_bytes_written_ + work[i].data.size() > options_.segment_bytes)) {
      if (!rotate(work[i].first_index)) break;
    }
    size_t j = i + 1;
    size_t bytes = work[i].data.size();
    while (j < work.size() && j - i < kMaxBatchesPerWrite &&
           segment_bytes_written_ + bytes + work[j].data.size() <= options_.segment_bytes &&
           work[j].first_index < rotate_at_.load(std::memory_order_relaxed)) {
      bytes += work[j].data.size();
      ++j;
    }

    const auto t0 = SteadyClock::now();
    if (!writeAll(work, i, j)) break;
    segment_bytes_written_ += bytes;
    killPointForTest("journal.written");
    if (options_.fsync && ::fdatasync(fd_) != 0) {
      fail(absl::DataLossError(std::string("journal: fdatasync failed: ") + std::strerror(errno)));
      break;
    }
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();

    JournalWriteSample sample{seconds, j - i, 0, bytes};
    for (size_t k = i; k < j; ++k) sample.records += work[k].records;
    stats_.batches_written.fetch_add(sample.batches, std::memory_order_relaxed);
    stats_.records_written.fetch_add(sample.records, std::memory_order_relaxed);
    stats_.bytes_written.fetch_add(bytes, std::memory_order_relaxed);
    stats_.last_commit_seconds.store(seconds, std::memory_order_relaxed);
    if (observer_) observer_(sample);
    for (size_t k = i; k < j; ++k) {
      stats_.durable_batch.store(work[k].number, std::memory_order_release);
      if (on_durable_) on_durable_(work[k].number);
    }
    i = j;
    // A new segment asked for right after what was just written starts now, not with the next
    // batch, which may be long in coming: until then the segment before it is the open one,
    // which compaction never deletes.
    const uint64_t end = work[j - 1].first_index + work[j - 1].records;
    if (j == work.size() && rotate_at_.load(std::memory_order_relaxed) == end) {
      rotate_at_.store(~uint64_t{0}, std::memory_order_relaxed);
      if (!rotate(end)) break;
    }
  }
  dropFrom(i);
}

bool EventJournal::stoppingFor(SteadyClock::time_point since) {
  std::lock_guard lk(mu_);
  return stopping_ && SteadyClock::now() - since > kShutdownWriteGrace;
}

bool EventJournal::writeAll(std::vector<Batch>& work, size_t first, size_t last) {
  std::vector<iovec> iov;
  iov.reserve(last - first);
  for (size_t k = first; k < last; ++k) {
    iov.push_back(iovec{work[k].data.data(), work[k].data.size()});
  }
  size_t done = 0;  // iovecs fully written
  auto backoff = std::chrono::milliseconds(10);
  SteadyClock::time_point first_error{}, last_log{};
  while (done < iov.size()) {
    const ssize_t n = ::writev(fd_, iov.data() + done, static_cast<int>(iov.size() - done));
    if (n >= 0) {
      // Skip what was written; a partial write leaves the rest for the next call.
      size_t left = static_cast<size_t>(n);
      while (done < iov.size() && left >= iov[done].iov_len) left -= iov[done++].iov_len;
      if (left > 0) {
        iov[done].iov_base = static_cast<char*>(iov[done].iov_base) + left;
        iov[done].iov_len -= left;
      }
      continue;
    }
    if (errno == EINTR) continue;
    // Disk full or an I/O error: nothing of this call was written, so the file still ends on what
    // was written before and a retry continues exactly there.
    const int err = errno;
    const auto now = SteadyClock::now();
    stats_.write_errors.fetch_add(1, std::memory_order_relaxed);
    if (first_error == SteadyClock::time_point{}) {
      first_error = now;
      setStalled(true, std::strerror(err), isDiskFull(err));
    }
    if (now - last_log >= kErrorLogInterval) {
      log_->error("journal: write failed, retrying: {}", std::strerror(err));
      last_log = now;
    }
    if (stoppingFor(first_error)) {
      fail(absl::UnavailableError(std::string("journal: gave up writing at shutdown: ") +
                                  std::strerror(err)));
      return false;
    }
    std::this_thread::sleep_for(backoff);
    backoff =
        std::min(backoff * 2, std::chrono::duration_cast<std::chrono::milliseconds>(kMaxBackoff));
  }
  if (first_error != SteadyClock::time_point{}) {
    setStalled(false);
    log_->warn("journal: writes recovered");
  }
  return true;
}

bool EventJournal::rotate(uint64_t first_index) {
  auto backoff = std::chrono::milliseconds(10);
  const auto start = SteadyClock::now();
  SteadyClock::time_point last_log{};
  bool stalled = false;
  for (;;) {
    absl::StatusOr<int> fd = createSegment(first_index);
    if (fd.ok()) {
      ::close(fd_);
      fd_ = *fd;
      segment_bytes_written_ = kSegmentHeaderBytes;
      if (stalled) setStalled(false);
      return true;
    }
    stats_.write_errors.fetch_add(1, std::memory_order_relaxed);
    if (!stalled) {
      setStalled(stalled = true, std::string(fd.status().message()),
                 fd.status().code() == absl::StatusCode::kResourceExhausted);
    }
    const auto now = SteadyClock::now();
    if (now - last_log >= kErrorLogInterval) {
      log_->error("journal: cannot start a new segment, retrying: {}",
                  std::string(fd.status().message()));
      last_log = now;
    }
    if (stoppingFor(start)) {
      fail(fd.status());
      return false;
    }
    std::this_thread::sleep_for(backoff);
    backoff =
        std::min(backoff * 2, std::chrono::duration_cast<std::chrono::milliseconds>(kMaxBackoff));
  }
}

void EventJournal::setStalled(bool stalled, std::string why, bool disk_full) {
  {
    std::lock_guard lk(mu_);
    stalled_ = stalled;
    stall_reason_ = std::move(why);
    stall_disk_full_ = stalled && disk_full;
  }
  // While stalled, a producer waiting for queue space must not wait for a disk that refuses.
  if (stalled) not_full_cv_.notify_all();
  if (on_health_change_) on_health_change_();
}

void EventJournal::fail(absl::Status status) {
  log_->error("journal: giving up; later events are not journaled: {}",
              std::string(status.message()));
  {
    std::lock_guard lk(mu_);
    failed_ = std::move(status);
  }
  not_full_cv_.notify_all();
  if (on_health_change_) on_health_change_();
}

bool isCorruptRecordError(const absl::Status& status) {
  return status.code() == absl::StatusCode::kDataLoss &&
         status.GetPayload(kCorruptRecordPayload).has_value();
}

}  // namespace casewatch
