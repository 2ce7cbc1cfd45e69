// What a connector hands to the pipeline: the events it decoded and the messages it rejected,
// in arrival order within each list. Decoding happens on the connector's own thread so that it
// runs in parallel with the state updates on the io_context.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connectors/decode/case_event.h"
#include "connectors/decode/event_decoder.h"

namespace casewatch {

struct Rejection {
  RejectReason reason = RejectReason::kNone;
  std::string detail;      // DecodeError::message()
  std::string raw;         // the raw bytes, truncated to ingest.dead_letter_max_bytes
  size_t raw_size = 0;     // the size before truncation
  TimeMs received_at = 0;  // wall clock
};

struct DecodedBatch {
  std::string feed;  // the connector's configured name (a metric label)
  std::vector<CaseEvent> events;
  std::vector<Rejection> rejections;
  int64_t received_steady_ns = 0;  // when the first message arrived (latency histogram)
  bool end_of_input = false;       // a finite feed (file, stdin) reached its end
  // Holds the batch's place in its connector's in-flight bound: the connector stops taking input
  // while too many batches are alive, so drop (or reset) the batch once it has been applied.
  std::shared_ptr<void> in_flight_token;
};
using DecodedBatchPtr = std::unique_ptr<DecodedBatch>;

// Called on the connector's thread; the receiver takes ownership and must not block for long.
using BatchHandler = std::function<void(DecodedBatchPtr)>;

// Decodes raw messages into a batch: successes into `events`, failures into `rejections` with the
// raw bytes truncated to `dead_letter_max_bytes`. One per connector thread.
class BatchDecoder {
 public:
  BatchDecoder(const Pseudonymizer& pseudonymizer, DecoderLimits limits,
               size_t dead_letter_max_bytes);
  // Appends the decoded event or the rejection for `message` to `batch`. Never throws.
  void add(std::string_view message, DecodedBatch& batch, TimeMs wall_now);

 private:
  EventDecoder decoder_;
  int64_t max_future_skew_ms_;
  size_t dead_letter_max_bytes_;
  CaseEvent scratch_;
  DecodeError error_;
};

}  // namespace casewatch
