// A snapshot file: <data_dir>/snapshots/snap-<journal position, 20 digits>.cws, holding the state
// after the first <position> journal records. Layout (little-endian):
//   header  magic "CWSNAP\0\1" | u32 format version | u32 crc32 of the body | u64 position |
//           u64 body bytes | u64 config fingerprint | u32 crc32 of the header before it
//   body    the state (daemon/snapshot/snapshot_state.h), as written by base/state_archive.h
// Written atomically: temp file, write, fsync, rename, directory fsync; a crash leaves either the
// old set of snapshots or the new one, plus at most a *.tmp that the next start removes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/input/input_text.h"

namespace casewatch {

// Bumped whenever anything a snapshot saves changes shape: an older file is then skipped (and
// start-up replays the journal from the previous snapshot, or from its beginning).
// 2: handling history; 3: retention; 4: a shard's foreign cases; 5: the dedup window in time
// buckets of 64-bit keys; 6: unsettled alert changes; 7: the workflow's alerts without the
// book's evidence texts; 8: the pipeline's and the workflow's state in length-prefixed parts.
inline constexpr uint32_t kSnapshotFormatVersion = 8;
// The oldest format this build still reads, so that an upgrade whose journal was compacted behind
// the newest snapshot does not need the records gone with it.
inline constexpr uint32_t kOldestSnapshotFormatRead = 7;

struct SnapshotFileInfo {
  std::string path;
  uint64_t position = 0;  // from the file name
};

struct SnapshotContents {
  uint64_t position = 0;
  uint64_t config_fingerprint = 0;
  uint32_t format = kSnapshotFormatVersion;
  input::InputText file;  // mapped: the body is read in place
  std::string_view body() const { return file.text().substr(body_offset); }
  size_t body_offset = 0;
};

std::string snapshotDir(const std::string& data_dir);
// Snapshot files found, newest (highest position) first; removes leftover *.tmp files.
std::vector<SnapshotFileInfo> listSnapshots(const std::string& data_dir);
// Writes and makes durable the snapshot at `position`; returns the bytes written. On failure the
// temporary file is removed; ResourceExhausted when the disk (or quota) is full.
absl::StatusOr<uint64_t> writeSnapshotFile(const std::string& data_dir, uint64_t position,
                                           uint64_t config_fingerprint, std::string_view body);
// Reads and checks a snapshot: DataLoss naming what is wrong (magic, version, checksum, a short
// file), Internal for I/O errors.
absl::StatusOr<SnapshotContents> readSnapshotFile(const std::string& path);
// Removes all but the `keep` newest snapshots; returns the position of the oldest one kept.
uint64_t pruneSnapshots(const std::string& data_dir, int keep);

}  // namespace casewatch
