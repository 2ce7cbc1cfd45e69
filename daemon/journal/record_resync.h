// Looking past a bad journal record: is there a valid record after it?
//
// Recovery (event_journal.cc) must tell a torn tail from corruption. A crash while a batch is being
// written leaves a tail that is cut short or garbled, with nothing valid after it: dropping it
// loses nothing that was ever reported durable. A bad record followed by valid records is
// different: those records reached the disk, most likely were fdatasynced and acknowledged, and
// something later damaged the bytes in between. Dropping from the bad record on would silently lose
// them.
//
// A record found by resync is "valid" only when its length is in range, its crc32 matches and
// `parseable` accepts its payload (the journal passes the event decoder), so random bytes passing
// by chance would need a crc collision and a well-formed event.
//
// Pure, reads the file through the descriptor it is given; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"

namespace casewatch {

using PayloadCheck = std::function<bool(std::string_view payload)>;

// The offset of the first valid record starting anywhere in (bad_offset, file end) of the segment
// open on `fd` (the length field of the bad record may itself be what is corrupt, so every byte
// offset is tried), or nullopt when there is none. Internal on an I/O error.
absl::StatusOr<std::optional<uint64_t>> findValidRecordAfter(int fd, uint64_t bad_offset,
                                                             const PayloadCheck& parseable);

}  // namespace casewatch
