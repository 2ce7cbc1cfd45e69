#include "daemon/store/dead_letter.h"

namespace casewatch {

DeadLetter deadLetterFromRejection(const std::string& feed, Rejection rejection) {
  DeadLetter d;
  d.received_at = rejection.received_at;
  d.feed = feed;
  d.reason = std::string(rejectReasonName(rejection.reason));
  d.detail = std::move(rejection.detail);
  d.raw_size = rejection.raw_size;
  d.raw = std::move(rejection.raw);
  return d;
}

}  // namespace casewatch
