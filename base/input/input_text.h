// The whole content of a file read once from start to end: a regular file is mapped into memory
// and read in place, with no copy; standard input from a pipe is read in 1 MiB blocks. Used for
// an analyst's input (`casewatch fit`) and for the snapshot loaded at start-up.
// The fit commands used to copy a file through an ostringstream and read standard input a
// character at a time (istreambuf_iterator): `fit escalation` on a 25 MB CSV redirected to stdin
// took 0.607 s of CPU, now 0.179 s (medians of 5), the fit included. A snapshot of a million
// cases (1 GB) was read into a string and its body copied into another: 2 GB of fresh pages,
// which this machine's kernel zeroes at about 1 GB/s (clear_page_erms, half of the load's time).
//
// The text stays valid while the InputText lives. A mapped file that another process truncates
// while it is read kills the process with SIGBUS; an analyst's input is not written while a fit
// reads it, and a snapshot is written under another name and renamed into place, never
// rewritten. Not thread-safe to move while another thread reads text().
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace casewatch::input {

class InputText {
 public:
  // The text of `path` ("-" = standard input). NotFound "cannot read <path>" when it cannot be
  // opened or read.
  static absl::StatusOr<InputText> read(const std::string& path);

  InputText() = default;
  InputText(InputText&& other) noexcept;
  InputText& operator=(InputText&& other) noexcept;
  InputText(const InputText&) = delete;
  InputText& operator=(const InputText&) = delete;
  ~InputText();

  std::string_view text() const { return mapped_ ? std::string_view(mapped_, size_) : buffer_; }

 private:
  const char* mapped_ = nullptr;  // munmap'ed on destruction
  size_t size_ = 0;               // of the mapping
  std::string buffer_;            // what was read, when not mapped
};

}  // namespace casewatch::input
