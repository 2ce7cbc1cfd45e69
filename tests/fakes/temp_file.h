// A file under /tmp holding the given contents, removed when the object goes.
//
// Header-only.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace casewatch::testing {

class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    char tmpl[] = "/tmp/casewatch-test-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    if (fd < 0) ADD_FAILURE() << "mkstemp failed";
    path_ = tmpl;
    if (fd >= 0) {
      EXPECT_EQ(::write(fd, contents.data(), contents.size()),
                static_cast<ssize_t>(contents.size()));
      ::close(fd);
    }
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace casewatch::testing
