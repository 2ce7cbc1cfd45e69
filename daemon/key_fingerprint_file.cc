#include "daemon/key_fingerprint_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "base/str_cat.h"

namespace casewatch {

absl::Status checkKeyFingerprint(const std::string& data_dir, const std::string& fingerprint,
                                 const std::string& origin) {
  const std::string path = data_dir + "/" + kKeyFingerprintFile;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (ec)
      return absl::UnavailableError(strCat("data_dir: cannot see ", path, ": ", ec.message()));
    // First start with this data directory: remember the key.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      return absl::UnavailableError(
          strCat("data_dir: cannot create ", path, ": ", std::strerror(errno)));
    }
    const std::string line = fingerprint + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!written || !synced) {
      ::unlink(path.c_str());
      return absl::UnavailableError(strCat("data_dir: cannot write ", path));
    }
    spdlog::info("Pseudonym key fingerprint {} stored in {}.", fingerprint, path);
    return absl::OkStatus();
  }
  std::ifstream in(path);
  if (!in) return absl::UnavailableError(strCat("data_dir: cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string stored = ss.str();
  while (!stored.empty() &&
         (stored.back() == '\n' || stored.back() == '\r' || stored.back() == ' '))
    stored.pop_back();
  if (stored == fingerprint) return absl::OkStatus();
  return absl::FailedPreconditionError(strCat(
      "pseudonym: the key from ", origin, " is not the key this data directory was made with (",
      path, " holds fingerprint ", stored, ", this key's is ", fingerprint,
      "). Its pseudonyms would not match the stored ones and every person's history would split. "
      "Start with the original key, or, to re-key, start with a new, empty data_dir."));
}

}  // namespace casewatch
