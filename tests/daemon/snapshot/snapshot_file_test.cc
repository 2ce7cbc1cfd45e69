#include "daemon/snapshot/snapshot_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/fakes/temp_dir.h"

namespace casewatch {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

constexpr size_t kHeaderBytes = 8 + 4 + 4 + 8 + 8 + 8 + 4;

std::string readAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}
void writeAll(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << data;
}

class SnapshotFileTest : public ::testing::Test {
 protected:
  std::string write(uint64_t position, std::string_view body) {
    auto n = writeSnapshotFile(dir_.path(), position, 0xfeed, body);
    EXPECT_TRUE(n.ok()) << n.status();
    return listSnapshots(dir_.path()).front().path;
  }
  TempDir dir_;
  const std::string body_ =
      std::string("the state after the first records, ") + std::string(500, 'x');
};

TEST_F(SnapshotFileTest, WrittenFilesReadBackWithTheirPositionAndFingerprint) {
  const std::string path = write(42, body_);
  auto c = readSnapshotFile(path);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->position, 42u);
  EXPECT_EQ(c->config_fingerprint, 0xfeedu);
  EXPECT_EQ(c->body(), body_);
  // No temp file is left beside it.
  for (const auto& e : std::filesystem::directory_iterator(snapshotDir(dir_.path()))) {
    EXPECT_EQ(e.path().extension(), ".cws") << e.path();
  }
}

TEST_F(SnapshotFileTest, ListsNewestFirstRemovesLeftoverTempFilesAndPrunesToKeep) {
  write(10, body_);
  write(30, body_);
  write(20, body_);
  writeAll(snapshotDir(dir_.path()) + "/snap-00000000000000000040.cws.tmp", "half");
  auto all = listSnapshots(dir_.path());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].position, 30u);
  EXPECT_EQ(all[1].position, 20u);
  EXPECT_EQ(all[2].position, 10u);
  EXPECT_FALSE(
      std::filesystem::exists(snapshotDir(dir_.path()) + "/snap-00000000000000000040.cws.tmp"));
  EXPECT_EQ(pruneSnapshots(dir_.path(), 2), 20u);
  all = listSnapshots(dir_.path());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].position, 20u);
}

TEST_F(SnapshotFileTest, AFlippedByteAnywhereIsDataLossNamingWhatIsWrong) {
  const std::string path = write(7, body_);
  const std::string good = readAll(path);
  for (const size_t at : {size_t{3}, size_t{13}, size_t{20}, kHeaderBytes - 1, kHeaderBytes,
                          kHeaderBytes + 100, good.size() - 1}) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x10);
    writeAll(path, bad);
    auto c = readSnapshotFile(path);
    ASSERT_FALSE(c.ok()) << "byte " << at;
    EXPECT_EQ(c.status().code(), absl::StatusCode::kDataLoss) << c.status();
  }
  std::string bad = good;
  bad[kHeaderBytes + 100] ^= 1;
  writeAll(path, bad);
  EXPECT_THAT(readSnapshotFile(path).status().message(), HasSubstr("body checksum mismatch"));
  bad = good;
  bad[0] = 'X';
  writeAll(path, bad);
  EXPECT_THAT(readSnapshotFile(path).status().message(), HasSubstr("magic"));
}

TEST_F(SnapshotFileTest, ALargeBodyIsCheckedInTwoHalvesWithTheSameChecksum) {
  // Past 64 MiB the body's checksum is computed in two halves on two threads and combined.
  std::string big(70u << 20, '\0');
  for (size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>(i * 31);
  const std::string path = write(9, big);
  auto c = readSnapshotFile(path);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->body() == big);
  const std::string good = readAll(path);
  // A flipped byte in either half, or at the seam, is found.
  for (const size_t at : {kHeaderBytes + 5, kHeaderBytes + big.size() / 2 - 1,
                          kHeaderBytes + big.size() / 2, good.size() - 2}) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    writeAll(path, bad);
    EXPECT_THAT(readSnapshotFile(path).status().message(), HasSubstr("body checksum mismatch"))
        << "byte " << at;
  }
}

TEST_F(SnapshotFileTest, ATruncatedFileIsDataLoss) {
  const std::string path = write(7, body_);
  const std::string good = readAll(path);
  for (const size_t size : {size_t{0}, size_t{10}, kHeaderBytes, good.size() - 1}) {
    writeAll(path, good.substr(0, size));
    auto c = readSnapshotFile(path);
    ASSERT_FALSE(c.ok()) << size;
    EXPECT_EQ(c.status().code(), absl::StatusCode::kDataLoss);
  }
  writeAll(path, good.substr(0, good.size() - 1));
  EXPECT_THAT(readSnapshotFile(path).status().message(), HasSubstr("truncated"));
}

// The file at `path` rewritten as format `version` (its header checksum recomputed), as another
// build wrote it.
void setVersion(const std::string& path, uint32_t version) {
  std::string data = readAll(path);
  std::memcpy(data.data() + 8, &version, 4);
  const uint32_t crc = static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data.data()), kHeaderBytes - 4));
  std::memcpy(data.data() + kHeaderBytes - 4, &crc, 4);
  writeAll(path, data);
}

TEST_F(SnapshotFileTest, AnotherFormatVersionIsRefusedWithBothVersions) {
  for (const uint32_t other : {kSnapshotFormatVersion + 1, kOldestSnapshotFormatRead - 1}) {
    const std::string path = write(7, body_);
    setVersion(path, other);
    auto c = readSnapshotFile(path);
    ASSERT_FALSE(c.ok()) << other;
    EXPECT_EQ(c.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(c.status().message(), HasSubstr("format version"));
  }
}

TEST_F(SnapshotFileTest, ThePreviousFormatIsReadAndSaysWhichItIs) {
  // An upgrade starts from the snapshot the build before wrote: the loader reads it in its shape.
  const std::string path = write(7, body_);
  setVersion(path, kOldestSnapshotFormatRead);
  auto c = readSnapshotFile(path);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->format, kOldestSnapshotFormatRead);
  EXPECT_EQ(c->body(), body_);
  auto now = readSnapshotFile(write(9, body_));
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->format, kSnapshotFormatVersion);
}

}  // namespace
}  // namespace casewatch
