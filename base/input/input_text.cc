#include "base/input/input_text.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "base/str_cat.h"

namespace casewatch::input {
namespace {

constexpr size_t kBlockBytes = size_t{1} << 20;

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd, bool owned) : fd_(fd), owned_(owned) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (owned_ && fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
  bool owned_;
};

// Everything left to read on `fd`, in large blocks (a pipe, a terminal, /proc files whose size
// stat does not know).
bool readBlocks(int fd, std::string& out) {
  size_t used = out.size();
  for (;;) {
    if (out.size() - used < kBlockBytes) out.resize(std::max(out.size() * 2, used + kBlockBytes));
    const ssize_t got = ::read(fd, out.data() + used, out.size() - used);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    used += static_cast<size_t>(got);
  }
  out.resize(used);
  return true;
}

}  // namespace

absl::StatusOr<InputText> InputText::read(const std::string& path) {
  const bool stdin_path = path == "-";
  const FileDescriptor fd(stdin_path ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC),
                          !stdin_path);
  const auto cannot = [&] { return absl::NotFoundError(strCat("cannot read ", path)); };
  if (fd.get() < 0) return cannot();
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return cannot();
  InputText input;
  // A regular file from its start (stdin redirected from a file may have been read from already).
  const off_t at = stdin_path ? ::lseek(fd.get(), 0, SEEK_CUR) : 0;
  if (S_ISREG(st.st_mode) && st.st_size > 0 && at == 0) {
    // MAP_POPULATE maps every page of the page cache at once instead of one fault per 16 pages.
    void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                     MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
    if (p != MAP_FAILED) {
      input.mapped_ = static_cast<const char*>(p);
      input.size_ = static_cast<size_t>(st.st_size);
      return input;
    }
  }
  if (!readBlocks(fd.get(), input.buffer_)) return cannot();
  return input;
}

InputText::InputText(InputText&& other) noexcept
    : mapped_(std::exchange(other.mapped_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      buffer_(std::move(other.buffer_)) {}

InputText& InputText::operator=(InputText&& other) noexcept {
  if (this != &other) {
    if (mapped_) ::munmap(const_cast<char*>(mapped_), size_);
    mapped_ = std::exchange(other.mapped_, nullptr);
    size_ = std::exchange(other.size_, 0);
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

InputText::~InputText() {
  if (mapped_) ::munmap(const_cast<char*>(mapped_), size_);
}

}  // namespace casewatch::input
