#include "daemon/journal/record_resync.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "daemon/journal/segment_reader.h"
#include "tests/fakes/file_contents.h"
#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using testing::TempDir;
using testing::writeFile;

// Finds a valid record after `bad` in a file holding `bytes`; "x..." payloads are parseable.
std::optional<uint64_t> resync(const std::string& bytes, uint64_t bad) {
  TempDir tmp;
  const std::string path = tmp.path() + "/seg";
  writeFile(path, bytes);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  auto found = findValidRecordAfter(fd, bad, [](std::string_view p) { return p.starts_with("x"); });
  ::close(fd);
  EXPECT_TRUE(found.ok()) << found.status();
  return found.ok() ? *found : std::nullopt;
}

TEST(RecordResyncTest, FindsTheNextValidRecordPastGarbage) {
  std::string bytes(kSegmentHeaderBytes, 'H');
  const size_t bad = bytes.size();
  bytes += "\x05\x00\x00\x00garbage-of-some-length";
  const size_t good = bytes.size();
  appendRecord(bytes, "x-valid");
  EXPECT_EQ(resync(bytes, bad), good);
}

TEST(RecordResyncTest, NothingValidAfterATornRecord) {
  std::string bytes(kSegmentHeaderBytes, 'H');
  const size_t bad = bytes.size();
  appendRecord(bytes, "x-torn-record");
  bytes.resize(bytes.size() - 2);
  bytes.append(4096, '\0');  // a file extended with zeros, as after a crash
  EXPECT_EQ(resync(bytes, bad), std::nullopt);
}

TEST(RecordResyncTest, ARecordWithAGoodChecksumButUnparseablePayloadDoesNotCount) {
  std::string bytes(kSegmentHeaderBytes, 'H');
  const size_t bad = bytes.size();
  bytes += "\xff\xff";
  appendRecord(bytes, "not an event");
  EXPECT_EQ(resync(bytes, bad), std::nullopt);
}

}  // namespace
}  // namespace casewatch
