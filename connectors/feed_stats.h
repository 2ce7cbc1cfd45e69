// Per-feed transport counters, kept by a connector's thread and read by whoever exports metrics
// (casewatch_feed_*). Decode outcomes (events, rejections by reason) are counted by the pipeline
// from the batches themselves; these count what only the connector sees.
//
// Thread-safety: relaxed atomics; written by the connector thread, read from any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace casewatch {

struct FeedStats {
  std::atomic<uint64_t> messages{0};          // messages (zmq) or non-empty lines (jsonl) taken in
  std::atomic<uint64_t> bytes{0};             // payload bytes (zmq: all frames; jsonl: bytes read)
  std::atomic<uint64_t> batches{0};           // DecodedBatches handed over
  std::atomic<uint64_t> transport_errors{0};  // receive/read failures (each retried or ends input)
  // zmq: peer connections that ended after their handshake: closed by the peer, or dropped by
  // ZeroMQ because a frame was over ZMQ_MAXMSGSIZE (ingest.max_message_bytes plus slack); such a
  // message is never buffered whole, and this count is all the feed sees of it.
  std::atomic<uint64_t> peer_disconnects{0};
  // zmq: handshakes that failed: with CURVE, a client without keys or with the wrong server key,
  // or with a public key the ZAP handler does not list (feeds[].curve.clients_file).
  std::atomic<uint64_t> auth_refusals{0};
  std::atomic<uint64_t> backpressure_waits{
      0};  // times input paused because the in-flight bound was hit

  static void add(std::atomic<uint64_t>& counter, uint64_t n = 1) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }
};

}  // namespace casewatch
