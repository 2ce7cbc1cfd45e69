// A dead letter: a feed message that could not be decoded, kept (truncated) for the operators in
// the SQLite alert store (sqlite_alert_store.h) and listed by the HTTP API.
#pragma once

#include <cstdint>
#include <string>

#include "base/time.h"
#include "connectors/decoded_batch.h"

namespace casewatch {

struct DeadLetter {
  int64_t id = 0;  // assigned by the store; ignored when adding
  TimeMs received_at = 0;
  std::string feed;
  std::string reason;  // rejectReasonName()
  std::string detail;
  size_t raw_size = 0;  // before truncation
  std::string raw;      // arbitrary bytes (kept as a BLOB)
};
DeadLetter deadLetterFromRejection(const std::string& feed, Rejection rejection);

}  // namespace casewatch
