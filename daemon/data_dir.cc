#include "daemon/data_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "base/str_cat.h"

namespace casewatch {

absl::Status prepareDataDir(const std::string& dir) {
  ::umask(077);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return absl::UnavailableError(strCat("data_dir: cannot create ", dir, ": ", ec.message()));
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    return absl::UnavailableError(
        strCat("data_dir: cannot stat ", dir, ": ", std::strerror(errno)));
  }
  if ((st.st_mode & 077) != 0) {
    if (::chmod(dir.c_str(), 0700) != 0) {
      return absl::PermissionDeniedError(strCat("data_dir: ", dir,
                                                " is open to group or others and cannot be made "
                                                "private (chmod 700): ",
                                                std::strerror(errno)));
    }
    spdlog::warn("data_dir {} was open to group or others (mode {:04o}); made it 0700.", dir,
                 st.st_mode & 07777);
  }
  return absl::OkStatus();
}

}  // namespace casewatch
