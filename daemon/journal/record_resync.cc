#include "daemon/journal/record_resync.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "daemon/journal/segment_reader.h"

namespace casewatch {
namespace {

uint32_t getU32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

// Unmaps on scope exit.
class Mapping {
 public:
  Mapping(void* p, size_t n) : p_(p), n_(n) {}
  ~Mapping() {
    if (p_ != MAP_FAILED && n_ > 0) ::munmap(p_, n_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

 private:
  void* p_;
  size_t n_;
};

}  // namespace

absl::StatusOr<std::optional<uint64_t>> findValidRecordAfter(int fd, uint64_t bad_offset,
                                                             const PayloadCheck& parseable) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return absl::InternalError(std::string("journal: stat failed: ") + std::strerror(errno));
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size <= bad_offset + 1 + kRecordHeaderBytes) return std::optional<uint64_t>();
  // Mapped, not read: the rest of a segment can be tens of megabytes, and only the pages the scan
  // touches are brought in.
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) {
    return absl::InternalError(std::string("journal: mmap failed: ") + std::strerror(errno));
  }
  Mapping unmap(p, size);
  const auto* data = static_cast<const unsigned char*>(p);
  for (uint64_t at = bad_offset + 1; at + kRecordHeaderBytes < size; ++at) {
    const uint32_t len = getU32(data + at);
    if (len == 0 || len > kMaxRecordPayloadBytes || len > size - at - kRecordHeaderBytes) continue;
    const unsigned char* payload = data + at + kRecordHeaderBytes;
    const uint32_t crc = static_cast<uint32_t>(crc32(0L, payload, static_cast<uInt>(len)));
    if (crc != getU32(data + at + 4)) continue;
    if (!parseable(std::string_view(reinterpret_cast<const char*>(payload), len))) continue;
    return std::optional<uint64_t>(at);
  }
  return std::optional<uint64_t>();
}

}  // namespace casewatch
