#include "connectors/jsonl_feed/jsonl_feed.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>

#include "base/thread_role.h"

namespace casewatch {
namespace {

constexpr size_t kMinBufferBytes = 1 << 20;

int64_t steadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

TimeMs wallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string errnoText(int err) {
  return std::strerror(err);
}

// Splits a byte stream into lines and decodes them into batches. The buffer always has room for a
// whole line of the maximum size plus a large read, so a line that fits is never copied more than
// once (a memmove of the unfinished tail); a longer one is skipped chunk by chunk.
class JsonlReader {
 public:
  enum class Result { kEnd, kStopped, kReadError };

  JsonlReader(int fd, BatchDecoder& decoder, const JsonlFeed::ReadOptions& options,
              FeedStats* stats)
      : fd_(fd),
        decoder_(decoder),
        options_(options),
        batch_size_(std::max<size_t>(options.batch_size, 1)),
        stats_(stats),
        capacity_(std::max(kMinBufferBytes, 2 * (options.max_message_bytes + 2))),
        buffer_(new char[capacity_]) {
    resetBatch();
  }

  int readErrno() const { return read_errno_; }

  // `deliver(DecodedBatch&)` gets each batch (it may move from it); `beforeRead()` returns false
  // to stop reading.
  template <typename Deliver, typename BeforeRead>
  Result run(Deliver&& deliver, BeforeRead&& beforeRead) {
    char* const base = buffer_.get();
    size_t begin = 0;
    size_t end = 0;
    for (;;) {
      while (begin < end) {
        const char* nl = static_cast<const char*>(std::memchr(base + begin, '\n', end - begin));
        if (nl == nullptr) break;
        const size_t len = static_cast<size_t>(nl - (base + begin));
        if (skipping_) {
          finishOversized(base + begin, len);
        } else {
          line(base + begin, len);
        }
        begin += len + 1;
        if (count_ >= batch_size_) flush(deliver, false);
      }
      const size_t rest = end - begin;
      if (skipping_) {
        continueOversized(base + begin, rest);
        begin = end = 0;
      } else if (rest > options_.max_message_bytes + 1) {
        // Too long even if it ends in "\r": stop buffering it.
        startOversized(base + begin, rest);
        begin = end = 0;
      } else {
        if (begin > 0 && rest > 0) std::memmove(base, base + begin, rest);
        begin = 0;
        end = rest;
      }

      if (!beforeRead()) {
        if (count_ > 0) flush(deliver, false);
        return Result::kStopped;
      }
      ssize_t n;
      do {
        n = ::read(fd_, base + end, capacity_ - end);
      } while (n < 0 && errno == EINTR);
      if (n < 0) {
        read_errno_ = errno;
        if (count_ > 0) flush(deliver, false);
        return Result::kReadError;
      }
      if (n == 0) {
        // The last line may lack its '\n'.
        if (skipping_) {
          finishOversized(base, 0);
        } else if (end > 0) {
          line(base, end);
        }
        flush(deliver, true);
        return Result::kEnd;
      }
      end += static_cast<size_t>(n);
      if (stats_ != nullptr) FeedStats::add(stats_->bytes, static_cast<uint64_t>(n));
    }
  }

 private:
  void line(const char* p, size_t len) {
    if (len > 0 && p[len - 1] == '\r') --len;
    if (len == 0) return;
    startEntry();
    // Over the limit: too_large, and its dead letter keeps no byte of it (DeadLetterSanitiser).
    if (len > options_.max_message_bytes) {
      decoder_.addTooLarge(std::string_view(p, len), batch_, wall_now_);
    } else {
      decoder_.add(std::string_view(p, len), batch_, wall_now_);
    }
  }

  void startOversized(const char* p, size_t n) {
    skipping_ = true;
    oversized_size_ = 0;
    continueOversized(p, n);
  }
  void continueOversized(const char* p, size_t n) {
    if (n == 0) return;
    oversized_size_ += n;
    last_was_cr_ = p[n - 1] == '\r';
  }
  void finishOversized(const char* p, size_t n) {
    continueOversized(p, n);
    skipping_ = false;
    const size_t size = oversized_size_ - (last_was_cr_ ? 1 : 0);
    startEntry();
    decoder_.addTooLarge(size, batch_, wall_now_);
  }

