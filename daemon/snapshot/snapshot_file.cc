#include "daemon/snapshot/snapshot_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>

#include "base/str_cat.h"
#include "daemon/service/kill_point.h"

namespace casewatch {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'C', 'W', 'S', 'N', 'A', 'P', '\0', '\1'};
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 8 + 8 + 8 + 4;

uint32_t crcOf(std::string_view data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed large bodies in pieces.
  while (!data.empty()) {
    const size_t n = std::min<size_t>(data.size(), 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(n));
    data.remove_prefix(n);
  }
  return static_cast<uint32_t>(crc);
}

// Start-up checks a 0.9 GB body (a million cases) before parsing it: 0.44 s on one core, half of
// that on two. Halves are combined with zlib's crc32_combine, so the checksum is the same.
uint32_t crcOfOnTwoThreads(std::string_view data) {
  if (data.size() < (64u << 20)) return crcOf(data);
  const std::string_view first = data.substr(0, data.size() / 2);
  const std::string_view second = data.substr(first.size());
  auto later = std::async(std::launch::async, [second] { return crcOf(second); });
  const uLong a = crcOf(first);
  const uLong b = later.get();
  return static_cast<uint32_t>(crc32_combine(a, b, static_cast<z_off_t>(second.size())));
}

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <typename T>
T take(const char*& p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

std::string errnoText(std::string_view what, const std::string& path) {
  return strCat(what, " ", path, ": ", std::strerror(errno));
}

bool writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string fileName(uint64_t position) {
  char name[48];
  std::snprintf(name, sizeof name, "snap-%020" PRIu64 ".cws", position);
  return name;
}

}  // namespace

std::string snapshotDir(const std::string& data_dir) {
  return data_dir + "/snapshots";
}

std::vector<SnapshotFileInfo> listSnapshots(const std::string& data_dir) {
  std::vector<SnapshotFileInfo> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(snapshotDir(data_dir), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".tmp")) {
      fs::remove(entry.path(), ec);  // an interrupted write
      continue;
    }
    uint64_t position = 0;
    if (name.size() == 29 && name.starts_with("snap-") && name.ends_with(".cws") &&
        std::sscanf(name.c_str() + 5, "%20" SCNu64, &position) == 1) {
      out.push_back(SnapshotFileInfo{entry.path().string(), position});
    }
  }
  std::sort(out.begin(), out.end(), [](const SnapshotFileInfo& a, const SnapshotFileInfo& b) {
    return a.position > b.position;
  });
  return out;
}

absl::StatusOr<uint64_t> writeSnapshotFile(const std::string& data_dir, uint64_t position,
                                           uint64_t config_fingerprint, std::string_view body) {
  const std::string dir = snapshotDir(data_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return absl::InternalError(strCat("snapshot: cannot create ", dir, ": ", ec.message()));
  std::string header(kMagic, sizeof kMagic);
  put<uint32_t>(header, kSnapshotFormatVersion);
  put<uint32_t>(header, crcOf(body));
  put<uint64_t>(header, position);
  put<uint64_t>(header, body.size());
  put<uint64_t>(header, config_fingerprint);
  put<uint32_t>(header, crcOf(header));

  const std::string path = dir + "/" + fileName(position);
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(errnoText("snapshot: cannot create", tmp));
  const bool written = writeAll(fd, header) && writeAll(fd, body) && ::fsync(fd) == 0;
  const bool full = !written && (errno == ENOSPC || errno == EDQUOT);
  const std::string why = written ? "" : errnoText("snapshot: cannot write", tmp);
  ::close(fd);
  if (!written) {
    // Abandoned whole: the part written would only hold on to the space a full disk needs.
    ::unlink(tmp.c_str());
    return full ? absl::ResourceExhaustedError(why) : absl::InternalError(why);
  }
  killPointForTest("snapshot.written");
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string msg = errnoText("snapshot: cannot rename", tmp);
    ::unlink(tmp.c_str());
    return absl::InternalError(msg);
  }
  // The rename is durable only once the directory is.
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || ::fsync(dfd) != 0) {
    const std::string msg = errnoText("snapshot: cannot fsync", dir);
    if (dfd >= 0) ::close(dfd);
    return absl::InternalError(msg);
  }
  ::close(dfd);
  return header.size() + body.size();
}

absl::StatusOr<SnapshotContents> readSnapshotFile(const std::string& path) {
  auto file = input::InputText::read(path);
  if (!file.ok()) return absl::InternalError(strCat("snapshot: ", file.status().message()));
  const std::string_view data = file->text();
  auto bad = [&](std::string_view why) {
    return absl::DataLossError(strCat("snapshot ", path, ": ", why));
  };
  if (data.size() < kHeaderBytes) return bad("shorter than its header");
  if (std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) return bad("not a snapshot (magic)");
  const char* p = data.data() + sizeof kMagic;
  const auto version = take<uint32_t>(p);
  const auto body_crc = take<uint32_t>(p);
  SnapshotContents c;
  c.position = take<uint64_t>(p);
  const auto body_bytes = take<uint64_t>(p);
  c.config_fingerprint = take<uint64_t>(p);
  const auto header_crc = take<uint32_t>(p);
  if (header_crc != crcOf(data.substr(0, kHeaderBytes - 4))) {
    return bad("header checksum mismatch");
  }
  if (version < kOldestSnapshotFormatRead || version > kSnapshotFormatVersion) {
    return bad(strCat("format version ", version, ", this build reads ", kOldestSnapshotFormatRead,
                      " to ", kSnapshotFormatVersion));
  }
  c.format = version;
  if (data.size() - kHeaderBytes != body_bytes) {
    return bad(
        strCat("truncated: ", data.size() - kHeaderBytes, " of ", body_bytes, " body bytes"));
  }
  if (crcOfOnTwoThreads(data.substr(kHeaderBytes)) != body_crc) {
    return bad("body checksum mismatch");
  }
  c.file = std::move(*file);
  c.body_offset = kHeaderBytes;
  return c;
}

uint64_t pruneSnapshots(const std::string& data_dir, int keep) {
  auto all = listSnapshots(data_dir);
  uint64_t oldest_kept = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    if (i < static_cast<size_t>(keep)) {
      oldest_kept = all[i].position;
    } else {
      ::unlink(all[i].path.c_str());
    }
  }
  return oldest_kept;
}

}  // namespace casewatch
