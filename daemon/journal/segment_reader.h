// The on-disk format of one journal segment, and a sequential reader over its records.
//
// A segment is `<dir>/journal/seg-<20-digit index of its first record>.log`:
//   header (16 bytes): "CWJ1" | u32 format version | u64 first record index
//   records:           u32 payload length | u32 crc32 (zlib) of the payload | payload
// All integers are little-endian. A record is valid only when its length is in range and its
// checksum matches, so after a crash the valid prefix of a segment is exactly what reached the
// file.
//
// Thread-safety: a SegmentReader is used by one thread at a time; the free functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace casewatch {

constexpr char kSegmentMagic[4] = {'C', 'W', 'J', '1'};
constexpr uint32_t kSegmentFormatVersion = 1;
constexpr size_t kSegmentHeaderBytes = 16;
constexpr size_t kRecordHeaderBytes = 8;
// Far above any event (messages are capped at 64 KiB); a larger length field is corruption.
constexpr uint32_t kMaxRecordPayloadBytes = 16u << 20;

// "seg-00000000000000001234.log", and back (nullopt for any other name).
std::string segmentFileName(uint64_t first_index);
std::optional<uint64_t> parseSegmentFileName(std::string_view name);

std::string encodeSegmentHeader(uint64_t first_index);
// The first index from a header; an error naming what is wrong otherwise.
absl::Status parseSegmentHeader(std::string_view header, uint64_t& first_index);

// Appends one framed record (length, crc, payload) to `out`.
void appendRecord(std::string& out, std::string_view payload);
// Frames the payload that a caller has already appended at `out[start + 8 ..]` after reserving
// 8 bytes at `start`, so that events encode straight into the batch buffer with no copy.
void sealRecord(std::string& out, size_t start);

// Reads records sequentially from an open file descriptor positioned at `start_offset`. Does not
// own the descriptor.
class SegmentReader {
 public:
  enum class Next {
    kRecord,  // `payload` is the next record's (valid until the next call)
    kEnd,     // clean end of file
    kBad,     // the record at offset() is torn or corrupt; badReason() says how
    kIoError  // read() failed; ioError() has the errno
  };

  SegmentReader(int fd, uint64_t start_offset);
  Next next(std::string_view& payload);

  // The offset of the next unread record; after kBad, of the bad record.
  uint64_t offset() const { return offset_; }
  const char* badReason() const { return bad_reason_; }
  absl::Status ioError() const { return io_error_; }

 private:
  // Makes `need` unconsumed bytes available; false at end of file (or on error).
  bool fill(size_t need);

  int fd_;
  uint64_t offset_;
  std::string buf_;
  size_t pos_ = 0;  // first unconsumed byte in buf_
  size_t end_ = 0;  // one past the last valid byte in buf_
  bool eof_ = false;
  const char* bad_reason_ = "";
  absl::Status io_error_;
};

}  // namespace casewatch
