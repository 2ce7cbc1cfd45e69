// Decodes one feed message (a JSON object, contract shared/contracts/events.md) into a CaseEvent,
// applying every rule of the contract's "Bad input" section. Person ids are pseudonymised here, so
// nothing downstream ever sees a raw one. Unknown fields are skipped.
//
// Uses simdjson's On-Demand API with error codes (no exceptions on the hot path), in one pass over
// the object's fields, so field order does not matter; what is required depends on `type`, so the
// pass only records values and the contract is checked after it. Steady state allocates nothing.
// Thread-safety: one decoder per thread (it owns a simdjson parser and a padded scratch buffer).
//
// Rules where the contract leaves a choice (first match wins, in this order):
//  - too_large: longer than DecoderLimits::max_message_bytes, before any parsing (`field` empty).
//  - invalid_json: anything that is not exactly one JSON object (whitespace around it is fine),
//    including bad UTF-8 or escapes anywhere (unknown fields too: every accepted message is valid
//    JSON), a known key given twice (`field` names it), and arrays/objects nested deeper than
//    DecoderLimits::max_nesting. Integers beyond 64 bits are valid JSON (out_of_range where used).
//  - then `v` (missing / wrong_type / unsupported_version for any integer but 1), then `type`
//    (missing / wrong_type / unknown_type), then event_id, source, seq, ts, case_id, then the
//    type's own fields in the contract's order. Fields of other types are ignored, even malformed.
//  - wrong_type: the JSON type differs, including null for any field and a fraction or exponent
//    where an integer is wanted (`5.0`). out_of_range: an integer outside its range (seq < 0 or
//    beyond uint64, days, group_size), an enum value outside its set, a string longer than its
//    limit, an empty required string, an empty or too long `persons`.
//  - An optional string given as "" means "not given" (case_id on a visit, agency, reason).
//  - `field` names the offending field, with an index inside `persons` ("persons[2]"); it never
//    holds a value, so raw person ids cannot leak through errors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "connectors/decode/case_event.h"
#include "connectors/pseudonym/pseudonymizer.h"

namespace casewatch {

// Why an event was rejected. Each value is a metric label (`reason`) and a dead-letter reason.
enum class RejectReason : uint8_t {
  kNone = 0,
  kTooLarge,            // bigger than the configured limit (checked before parsing)
  kInvalidJson,         // not a JSON object / truncated / bad UTF-8
  kUnsupportedVersion,  // `v` is not 1
  kMissingField,        // a required field is absent
  kWrongType,           // a field has the wrong JSON type
  kUnknownType,         // `type` is not one of the contract's
  kBadTimestamp,        // `ts` does not parse as RFC 3339 with an offset
  kOutOfRange,     // a value outside its allowed set or range (length limits, enums, days, ...)
  kOrphanExpired,  // (set by the pipeline) an orphan whose case never came within the horizon
  // (set by BatchDecoder) a `source` the feed may not carry (feeds[].sources)
  kUnauthorisedSource,
};
constexpr size_t kRejectReasonCount = 11;
std::string_view rejectReasonName(RejectReason r);  // "too_large", "invalid_json", ...

// True for the names of the contract's event fields (common and per-type: "v", "persons", ...),
// the only fields a decoded event or a dead letter keeps.
bool isContractEventField(std::string_view key);

struct DecodeError {
  RejectReason reason = RejectReason::kNone;
  std::string field;            // the offending field, when there is one ("ts", "persons[2]", ...)
  std::string message() const;  // e.g. "missing_field: persons"
};

struct DecoderLimits {
  size_t max_message_bytes = 64 * 1024;
  size_t max_persons = 1000;
  size_t max_string_bytes = 256;  // for fields without a contract limit (matter, region, ...)
  // Deepest array/object nesting accepted anywhere in the message (the event itself is depth 1).
  // Deeper input is rejected as invalid_json: no contract field nests, and the bound keeps the
  // validating walk over unknown fields off the stack's edge.
  size_t max_nesting = 32;
  // BatchDecoder rejects (out_of_range, field "ts") an event whose `ts` is more than this ahead of
  // the wall clock it is given; 0 = no check (replay).
  int64_t max_future_skew_ms = 0;
};

class EventDecoder {
 public:
  EventDecoder(const Pseudonymizer& pseudonymizer, DecoderLimits limits = {});
  ~EventDecoder();
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;

  // Decodes `json` into `out` (cleared first). Returns true on success; on failure returns false,
  // fills `error`, and `out` is unspecified. Never throws.
  bool decode(std::string_view json, CaseEvent& out, DecodeError& error);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace casewatch