  // Each entry (event or rejection) of a batch goes through here first.
  void startEntry() {
    if (count_ == 0) {
      batch_.received_steady_ns = steadyNowNs();
      wall_now_ = wallNowMs();
    }
    ++count_;
  }

  template <typename Deliver>
  void flush(Deliver& deliver, bool end_of_input) {
    batch_.end_of_input = end_of_input;
    if (stats_ != nullptr) {
      FeedStats::add(stats_->messages, count_);
      FeedStats::add(stats_->batches);
    }
    deliver(batch_);
    resetBatch();
  }

  void resetBatch() {
    batch_.feed = options_.feed;
    batch_.events.clear();
    batch_.rejections.clear();
    batch_.received_steady_ns = 0;
    batch_.end_of_input = false;
    batch_.in_flight_token.reset();
    count_ = 0;
  }

  const int fd_;
  BatchDecoder& decoder_;
  const JsonlFeed::ReadOptions& options_;
  const size_t batch_size_;
  FeedStats* const stats_;
  const size_t capacity_;
  std::unique_ptr<char[]> buffer_;

  DecodedBatch batch_;
  size_t count_ = 0;  // entries in batch_
  TimeMs wall_now_ = 0;
  int read_errno_ = 0;

  bool skipping_ = false;  // inside a line longer than max_message_bytes
  size_t oversized_size_ = 0;
  bool last_was_cr_ = false;
};

}  // namespace

JsonlFeed::ReadOptions JsonlFeed::ReadOptions::from(const FeedConfig& feed,
                                                    const IngestConfig& ingest, size_t batch_size) {
  ReadOptions options;
  options.feed = feed.name;
  options.max_message_bytes = ingest.max_message_bytes;
  options.batch_size = batch_size;
  return options;
}

absl::Status JsonlFeed::readAll(int fd, BatchDecoder& decoder, const ReadOptions& options,
                                const BatchCallback& fn, FeedStats* stats) {
  JsonlReader reader(fd, decoder, options, stats);
  const auto result = reader.run([&fn](DecodedBatch& batch) { fn(batch); }, [] { return true; });
  if (result == JsonlReader::Result::kReadError) {
    if (stats != nullptr) FeedStats::add(stats->transport_errors);
    return absl::DataLossError("feed " + options.feed +
                               ": read failed: " + errnoText(reader.readErrno()));
  }
  return absl::OkStatus();
}

absl::Status JsonlFeed::readFile(const std::string& path, BatchDecoder& decoder,
                                 const ReadOptions& options, const BatchCallback& fn,
                                 FeedStats* stats) {
  if (path == "-") return readAll(STDIN_FILENO, decoder, options, fn, stats);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return absl::Status(absl::ErrnoToStatusCode(err),
                        "feed " + options.feed + ": cannot open " + path + ": " + errnoText(err));
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  absl::Status status = readAll(fd, decoder, options, fn, stats);
  ::close(fd);
  return status;
}

JsonlFeed::JsonlFeed(const FeedConfig& feed, const IngestConfig& ingest,
                     const Pseudonymizer& pseudonymizer, JsonlFeedOptions options)
    : feed_(feed),
      ingest_(ingest),
      options_(options),
      decoder_(pseudonymizer, decoderLimits(ingest), ingest.dead_letter_max_bytes),
      limiter_(options.max_in_flight) {}

JsonlFeed::~JsonlFeed() {
  stop();
}

absl::Status JsonlFeed::start(BatchHandler handler) {
  if (thread_.joinable()) {
    return absl::FailedPreconditionError("feed " + feed_.name + ": already started");
  }
  if (feed_.endpoint == "-") {
    fd_ = STDIN_FILENO;
    owns_fd_ = false;
  } else {
    fd_ = ::open(feed_.endpoint.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      const int err = errno;
      return absl::Status(absl::ErrnoToStatusCode(err), "feed " + feed_.name + ": cannot open " +
                                                            feed_.endpoint + ": " + errnoText(err));
    }
    owns_fd_ = true;
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  handler_ = std::move(handler);
  stop_.store(false);
  finished_.store(false);
  open_.store(true, std::memory_order_release);
  spdlog::info("feed {}: reading {}", feed_.name,
               feed_.endpoint == "-" ? std::string("standard input") : feed_.endpoint);
  thread_ = std::thread([this] { run(); });
  if (on_connection_change_) on_connection_change_();
  return absl::OkStatus();
}

void JsonlFeed::stop() {
  stop_.store(true);
  if (options_.ring != nullptr) options_.ring->close();  // wakes a thread waiting for a slot
  if (thread_.joinable()) thread_.join();
  if (open_.exchange(false, std::memory_order_acq_rel) && on_connection_change_) {
    on_connection_change_();
  }
}

void JsonlFeed::run() {
  nameThisThread("cw-" + feed_.name);
  struct stat st {};
  // A regular file is always readable; a pipe or terminal is polled so that stop() is prompt.
  const bool must_poll = ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode);
  const ReadOptions read_options = ReadOptions::from(feed_, ingest_, options_.batch_size);

  auto deliver = [this](DecodedBatch& batch) {
    if (options_.ring != nullptr) {
      // Swapped into a handed-back slot: the reader goes on with that slot's storage, whose
      // events the decoder takes back to decode into.
      DecodedBatch* slot = options_.ring->acquire();
      if (slot == nullptr) return;  // stopping
      const bool end = batch.end_of_input;
      std::swap(*slot, batch);
      options_.ring->push(slot);
      decoder_.recycle(batch.events);
      if (end) finished_.store(true, std::memory_order_release);
      return;
    }
    // Holding the batch back (and so not reading) while the pipeline is behind keeps memory
    // bounded; on stop it is handed over anyway, as the Connector contract asks.
    if (limiter_.full()) {
      FeedStats::add(stats_.backpressure_waits);
      limiter_.waitForRoom(stop_);
    }
    const bool end = batch.end_of_input;
    auto owned = std::make_unique<DecodedBatch>(std::move(batch));
    owned->in_flight_token = limiter_.acquire();
    handler_(std::move(owned));
    if (end) finished_.store(true, std::memory_order_release);
  };
  auto before_read = [this, must_poll] {
    if (stop_.load(std::memory_order_relaxed)) return false;
    if (!must_poll) return true;
    for (;;) {
      pollfd pfd{fd_, POLLIN, 0};
      const int rc = ::poll(&pfd, 1, static_cast<int>(options_.poll_timeout.count()));
      if (stop_.load(std::memory_order_relaxed)) return false;
      if (rc > 0) return true;  // readable, closed or failed: read() tells which
      if (rc < 0 && errno != EINTR) return true;
    }
  };

  bool read_to_end = false;
  try {
    JsonlReader reader(fd_, decoder_, read_options, &stats_);
    const auto result = reader.run(deliver, before_read);
    read_to_end = result == JsonlReader::Result::kEnd;
    if (result == JsonlReader::Result::kReadError) {
      FeedStats::add(stats_.transport_errors);
      spdlog::error("feed {}: reading {} failed: {}; treating it as the end of input", feed_.name,
                    feed_.endpoint, errnoText(reader.readErrno()));
      // The pipeline still learns that this input is over.
      DecodedBatch last;
      last.feed = feed_.name;
      last.end_of_input = true;
      FeedStats::add(stats_.batches);
      deliver(last);
    }
  } catch (const std::exception& e) {
    // Most likely the handler threw; a file cannot be resumed mid-line, so this input ends here.
    FeedStats::add(stats_.transport_errors);
    spdlog::error("feed {}: stopped reading {}: {}", feed_.name, feed_.endpoint, e.what());
    // The pipeline still learns that this input is over, unless handing that over fails too.
    try {
      DecodedBatch last;
      last.feed = feed_.name;
      last.end_of_input = true;
      deliver(last);
    } catch (const std::exception&) {
    }
  }
  if (owns_fd_) ::close(fd_);
  fd_ = -1;
  // An input read to its end was a healthy one; only a failure or stop() clears connected().
  if (!read_to_end && open_.exchange(false, std::memory_order_acq_rel) && on_connection_change_) {
    on_connection_change_();
  }
}

}  // namespace casewatch
