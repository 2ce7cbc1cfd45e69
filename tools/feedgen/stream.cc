#include "tools/feedgen/stream.h"

#include <array>

namespace casewatch::feedgen {

std::string_view outcomeName(Outcome o) {
  static constexpr std::array<std::string_view, 3> kNames = {"upheld", "partly_upheld",
                                                             "not_upheld"};
  return kNames[static_cast<size_t>(o)];
}

std::string_view satisfactionName(Satisfaction s) {
  static constexpr std::array<std::string_view, 3> kNames = {"satisfied", "unsatisfied", "unknown"};
  return kNames[static_cast<size_t>(s)];
}

std::string_view rejectReason(uint8_t code) {
  static constexpr std::array<std::string_view, kRejectReasonCount> kReasons = {
      "outside_remit", "in_litigation", "insufficient_information", "repeat_of_concluded_matter"};
  return kReasons[code % kRejectReasonCount];
}

std::string_view reopenReason(uint8_t code) {
  static constexpr std::array<std::string_view, kReopenReasonCount> kReasons = {
      "new_evidence", "petitioner_dispute", "supervision_order"};
  return kReasons[code % kReopenReasonCount];
}

}  // namespace casewatch::feedgen
