#include "connectors/decoded_batch.h"

namespace casewatch {

BatchDecoder::BatchDecoder(const Pseudonymizer& pseudonymizer, DecoderLimits limits,
                           size_t dead_letter_max_bytes)
    : decoder_(pseudonymizer, limits), dead_letter_max_bytes_(dead_letter_max_bytes) {}

void BatchDecoder::add(std::string_view message, DecodedBatch& batch, TimeMs wall_now) {
  if (decoder_.decode(message, scratch_, error_)) {
    batch.events.push_back(std::move(scratch_));
    scratch_ = CaseEvent{};
    return;
  }
  Rejection& r = batch.rejections.emplace_back();
  r.reason = error_.reason;
  r.detail = error_.message();
  r.raw_size = message.size();
  r.raw.assign(message.substr(0, std::min(message.size(), dead_letter_max_bytes_)));
  r.received_at = wall_now;
}

}  // namespace casewatch
