#include "connectors/decoded_batch.h"

#include <algorithm>

#include "base/str_cat.h"

namespace casewatch {

BatchDecoder::BatchDecoder(const Pseudonymizer& pseudonymizer, DecoderLimits limits,
                           size_t dead_letter_max_bytes)
    : decoder_(pseudonymizer, limits),
      max_future_skew_ms_(limits.max_future_skew_ms),
      sanitiser_(pseudonymizer, limits, dead_letter_max_bytes) {}

void BatchDecoder::add(std::string_view message, DecodedBatch& batch, TimeMs wall_now) {
  std::string detail;
  if (decoder_.decode(message, scratch_, error_)) {
    const bool source_ok =
        allowed_sources_.empty() || std::find(allowed_sources_.begin(), allowed_sources_.end(),
                                              scratch_.source) != allowed_sources_.end();
    if (!source_ok) {
      // Before anything else: an event this feed may not carry is not looked at further.
      error_ = DecodeError{RejectReason::kUnauthorisedSource, "source"};
      detail = error_.message();
    } else if (max_future_skew_ms_ <= 0 || scratch_.ts <= wall_now + max_future_skew_ms_) {
      batch.events.push_back(std::move(scratch_));
      if (spare_.empty()) {
        scratch_ = CaseEvent{};
      } else {
        scratch_ = std::move(spare_.back());
        spare_.pop_back();
      }
      return;
    } else {
      // A clock wrong at the source: taken, it would move the event clock ahead for good.
      const int64_t ahead_min = (scratch_.ts - wall_now) / 60'000;
      detail = strCat(rejectReasonName(RejectReason::kOutOfRange), ": ts is ", ahead_min,
                      " min ahead of the wall clock (ingest.max_future_skew_minutes ",
                      max_future_skew_ms_ / 60'000, ")");
      error_.reason = RejectReason::kOutOfRange;
    }
    scratch_ = CaseEvent{};
  } else {
    detail = error_.message();
  }
  Rejection& r = batch.rejections.emplace_back();
  r.reason = error_.reason;
  r.detail = std::move(detail);
  r.raw_size = message.size();
  r.raw = sanitiser_.sanitise(message);
  r.received_at = wall_now;
}

void BatchDecoder::addTooLarge(std::string_view message, DecodedBatch& batch, TimeMs wall_now) {
  Rejection& r = batch.rejections.emplace_back();
  r.reason = RejectReason::kTooLarge;
  r.detail = DecodeError{RejectReason::kTooLarge, {}}.message();
  r.raw_size = message.size();
  r.raw = sanitiser_.tooLarge(message);
  r.received_at = wall_now;
}

void BatchDecoder::addTooLarge(size_t size, DecodedBatch& batch, TimeMs wall_now) {
  Rejection& r = batch.rejections.emplace_back();
  r.reason = RejectReason::kTooLarge;
  r.detail = DecodeError{RejectReason::kTooLarge, {}}.message();
  r.raw_size = size;
  r.raw = sanitiser_.tooLarge(size);
  r.received_at = wall_now;
}

}  // namespace casewatch
