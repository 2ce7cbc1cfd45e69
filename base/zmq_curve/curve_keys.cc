#include "base/zmq_curve/curve_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <zmq.h>

#include "base/str_cat.h"

namespace casewatch {
namespace {

// The key lines of a key file: trimmed, without blanks and `#` comments.
absl::StatusOr<std::vector<std::string>> keyLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(strCat(path, ": cannot read: ", std::strerror(errno)));
  }
  std::vector<std::string> lines;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const size_t last = line.find_last_not_of(" \t\r");
    std::string key = line.substr(first, last - first + 1);
    if (!isZ85Key(key)) {
      return absl::InvalidArgumentError(strCat(path, ":", number,
                                               ": expected a Z85 key (40 characters), got ",
                                               key.size(), " characters"));
    }
    lines.push_back(std::move(key));
  }
  return lines;
}

absl::StatusOr<std::string> oneKey(const std::string& path) {
  auto lines = keyLines(path);
  if (!lines.ok()) return lines.status();
  if (lines->size() != 1) {
    return absl::InvalidArgumentError(
        strCat(path, ": expected one Z85 key, found ", lines->size()));
  }
  return std::move(lines->front());
}

absl::Status writeFile(const std::string& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return absl::FailedPreconditionError(strCat(path, ": ", std::strerror(errno)));
  // The umask may have taken bits away; never added any, but say exactly what is meant.
  ::fchmod(fd, mode);
  const ssize_t n = ::write(fd, text.data(), text.size());
  const bool ok = n == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) return absl::InternalError(strCat(path, ": write failed: ", std::strerror(err)));
  return absl::OkStatus();
}

}  // namespace

bool isZ85Key(std::string_view text) {
  if (text.size() != 40) return false;
  uint8_t raw[32];
  const std::string copy(text);
  return zmq_z85_decode(raw, copy.c_str()) != nullptr;
}

absl::StatusOr<CurveKeyPair> readCurveSecretKeyFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return absl::PermissionDeniedError(
        strCat(path, ": a secret key open to group or others (mode 0", (st.st_mode >> 6) & 7,
               (st.st_mode >> 3) & 7, st.st_mode & 7, "); chmod 600 it"));
  }
  auto secret = oneKey(path);
  if (!secret.ok()) return secret.status();
  CurveKeyPair pair;
  pair.secret_z85 = std::move(*secret);
  char pub[41];
  if (zmq_curve_public(pub, pair.secret_z85.c_str()) != 0) {
    return absl::InvalidArgumentError(strCat(path, ": not a CURVE secret key"));
  }
  pair.public_z85 = pub;
  return pair;
}

absl::StatusOr<std::string> readCurvePublicKeyFile(const std::string& path) {
  return oneKey(path);
}

absl::StatusOr<std::vector<std::string>> readCurveClientKeysFile(const std::string& path) {
  auto lines = keyLines(path);
  if (!lines.ok()) return lines.status();
  std::vector<std::string> raw;
  raw.reserve(lines->size());
  for (const std::string& z85 : *lines) {
    std::string key(32, '\0');
    zmq_z85_decode(reinterpret_cast<uint8_t*>(key.data()), z85.c_str());
    raw.push_back(std::move(key));
  }
  return raw;
}

absl::StatusOr<CurveKeyPair> generateCurveKeyPair() {
  char pub[41];
  char sec[41];
  if (zmq_curve_keypair(pub, sec) != 0) {
    return absl::UnimplementedError("this libzmq has no CURVE (built without libsodium?)");
  }
  return CurveKeyPair{pub, sec};
}

absl::Status writeCurveKeyPair(const std::string& prefix, const CurveKeyPair& pair) {
  const std::string pub_path = prefix + ".pub";
  const std::string key_path = prefix + ".key";
  if (::access(pub_path.c_str(), F_OK) == 0) {
    return absl::AlreadyExistsError(strCat(pub_path, ": exists; not overwritten"));
  }
  absl::Status s = writeFile(
      key_path,
      strCat("# casewatch CURVE secret key: keep it private (mode 0600).\n# Its public key: ",
             pair.public_z85, "\n", pair.secret_z85, "\n"),
      0600);
  if (!s.ok()) return s;
  return writeFile(pub_path,
                   strCat("# casewatch CURVE public key (", key_path, ")\n", pair.public_z85, "\n"),
                   0644);
}

}  // namespace casewatch
