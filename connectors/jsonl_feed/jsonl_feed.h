// The JSON Lines feed connector: one event per line from a file or standard input ("-"), for
// replay and back-fill (contract shared/contracts/events.md, "Transports").
//
// Lines are split with large read(2)s and memchr, a trailing '\r' is stripped and empty lines are
// skipped. A line longer than ingest.max_message_bytes is rejected as too_large without ever being
// held whole: its dead letter keeps only its size (DeadLetterSanitiser: not a byte of it, since a
// prefix may hold a person id). A last line without '\n' still counts.
// At the end of input a final batch with `end_of_input = true` is handed over (possibly empty).
//
// Two ways to run it:
// - As a Connector: start() opens the input, a thread reads and decodes it and hands batches of up
//   to `batch_size` entries to the handler, holding at most `max_in_flight` alive (a big file is
//   read only as fast as the pipeline applies it); the thread ends after the end-of-input batch.
// - readAll(): the same reading and decoding on the caller's thread, calling back with each batch
//   (`casewatchd replay`: read, decode and apply on one thread, no hand-off).
//
// Ownership and threads: start() opens the file; the thread closes it (never standard input). The
// pseudonymizer must outlive the connector. stats() and connected() may be read from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "connectors/connector.h"
#include "connectors/decoded_batch_ring.h"
#include "connectors/feed_config.h"
#include "connectors/feed_stats.h"
#include "connectors/in_flight_limiter.h"
#include "connectors/ingest_config.h"
#include "connectors/pseudonym/pseudonymizer.h"

namespace casewatch {

struct JsonlFeedOptions {
  size_t batch_size = 4096;  // events + rejections per batch
  int max_in_flight = 8;     // batches handed over and not yet dropped by the pipeline
  std::chrono::milliseconds poll_timeout{100};  // a pipe/terminal is polled so stop() is prompt
  // When set, batches go to this ring (and come back through it to be filled again, storage and
  // all) instead of to start()'s handler, and max_in_flight is the ring's: `casewatchd replay`.
  // The ring must outlive the feed's thread (stop()).
  DecodedBatchRing* ring = nullptr;
};

class JsonlFeed final : public Connector {
 public:
  // How readAll() splits and batches; `feed` names the batches.
  struct ReadOptions {
    std::string feed;
    size_t max_message_bytes = 64 * 1024;
    size_t batch_size = 4096;
    static ReadOptions from(const FeedConfig& feed, const IngestConfig& ingest,
                            size_t batch_size = 4096);
  };
  using BatchCallback = std::function<void(DecodedBatch&)>;

  JsonlFeed(const FeedConfig& feed, const IngestConfig& ingest, const Pseudonymizer& pseudonymizer,
            JsonlFeedOptions options = {});
  ~JsonlFeed() override;
  JsonlFeed(const JsonlFeed&) = delete;
  JsonlFeed& operator=(const JsonlFeed&) = delete;

  const std::string& name() const override { return feed_.name; }
  // Opens the file (or takes standard input) and starts the reading thread.
  absl::Status start(BatchHandler handler) override;
  // Stops reading; what was already decoded is handed over (without end_of_input). Joins.
  void stop() override;
  // True from a successful open until stop() or a read failure (a clean end of input keeps it).
  bool connected() const override { return open_.load(std::memory_order_acquire); }
  void setOnConnectionChange(std::function<void()> notify) override {
    on_connection_change_ = std::move(notify);
  }

  const FeedStats& stats() const override { return stats_; }
  int batchesInFlight() const { return limiter_.inFlight(); }
  // True once the end-of-input batch was handed over.
  bool finished() const { return finished_.load(std::memory_order_acquire); }

  // Reads `fd` to its end on the caller's thread, calling `fn` with each full batch and finally
  // with the end-of-input batch. `fn` may move events out; the batch is cleared and reused after
  // it returns. `stats` (optional) is updated once per batch. Errors: a read error (data loss; the
  // batches before it were delivered, the end-of-input batch is not).
  static absl::Status readAll(int fd, BatchDecoder& decoder, const ReadOptions& options,
                              const BatchCallback& fn, FeedStats* stats = nullptr);
  // The same over a file path, or standard input for "-". Errors: the file cannot be opened.
  static absl::Status readFile(const std::string& path, BatchDecoder& decoder,
                               const ReadOptions& options, const BatchCallback& fn,
                               FeedStats* stats = nullptr);

 private:
  void run();

  const FeedConfig feed_;
  const IngestConfig ingest_;
  const JsonlFeedOptions options_;
  BatchDecoder decoder_;  // used only by the thread
  InFlightLimiter limiter_;
  FeedStats stats_;

  int fd_ = -1;
  bool owns_fd_ = false;
  BatchHandler handler_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> open_{false};
  std::function<void()> on_connection_change_;
  std::atomic<bool> finished_{false};
};

}  // namespace casewatch
