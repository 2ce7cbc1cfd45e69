// What a connector hands to the pipeline: the events it decoded and the messages it rejected,
// in arrival order within each list. Decoding happens on the connector's own thread so that it
// runs in parallel with the state updates on the io_context.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connectors/dead_letter_sanitiser.h"
#include "connectors/decode/case_event.h"
#include "connectors/decode/event_decoder.h"

namespace casewatch {

struct Rejection {
  RejectReason reason = RejectReason::kNone;
  std::string detail;  // DecodeError::message()
  // The message made safe to keep (DeadLetterSanitiser: no raw person id, no field outside the
  // contract), at most ingest.dead_letter_max_bytes. Never the raw bytes.
  std::string raw;
  size_t raw_size = 0;     // the size of the message as received
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
// message sanitised (DeadLetterSanitiser) into at most `dead_letter_max_bytes`: the raw bytes of a
// rejected message never leave the connector's thread. One per connector thread.
class BatchDecoder {
 public:
  BatchDecoder(const Pseudonymizer& pseudonymizer, DecoderLimits limits,
               size_t dead_letter_max_bytes);
  // Appends the decoded event or the rejection for `message` to `batch`. Never throws.
  void add(std::string_view message, DecodedBatch& batch, TimeMs wall_now);
  // Appends a too_large rejection for `message`, over the feed's own limit, without parsing it.
  void addTooLarge(std::string_view message, DecodedBatch& batch, TimeMs wall_now);
  // Appends a too_large rejection for a message of `size` bytes that the feed skipped without
  // holding it whole (so nothing of it, not even a digest, is kept).
  void addTooLarge(size_t size, DecodedBatch& batch, TimeMs wall_now);
  // From now on an event whose `source` is not among `sources` is rejected unauthorised_source
  // (and kept as a sanitised dead letter like any rejection). Empty = any source.
  void setAllowedSources(std::vector<std::string> sources) {
    allowed_sources_ = std::move(sources);
  }
  // Takes back the events of an applied batch (leaving `events` empty, its capacity kept): the
  // next events decode into them, reusing their strings' capacity, so a connector that recycles
  // its batches (DecodedBatchRing) allocates nothing per event.
  void recycle(std::vector<CaseEvent>& events) {
    for (CaseEvent& e : events) spare_.push_back(std::move(e));
    events.clear();
  }

 private:
  EventDecoder decoder_;
  int64_t max_future_skew_ms_;
  DeadLetterSanitiser sanitiser_;
  CaseEvent scratch_;
  std::vector<CaseEvent> spare_;  // recycle()d events, decoded into next
  DecodeError error_;
  std::vector<std::string> allowed_sources_;  // a handful: a linear scan beats hashing
};

}  // namespace casewatch
