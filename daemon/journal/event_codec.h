// The journal's binary encoding of a CaseEvent: compact, versioned, and total (every field of the
// struct round-trips exactly, including the `has_*` flags and enum values).
//
// Layout (all integers little-endian; "varint" is LEB128, "zigzag" the signed mapping over it):
//   u8 codec version (1) | u8 type | u8 flags (has_seq, has_amount, resolved) | zigzag ts |
//   [varint seq if has_seq] | 10 strings, each varint length + bytes (event_id, source, case_id,
//   matter, region, agency, category, to_agency, leader, reason) | varint person count + 8 bytes
//   per person | u8 channel, level, competent_level, to_level, outcome, satisfaction |
//   varint group_size | zigzag days | [8-byte IEEE double amount if has_amount]
// A new field means a new codec version; the decoder keeps reading every older version.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "connectors/decode/case_event.h"

namespace casewatch {

constexpr uint8_t kEventCodecVersion = 1;

// Appends the encoding of `ev` to `out` (never clears it, so a caller can encode straight into a
// larger buffer).
void encodeEvent(const CaseEvent& ev, std::string& out);

// Decodes one payload into `out` (cleared first; string capacity reused). Returns false when the
// payload is malformed: truncated, trailing bytes, an unknown codec version, or an enum value out
// of range. Never throws.
bool decodeEvent(std::string_view payload, CaseEvent& out);

}  // namespace casewatch
