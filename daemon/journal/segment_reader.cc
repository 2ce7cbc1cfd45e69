#include "daemon/journal/segment_reader.h"

#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace casewatch {
namespace {

constexpr size_t kReadChunk = 1 << 20;

void putU32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
uint32_t getU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
uint64_t getU64(const char* p) {
  return static_cast<uint64_t>(getU32(p)) | (static_cast<uint64_t>(getU32(p + 4)) << 32);
}

uint32_t crcOf(const char* data, size_t n) {
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(data), static_cast<uInt>(n)));
}

}  // namespace

std::string segmentFileName(uint64_t first_index) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "seg-%020" PRIu64 ".log", first_index);
  return buf;
}

std::optional<uint64_t> parseSegmentFileName(std::string_view name) {
  constexpr std::string_view kPrefix = "seg-", kSuffix = ".log";
  if (name.size() != kPrefix.size() + 20 + kSuffix.size() || !name.starts_with(kPrefix) ||
      !name.ends_with(kSuffix)) {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (char c : name.substr(kPrefix.size(), 20)) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::string encodeSegmentHeader(uint64_t first_index) {
  std::string h(kSegmentHeaderBytes, '\0');
  std::memcpy(h.data(), kSegmentMagic, 4);
  putU32(h.data() + 4, kSegmentFormatVersion);
  putU32(h.data() + 8, static_cast<uint32_t>(first_index));
  putU32(h.data() + 12, static_cast<uint32_t>(first_index >> 32));
  return h;
}

absl::Status parseSegmentHeader(std::string_view header, uint64_t& first_index) {
  if (header.size() < kSegmentHeaderBytes) return absl::DataLossError("short segment header");
  if (std::memcmp(header.data(), kSegmentMagic, 4) != 0) {
    return absl::DataLossError("bad segment magic");
  }
  const uint32_t version = getU32(header.data() + 4);
  if (version != kSegmentFormatVersion) {
    return absl::DataLossError("unsupported segment format version " + std::to_string(version));
  }
  first_index = getU64(header.data() + 8);
  return absl::OkStatus();
}

void appendRecord(std::string& out, std::string_view payload) {
  const size_t start = out.size();
  out.append(kRecordHeaderBytes, '\0');
  out.append(payload);
  sealRecord(out, start);
}

void sealRecord(std::string& out, size_t start) {
  const size_t len = out.size() - start - kRecordHeaderBytes;
  char* p = out.data() + start;
  putU32(p, static_cast<uint32_t>(len));
  putU32(p + 4, crcOf(p + kRecordHeaderBytes, len));
}

SegmentReader::SegmentReader(int fd, uint64_t start_offset) : fd_(fd), offset_(start_offset) {}

bool SegmentReader::fill(size_t need) {
  if (end_ - pos_ >= need) return true;
  if (eof_ || !io_error_.ok()) return false;
  // Compact, then grow if one record needs more than the buffer holds.
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  const size_t want = std::max(need, kReadChunk);
  if (buf_.size() < want) buf_.resize(want);
  while (end_ < need) {
    const ssize_t n =
        ::pread(fd_, buf_.data() + end_, buf_.size() - end_, static_cast<off_t>(offset_ + end_));
    if (n < 0) {
      if (errno == EINTR) continue;
      io_error_ = absl::Status(absl::StatusCode::kInternal,
                               std::string("journal read failed: ") + std::strerror(errno));
      return false;
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    end_ += static_cast<size_t>(n);
  }
  return true;
}

SegmentReader::Next SegmentReader::next(std::string_view& payload) {
  if (!fill(kRecordHeaderBytes)) {
    if (!io_error_.ok()) return Next::kIoError;
    if (end_ == pos_) return Next::kEnd;
    bad_reason_ = "truncated record header";
    return Next::kBad;
  }
  const char* h = buf_.data() + pos_;
  const uint32_t len = getU32(h);
  const uint32_t crc = getU32(h + 4);
  if (len == 0 || len > kMaxRecordPayloadBytes) {
    bad_reason_ = "bad record length";
    return Next::kBad;
  }
  if (!fill(kRecordHeaderBytes + len)) {
    if (!io_error_.ok()) return Next::kIoError;
    bad_reason_ = "truncated record payload";
    return Next::kBad;
  }
  const char* p = buf_.data() + pos_ + kRecordHeaderBytes;  // fill() may have moved the buffer
  if (crcOf(p, len) != crc) {
    bad_reason_ = "record checksum mismatch";
    return Next::kBad;
  }
  payload = std::string_view(p, len);
  pos_ += kRecordHeaderBytes + len;
  offset_ += kRecordHeaderBytes + len;
  return Next::kRecord;
}

}  // namespace casewatch
