// Where alert changes go. Every sink reports one of three outcomes per change: delivered, retry
// later, or give up (STYLE.md §3); a shared retry stage will handle backoff for sinks that talk to
// peers over a network (the Alertmanager sink of the workflow issue).
//
// Threading: deliver() is called on the pipeline's thread, in the order changes were decided, and
// only after the change (and the events behind it) are durable. It must not block for long.
#pragma once

#include <string_view>

#include "alerts/alert.h"

namespace casewatch {

enum class SinkOutcome : uint8_t { kDelivered, kRetryLater, kGiveUp };

class Sink {
 public:
  virtual ~Sink() = default;
  virtual std::string_view name() const = 0;
  virtual SinkOutcome deliver(const AlertChange& change) = 0;
  virtual void flush() {}
};

}  // namespace casewatch
