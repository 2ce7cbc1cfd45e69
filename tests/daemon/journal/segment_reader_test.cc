// The journal's segment format: file names, the header, record framing, and the sequential reader
// over a real file (valid records, a clean end, and torn or corrupt records after a crash).
#include "daemon/journal/segment_reader.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/fakes/file_contents.h"
#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using testing::TempDir;
using testing::writeFile;

// Every record a reader over `bytes` (from `start`) yields, and how it stopped.
struct ReadBack {
  std::vector<std::string> payloads;
  SegmentReader::Next stop = SegmentReader::Next::kRecord;
  uint64_t stop_offset = 0;
  std::string bad_reason;
};

ReadBack readAll(const std::string& bytes, uint64_t start) {
  TempDir tmp;
  const std::string path = tmp.path() + "/" + segmentFileName(0);
  writeFile(path, bytes);
  const int fd = ::open(path.c_str(), O_RDONLY);
  EXPECT_GE(fd, 0);
  ReadBack out;
  if (::lseek(fd, static_cast<off_t>(start), SEEK_SET) < 0) ADD_FAILURE() << "lseek";
  SegmentReader reader(fd, start);
  std::string_view payload;
  while ((out.stop = reader.next(payload)) == SegmentReader::Next::kRecord) {
    out.payloads.emplace_back(payload);
  }
  out.stop_offset = reader.offset();
  out.bad_reason = reader.badReason();
  ::close(fd);
  return out;
}

std::string segmentOf(const std::vector<std::string>& payloads) {
  std::string s = encodeSegmentHeader(42);
  for (const std::string& p : payloads) appendRecord(s, p);
  return s;
}

TEST(SegmentReaderTest, FileNamesRoundTripAndOtherNamesAreRefused) {
  EXPECT_EQ(segmentFileName(1234), "seg-00000000000000001234.log");
  EXPECT_EQ(parseSegmentFileName(segmentFileName(1234)), 1234u);
  EXPECT_EQ(parseSegmentFileName(segmentFileName(UINT64_MAX)), UINT64_MAX);
  for (const char* name : {"seg-1234.log", "seg-00000000000000001234.tmp",
                           "seg-0000000000000000123x.log", "xseg-00000000000000001234.log", ""}) {
    EXPECT_EQ(parseSegmentFileName(name), std::nullopt) << name;
  }
}

TEST(SegmentReaderTest, HeaderRoundTripsAndABadOneIsNamed) {
  const std::string header = encodeSegmentHeader(77);
  ASSERT_EQ(header.size(), kSegmentHeaderBytes);
  EXPECT_EQ(header.substr(0, 4), std::string(kSegmentMagic, 4));
  uint64_t first = 0;
  ASSERT_TRUE(parseSegmentHeader(header, first).ok());
  EXPECT_EQ(first, 77u);

  std::string bad_magic = header;
  bad_magic[0] = 'X';
  EXPECT_FALSE(parseSegmentHeader(bad_magic, first).ok());
  std::string bad_version = header;
  bad_version[4] = 9;
  EXPECT_FALSE(parseSegmentHeader(bad_version, first).ok());
  EXPECT_FALSE(parseSegmentHeader(header.substr(0, 10), first).ok());
}

TEST(SegmentReaderTest, SealingInPlaceFramesLikeAppending) {
  std::string appended, sealed;
  appendRecord(appended, "payload bytes");
  sealed.resize(kRecordHeaderBytes);
  sealed += "payload bytes";
  sealRecord(sealed, 0);
  EXPECT_EQ(sealed, appended);
  EXPECT_EQ(appended.size(), kRecordHeaderBytes + 13);
}

TEST(SegmentReaderTest, ReadsEveryRecordInOrderThenEnds) {
  const std::vector<std::string> payloads = {"one", std::string("bin\0ary", 7),
                                             std::string(100000, 'x')};
  const ReadBack r = readAll(segmentOf(payloads), kSegmentHeaderBytes);
  EXPECT_EQ(r.payloads, payloads);
  EXPECT_EQ(r.stop, SegmentReader::Next::kEnd);
  EXPECT_EQ(r.stop_offset, segmentOf(payloads).size());
}

TEST(SegmentReaderTest, StartsAtTheGivenOffset) {
  const std::string seg = segmentOf({"first", "second"});
  const ReadBack r = readAll(seg, kSegmentHeaderBytes + kRecordHeaderBytes + 5);
  EXPECT_EQ(r.payloads, std::vector<std::string>{"second"});
  EXPECT_EQ(r.stop, SegmentReader::Next::kEnd);
}

TEST(SegmentReaderTest, ATornTailStopsAtTheLastWholeRecord) {
  const std::string whole = segmentOf({"first", "second"});
  const uint64_t second_at = kSegmentHeaderBytes + kRecordHeaderBytes + 5;
  // Every cut inside the second record (its header or payload) leaves the first readable.
  for (size_t cut = second_at + 1; cut < whole.size(); ++cut) {
    const ReadBack r = readAll(whole.substr(0, cut), kSegmentHeaderBytes);
    EXPECT_EQ(r.payloads, std::vector<std::string>{"first"}) << "cut at " << cut;
    EXPECT_EQ(r.stop, SegmentReader::Next::kBad) << "cut at " << cut;
    EXPECT_EQ(r.stop_offset, second_at) << "cut at " << cut;
    EXPECT_FALSE(r.bad_reason.empty());
  }
}

TEST(SegmentReaderTest, AFlippedByteIsCorruptAtThatRecord) {
  std::string seg = segmentOf({"first", "second", "third"});
  const uint64_t second_at = kSegmentHeaderBytes + kRecordHeaderBytes + 5;
  seg[second_at + kRecordHeaderBytes + 2] ^= 0x20;  // inside "second"
  const ReadBack r = readAll(seg, kSegmentHeaderBytes);
  EXPECT_EQ(r.payloads, std::vector<std::string>{"first"});
  EXPECT_EQ(r.stop, SegmentReader::Next::kBad);
  EXPECT_EQ(r.stop_offset, second_at);
}

TEST(SegmentReaderTest, AnAbsurdLengthIsCorruptNotAnAllocation) {
  std::string seg = encodeSegmentHeader(0);
  const uint32_t huge = kMaxRecordPayloadBytes + 1;
  seg.append(reinterpret_cast<const char*>(&huge), 4);  // little-endian on every target we build
  seg.append(4, '\0');
  seg.append("x");
  const ReadBack r = readAll(seg, kSegmentHeaderBytes);
  EXPECT_TRUE(r.payloads.empty());
  EXPECT_EQ(r.stop, SegmentReader::Next::kBad);
  EXPECT_EQ(r.stop_offset, kSegmentHeaderBytes);
}

}  // namespace
}  // namespace casewatch
