// libFuzzer target for the journal's segment reader and event codec (built by tests/fuzz/
// CMakeLists.txt in the sanitizer build; run by tests/fuzz/run-fuzz-target).
//
// The input is a whole segment file as it could be found on disk after any crash or corruption.
// Properties beyond "no crash, no sanitizer report":
//  - the reader returns only records whose checksum matches (checked again here with zlib), in
//    file order, each within the file, and stops at kEnd, kBad or kIoError — never loops;
//  - a payload that decodes as an event re-encodes to the same bytes (the codec is a bijection on
//    what it accepts, so recovery can never turn one event into another);
//  - resync after a bad record finds an offset past it that really starts a valid record.
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "connectors/decode/case_event.h"
#include "daemon/journal/event_codec.h"
#include "daemon/journal/record_resync.h"
#include "daemon/journal/segment_reader.h"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

uint32_t readU32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const int fd = memfd_create("segment", 0);
  check(fd >= 0, "memfd");
  check(ftruncate(fd, 0) == 0, "ftruncate");
  if (size > 0) check(pwrite(fd, data, size, 0) == static_cast<ssize_t>(size), "pwrite");

  uint64_t first_index = 0;
  const std::string_view whole(reinterpret_cast<const char*>(data), size);
  const bool header_ok =
      size >= casewatch::kSegmentHeaderBytes &&
      casewatch::parseSegmentHeader(whole.substr(0, casewatch::kSegmentHeaderBytes), first_index)
          .ok();
  const uint64_t start = header_ok ? casewatch::kSegmentHeaderBytes : 0;

  casewatch::SegmentReader reader(fd, start);
  casewatch::CaseEvent event;
  std::string reencoded;
  uint64_t last = start;
  size_t records = 0;
  for (;;) {
    const uint64_t at = reader.offset();
    std::string_view payload;
    const auto next = reader.next(payload);
    if (next != casewatch::SegmentReader::Next::kRecord) {
      check(reader.offset() >= last && reader.offset() <= size, "final offset within the file");
      if (next == casewatch::SegmentReader::Next::kBad) {
        check(std::strlen(reader.badReason()) > 0, "a reason for a bad record");
        auto after = casewatch::findValidRecordAfter(fd, reader.offset(), [&](std::string_view p) {
          return casewatch::decodeEvent(p, event);
        });
        check(after.ok(), "resync reads a memfd");
        if (after->has_value()) {
          const uint64_t off = **after;
          check(off > reader.offset() && off + casewatch::kRecordHeaderBytes <= size,
                "resync offset after the bad record");
          const uint32_t len = readU32(data + off);
          check(off + casewatch::kRecordHeaderBytes + len <= size, "resync record within file");
          const uint32_t crc =
              static_cast<uint32_t>(crc32(0, data + off + casewatch::kRecordHeaderBytes, len));
          check(crc == readU32(data + off + 4), "resync record checksum");
        }
      }
      break;
    }
    ++records;
    check(at >= last, "records in file order");
    check(at + casewatch::kRecordHeaderBytes + payload.size() <= size, "record within the file");
    check(reader.offset() == at + casewatch::kRecordHeaderBytes + payload.size(),
          "offset advances by exactly one record");
    check(readU32(data + at) == payload.size(), "length field");
    const uint32_t crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(payload.data()), payload.size()));
    check(crc == readU32(data + at + 4), "checksum of a returned record");
    if (casewatch::decodeEvent(payload, event)) {
      reencoded.clear();
      casewatch::encodeEvent(event, reencoded);
      check(reencoded == payload, "an accepted payload re-encodes to itself");
    }
    last = reader.offset();
    check(records <= size, "terminates");
  }
  return 0;
}
